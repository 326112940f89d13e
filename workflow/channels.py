"""Where a complaint came from."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from workflow.definitions import ST, T

# The first step of each workflow: the complaint is recorded, with the complainant there to be told.
FIRST_STEPS = frozenset({T.SUBMIT, ST.RECORD})


class Channel(StrEnum):
    TELEGRAM = "telegram"
    TELEPHONE = "telephone"
    EMAIL = "email"
    WEBSITE = "website"
    TWITTER = "twitter"
    INSTAGRAM = "instagram"
    DIRECT = "direct"  # in person, at the counter

    @property
    def is_indirect(self) -> bool:
        return self not in (Channel.TELEGRAM, Channel.DIRECT)


class ExternalSystem(StrEnum):
    LAPORGUB_WEB = "laporgub_web"
    SP4N_LAPOR = "sp4n_lapor"
    WADUL_ALADIN = "wadul_aladin"


EXTERNAL_SYSTEM_NAMES: dict[ExternalSystem, str] = {
    ExternalSystem.LAPORGUB_WEB: "LaporGub web",
    ExternalSystem.SP4N_LAPOR: "SP4N-LAPOR!",
    ExternalSystem.WADUL_ALADIN: "Wadul Aladin",
}


@dataclass(frozen=True)
class ExternalReference:
    """The same complaint's number in another complaint system."""

    system: ExternalSystem
    number: str

    def __post_init__(self) -> None:
        if not self.number.strip():
            raise ValueError("an external reference needs its number")

    def __str__(self) -> str:
        return f"{EXTERNAL_SYSTEM_NAMES[self.system]} {self.number}"


def told_at_recording(channel: str, trigger: str) -> bool:
    """A complainant at the counter hears their complaint's number from the officer recording it: that
    first notice is delivered in person as it is written, never a task to press "delivered" on."""
    return channel == Channel.DIRECT and trigger in FIRST_STEPS
