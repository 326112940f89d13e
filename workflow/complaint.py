"""A complaint as filed: what the reporter (or an officer for them) tells, before it enters the workflow."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from workflow.channels import Channel, ExternalReference
from workflow.definitions import ComplaintKind

MAX_SUBJECT_LENGTH = 200
# Stored whole; screens shorten it to fit Telegram's 4,096-character messages.
MAX_CHRONOLOGY_LENGTH = 8000
MAX_ATTACHMENTS = 5


class AttachmentKind(StrEnum):
    PHOTO = "photo"
    DOCUMENT = "document"


@dataclass(frozen=True)
class AttachmentDraft:
    telegram_file_id: str
    kind: AttachmentKind
    file_unique_id: str | None = None
    file_name: str | None = None
    mime_type: str | None = None
    size: int | None = None


@dataclass(frozen=True)
class ComplaintDraft:
    reporter_id: int
    subject: str
    chronology: str
    event_date: date
    event_place: str
    kind: ComplaintKind = ComplaintKind.LAPORGUB
    channel: Channel = Channel.TELEGRAM
    external_ref: ExternalReference | None = None
    latitude: float | None = None
    longitude: float | None = None
    confidential: bool = False
    attachments: tuple[AttachmentDraft, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        if not self.subject.strip() or len(self.subject) > MAX_SUBJECT_LENGTH:
            raise ValueError(f"a subject needs 1-{MAX_SUBJECT_LENGTH} characters")
        if not self.chronology.strip() or len(self.chronology) > MAX_CHRONOLOGY_LENGTH:
            raise ValueError(f"a chronology needs 1-{MAX_CHRONOLOGY_LENGTH} characters")
        if not self.event_place.strip():
            raise ValueError("a complaint needs the place of the events")
        if len(self.attachments) > MAX_ATTACHMENTS:
            raise ValueError(f"at most {MAX_ATTACHMENTS} attachments")
        if (self.latitude is None) != (self.longitude is None):
            raise ValueError("a location needs both latitude and longitude")
