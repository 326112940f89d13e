"""Who a person can play in the sandbox: one demo admin per role, an existing reporter, new reporters."""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass
from typing import Any

from workflow.actors import Role
from workflow.identity import Identity


@dataclass(frozen=True)
class Persona:
    key: str
    telegram_id: int
    name: str
    label_id: str
    label_en: str
    phone: str
    role: Role | None = None
    org_code: str | None = None

    @property
    def is_admin(self) -> bool:
        return self.role is not None

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "id": self.telegram_id,
            "name": self.name,
            "label": {"id": self.label_id, "en": self.label_en},
            "phone": self.phone,
            "role": str(self.role) if self.role else "reporter",
            "org_code": self.org_code,
        }


PROVINCE_CODE = "JATENG"
CITY_CODE = "KOTA-PEKALONGAN"
OPD_CODE = "PKL-DPUPR"
SECOND_OPD_CODE = "PKL-DLH"

REPORTER = Persona(
    key="reporter",
    telegram_id=810001,
    name="Siti Aminah",
    label_id="Pelapor",
    label_en="Reporter",
    phone="+6281234567801",
)
# Already registered, so the bot offers to reuse her identity: the path most returning citizens take.
REPORTER_IDENTITY = Identity(
    full_name="Siti Aminah",
    nik="3375026808850001",
    phone="+6281234567801",
    address="Jl. Sriwijaya No. 12, Pekalongan Barat",
)


def _admin(key: str, telegram_id: int, name: str, labels: tuple[str, str], role: Role, org: str) -> Persona:
    phone = f"+62812345678{telegram_id // 100 % 10}1"
    return Persona(key, telegram_id, name, labels[0], labels[1], phone, role, org)


ADMINS = (
    _admin(
        "province",
        810101,
        "Budi (Admin Pemprov)",
        ("Admin Pemprov Jateng", "Province admin"),
        Role.PROVINCE,
        PROVINCE_CODE,
    ),
    _admin(
        "city",
        810201,
        "Dewi (Admin Dinkominfo)",
        ("Admin Dinkominfo", "City admin (Dinkominfo)"),
        Role.CITY,
        CITY_CODE,
    ),
    _admin(
        "opd", 810301, "Agus (Admin DPUPR)", ("Admin OPD (DPUPR)", "Agency (OPD) admin"), Role.OPD, OPD_CODE
    ),
    # A second agency, so a complaint sent to the wrong one can be returned and sent on (the demo does).
    Persona(
        "opd-dlh",
        810302,
        "Wati (Admin DLH)",
        "Admin OPD (DLH)",
        "Agency (OPD) admin, DLH",
        "+6281234567832",
        Role.OPD,
        SECOND_OPD_CODE,
    ),
    _admin(
        "officer",
        810401,
        "Rudi (Petugas)",
        ("Petugas pengaduan", "Complaints officer"),
        Role.OFFICER,
        CITY_CODE,
    ),
    _admin(
        "official",
        810501,
        "Sri (Pejabat Pengaduan)",
        ("Pejabat pengaduan", "Complaints official"),
        Role.OFFICIAL,
        CITY_CODE,
    ),
)

FIRST_NEW_REPORTER_ID = 820001


def new_reporter(number: int, telegram_id: int) -> Persona:
    return Persona(
        f"new-{number}",
        telegram_id,
        f"Warga Baru {number}",
        f"Pelapor baru {number}",
        f"New reporter {number}",
        f"+6285712{telegram_id % 100000:05d}",
    )


class Cast:
    """The personas in picker order; a new reporter is added whenever someone asks for one."""

    def __init__(self) -> None:
        self.personas: list[Persona] = [REPORTER, *ADMINS]
        self._new_reporters = 0

    def by_id(self, telegram_id: int) -> Persona | None:
        return next((p for p in self.personas if p.telegram_id == telegram_id), None)

    def add_new_reporter(self, taken: Container[int]) -> Persona:
        """``taken``: Telegram ids someone already used (in this run or in a kept database)."""
        self._new_reporters += 1
        telegram_id = FIRST_NEW_REPORTER_ID + self._new_reporters - 1
        while telegram_id in taken or self.by_id(telegram_id):
            self._new_reporters += 1
            telegram_id += 1
        persona = new_reporter(self._new_reporters, telegram_id)
        self.personas.append(persona)
        return persona
