"""Plain data returned by the storage services, so callers never touch live ORM objects."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Row

from storage import models
from workflow.actors import Actor, Organisation, OrgKind, Role
from workflow.definitions import ComplaintKind
from workflow.engine import ComplaintSnapshot
from workflow.identity import mask_nik, mask_phone


@dataclass(frozen=True)
class AdminInfo:
    id: int
    telegram_id: int
    full_name: str
    role: Role
    org: Organisation
    active: bool

    def as_actor(self) -> Actor:
        return Actor(role=self.role, org_id=self.org.id, admin_id=self.id, name=self.full_name)


@dataclass(frozen=True)
class ReporterInfo:
    id: int
    telegram_id: int | None
    full_name: str
    nik: str
    phone: str
    address: str
    language: str
    erased: bool = False  # the identity was erased after the retention period: nothing to offer back

    @property
    def masked_nik(self) -> str:
        return mask_nik(self.nik)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    def as_actor(self) -> Actor:
        return Actor(role=Role.REPORTER, reporter_id=self.id, name=self.full_name)


@dataclass(frozen=True)
class AttachmentInfo:
    id: int
    telegram_file_id: str
    kind: str
    file_name: str | None
    mime_type: str | None
    size: int | None
    is_result: bool
    # Who may use `telegram_file_id` (None: not known yet), and our own copy's checksum (None: none yet).
    bot_id: int | None = None
    sha256: str | None = None


@dataclass(frozen=True)
class ComplaintInfo:
    id: int
    tracking_number: str
    kind: ComplaintKind
    state: str
    version: int
    reporter_id: int
    current_org_id: int | None
    province_org_id: int | None
    city_org_id: int | None
    opd_org_id: int | None
    channel: str
    external_system: str | None
    external_number: str | None
    confidential: bool
    subject: str
    chronology: str
    event_date: date
    event_place: str
    latitude: float | None
    longitude: float | None
    received_at: datetime
    deadline: datetime
    result_text: str | None
    rating: int | None
    rating_comment: str | None = None
    complainant_in_bot: bool = True
    duplicate_of_id: int | None = None  # joined to this earlier complaint (storage/duplicates.py)

    def snapshot(self) -> ComplaintSnapshot:
        return ComplaintSnapshot(
            kind=self.kind,
            state=self.state,
            version=self.version,
            reporter_id=self.reporter_id,
            current_org_id=self.current_org_id,
            province_org_id=self.province_org_id,
            city_org_id=self.city_org_id,
            opd_org_id=self.opd_org_id,
            complainant_in_bot=self.complainant_in_bot,
        )


@dataclass(frozen=True)
class EventInfo:
    id: int
    version: int
    trigger: str
    from_state: str
    to_state: str
    actor_role: str
    actor_name: str
    org_id: int | None
    to_org_id: int | None
    reason: str | None
    note: str | None
    at: datetime


@dataclass(frozen=True)
class SimilarInfo:
    id: int
    tracking_number: str
    state: str
    received_at: datetime
    score: float
    subject: str = ""  # what the admin reads to judge whether it is the same problem


@dataclass(frozen=True)
class EarlierInfo:
    """The complaint a duplicate follows, as its card names it."""

    id: int
    tracking_number: str
    state: str


@dataclass(frozen=True)
class CardInfo:
    """Everything an admin's card shows about one complaint."""

    complaint: ComplaintInfo
    reporter: ReporterInfo
    orgs: dict[int, Organisation]  # the organisations the complaint has passed through, by id
    history: list[EventInfo]
    attachments: list[AttachmentInfo]
    # Earlier complaints that read like the same problem (at the offices' first look), and the one this
    # complaint follows as a duplicate: storage/duplicates.py.
    similar: tuple[SimilarInfo, ...] = ()
    earlier: EarlierInfo | None = None
    joined: tuple[str, ...] = ()  # the tracking numbers of the duplicates that follow this complaint


@dataclass(frozen=True)
class TransitionResult:
    complaint: ComplaintInfo
    event: EventInfo
    notified_chat_ids: tuple[int, ...]


def organisation_of(row: models.Organisation | Row[Any], prefix: str = "") -> Organisation:
    """The organisation of a model or a row; `prefix`: its columns' prefix in a row that holds more (a
    seat's `org__id`, …)."""

    def column(name: str) -> Any:
        return getattr(row, prefix + name)

    return Organisation(
        id=column("id"),
        kind=OrgKind(column("kind")),
        code=column("code"),
        name=column("name"),
        parent_id=column("parent_id"),
        active=column("active"),
        short_name=column("short_name") or "",
        region_code=column("region_code"),
        districts=tuple(column("districts") or ()),
        keywords=tuple(column("keywords") or ()),
    )


def admin_of(row: models.Admin, org: models.Organisation) -> AdminInfo:
    return AdminInfo(
        id=row.id,
        telegram_id=row.telegram_id,
        full_name=row.full_name,
        role=Role(row.role),
        org=organisation_of(org),
        active=row.active,
    )


def reporter_of(row: models.Reporter | Row[Any]) -> ReporterInfo:
    return ReporterInfo(
        id=row.id,
        telegram_id=row.telegram_id,
        full_name=row.full_name,
        nik=row.nik,
        phone=row.phone,
        address=row.address,
        language=row.language,
        erased=row.erased_at is not None,
    )


def complaint_of(row: models.Complaint | Row[Any]) -> ComplaintInfo:
    return ComplaintInfo(
        id=row.id,
        tracking_number=row.tracking_number,
        kind=ComplaintKind(row.kind),
        state=row.state,
        version=row.version,
        reporter_id=row.reporter_id,
        current_org_id=row.current_org_id,
        province_org_id=row.province_org_id,
        city_org_id=row.city_org_id,
        opd_org_id=row.opd_org_id,
        channel=row.channel,
        external_system=row.external_system,
        external_number=row.external_number,
        confidential=row.confidential,
        subject=row.subject,
        chronology=row.chronology,
        event_date=row.event_date,
        event_place=row.event_place,
        latitude=row.latitude,
        longitude=row.longitude,
        received_at=row.received_at,
        deadline=row.deadline,
        result_text=row.result_text,
        rating=row.rating,
        rating_comment=row.rating_comment,
        complainant_in_bot=row.complainant_in_bot is not False,
        duplicate_of_id=row.duplicate_of_id,
    )


def event_of(row: models.ComplaintEvent) -> EventInfo:
    return EventInfo(
        id=row.id,
        version=row.version,
        trigger=row.trigger,
        from_state=row.from_state,
        to_state=row.to_state,
        actor_role=row.actor_role,
        actor_name=row.actor_name,
        org_id=row.org_id,
        to_org_id=row.to_org_id,
        reason=row.reason,
        note=row.note,
        at=row.at,
    )


def attachment_of(row: models.Attachment) -> AttachmentInfo:
    return AttachmentInfo(
        id=row.id,
        telegram_file_id=row.telegram_file_id,
        kind=row.kind,
        file_name=row.file_name,
        mime_type=row.mime_type,
        size=row.size,
        is_result=row.event_id is not None,
        bot_id=row.bot_id,
        sha256=row.sha256 if row.stored_at is not None else None,
    )


# -- the same from JSON, as `ComplaintService.card` reads its lists in one statement -------------------

EVENT_FIELDS = (
    "id",
    "version",
    "trigger",
    "from_state",
    "to_state",
    "actor_role",
    "actor_name",
    "org_id",
    "to_org_id",
    "reason",
    "note",
    "at",
)
ATTACHMENT_FIELDS = (
    "id",
    "telegram_file_id",
    "kind",
    "file_name",
    "mime_type",
    "size",
    "event_id",
    "bot_id",
    "sha256",
)
ORGANISATION_FIELDS = ("id", "kind", "code", "name", "parent_id", "active")


def event_from(values: Mapping[str, Any]) -> EventInfo:
    return EventInfo(
        **{name: values[name] for name in EVENT_FIELDS if name != "at"}, at=instant(values["at"])
    )


def attachment_from(values: Mapping[str, Any]) -> AttachmentInfo:
    return AttachmentInfo(
        id=values["id"],
        telegram_file_id=values["telegram_file_id"],
        kind=values["kind"],
        file_name=values["file_name"],
        mime_type=values["mime_type"],
        size=values["size"],
        is_result=values["event_id"] is not None,
        bot_id=values["bot_id"],
        sha256=values["sha256"],
    )


def organisation_from(values: Mapping[str, Any]) -> Organisation:
    return Organisation(
        id=values["id"],
        kind=OrgKind(values["kind"]),
        code=values["code"],
        name=values["name"],
        parent_id=values["parent_id"],
        active=bool(values["active"]),  # SQLite's JSON has 1 and 0
    )


def instant(value: str) -> datetime:
    """An instant written into JSON: ISO 8601 with an offset by PostgreSQL, naive UTC text by SQLite."""
    moment = datetime.fromisoformat(value)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
