"""SQLAlchemy models: the tables behind the workflow. Schema changes go through Alembic migrations."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    event,
    text,
    true,
    update,
)
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, Mapper, mapped_column

from storage.personal_data import sealed_text


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on every backend (SQLite keeps no offset, so one is put back on read)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: store aware UTC datetimes only")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime, dict[str, Any]: JSON}


class Organisation(Base):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Set by the registry import (storage.registry): a button label, and where a city is (migration 0014).
    short_name: Mapped[str | None] = mapped_column(String(24))
    region_code: Mapped[str | None] = mapped_column(String(8))
    districts: Mapped[list[str] | None] = mapped_column(JSON)
    # Words of its duties, from the registry: the pickers' suggestions before the office has decided any.
    keywords: Mapped[list[str] | None] = mapped_column(JSON)


class Admin(Base):
    __tablename__ = "admins"
    __table_args__ = (UniqueConstraint("telegram_id", "org_id", "role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    telegram_id: Mapped[int] = mapped_column(BigInteger, index=True)
    full_name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(16))
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class TelegramUser(Base):
    """Everyone who has talked to the bot, with the language they chose."""

    __tablename__ = "telegram_users"

    telegram_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    first_name: Mapped[str] = mapped_column(String(200), default="")
    language: Mapped[str] = mapped_column(String(8), default="id")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Reporter(Base):
    __tablename__ = "reporters"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    telegram_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    # Personal data, encrypted at rest (storage/personal_data.py).
    nik: Mapped[str] = mapped_column(sealed_text(sqlite_length=16))
    phone: Mapped[str] = mapped_column(sealed_text(sqlite_length=20))
    address: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(8), default="id")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # A complainant who is not on Telegram (recorded by an officer): how the officer reaches them.
    contact: Mapped[str | None] = mapped_column(sealed_text(sqlite_length=200))
    contact_channel: Mapped[str | None] = mapped_column(String(16))
    # When the identity was erased (storage/retention.py): name, NIK, phone, address and contact are gone.
    erased_at: Mapped[datetime | None]


# At most one erasure request of a reporter waits for the handling office at a time (a partial unique index,
# so two presses at once cannot file two).
PENDING_DATA_REQUEST_FILTER = "status = 'pending'"


class DataRequest(Base):
    """A reporter's request to erase their identity (UU 27/2022), decided by an admin of the handling office
    (storage/data_requests.py). The decision is recorded here and, with the filing, in its events."""

    __tablename__ = "data_requests"
    __table_args__ = (
        Index(
            "ix_data_requests_one_pending",
            "reporter_id",
            unique=True,
            postgresql_where=text(PENDING_DATA_REQUEST_FILTER),
            sqlite_where=text(PENDING_DATA_REQUEST_FILTER),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reporter_id: Mapped[int] = mapped_column(ForeignKey("reporters.id"), index=True)
    # The chat that asked, told of the decision (the reporter's Telegram id when they asked).
    chat_id: Mapped[int] = mapped_column(BigInteger)
    office_org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending, erased, refused
    requested_at: Mapped[datetime]
    decided_at: Mapped[datetime | None]
    decided_by_admin_id: Mapped[int | None] = mapped_column(ForeignKey("admins.id"))
    reason: Mapped[str | None] = mapped_column(Text)  # why it was refused, told to the reporter


class DataRequestEvent(Base):
    """What happened to a data request, appended and never changed: filed, erased, refused."""

    __tablename__ = "data_request_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("data_requests.id"), index=True)
    action: Mapped[str] = mapped_column(String(16))
    actor_role: Mapped[str] = mapped_column(String(16))
    actor_admin_id: Mapped[int | None] = mapped_column(ForeignKey("admins.id"))
    # An admin's name as it was then; never the reporter's (that is what gets erased).
    actor_name: Mapped[str] = mapped_column(String(200), default="")
    reason: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime]


class Invite(Base):
    """A one-time deep link that gives whoever opens it an admin seat, until it is used or expires."""

    __tablename__ = "invites"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    role: Mapped[str] = mapped_column(String(16))
    created_by_admin_id: Mapped[int | None] = mapped_column(ForeignKey("admins.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    used_by_telegram_id: Mapped[int | None] = mapped_column(BigInteger)


class Relay(Base):
    """A notice meant for a complainant who is not on Telegram: a task for the officer who recorded it.

    One per step that caused it (`event_id`): the complaint's own step, or, for a duplicate, each step of the
    earlier complaint it follows, which leaves the duplicate's version as it is (storage/duplicates.py).
    """

    __tablename__ = "relays"
    __table_args__ = (UniqueConstraint("event_id", "complaint_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id"), index=True)
    complaint_version: Mapped[int] = mapped_column(Integer)
    event_id: Mapped[int] = mapped_column(ForeignKey("complaint_events.id"))
    officer_admin_id: Mapped[int] = mapped_column(ForeignKey("admins.id"))
    trigger: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    delivered_at: Mapped[datetime | None]
    delivered_by_admin_id: Mapped[int | None] = mapped_column(ForeignKey("admins.id"))


class LinkAttempt(Base):
    """A try at linking a complaint to a Telegram account, kept to limit guessing the phone's last digits."""

    __tablename__ = "link_attempts"
    __table_args__ = (Index("ix_link_attempts_user_at", "telegram_id", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    telegram_id: Mapped[int] = mapped_column(BigInteger)
    at: Mapped[datetime]
    succeeded: Mapped[bool] = mapped_column(Boolean, default=False)


# Complaints not yet in a final state of the LaporGub workflow (closed, rejected); a test keeps it in step
# with `workflow.definitions`. Literal SQL, so that PostgreSQL can match a query to the partial index.
UNFINISHED_FILTER = "state NOT IN ('closed', 'rejected')"


class Complaint(Base):
    __tablename__ = "complaints"
    __table_args__ = (
        Index("ix_complaints_queue", "current_org_id", "state", "deadline"),
        # One complaint per filing conversation, however often its confirmation is replayed.
        Index("ix_complaints_submission_key", "submission_key", unique=True),
        Index("ix_complaints_reporter", "reporter_id", "received_at"),
        # The scheduler's scan of complaints waiting on an admin (few among many closed ones).
        Index("ix_complaints_kind_state", "kind", "state"),
        # A period's report reads only this index on PostgreSQL (an index-only scan), never the wide rows.
        Index(
            "ix_complaints_received",
            "received_at",
            postgresql_include=[
                "id",
                "kind",
                "state",
                "channel",
                "rating",
                "deadline",
                "current_org_id",
                "city_org_id",
                "opd_org_id",
                "resolved_at",
            ],
        ),
        # A province's report reads unfinished complaints here and finished ones from the daily rollups.
        Index(
            "ix_complaints_unfinished",
            "received_at",
            postgresql_include=[
                "kind",
                "state",
                "channel",
                "rating",
                "deadline",
                "current_org_id",
                "city_org_id",
                "opd_org_id",
                "resolved_at",
            ],
            postgresql_where=text(UNFINISHED_FILTER),
            sqlite_where=text(UNFINISHED_FILTER),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tracking_number: Mapped[str] = mapped_column(String(32), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(32))
    version: Mapped[int] = mapped_column(Integer, default=1)
    reporter_id: Mapped[int] = mapped_column(ForeignKey("reporters.id"))
    current_org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    province_org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    city_org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    opd_org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    channel: Mapped[str] = mapped_column(String(16))
    external_system: Mapped[str | None] = mapped_column(String(16))
    external_number: Mapped[str | None] = mapped_column(String(64))
    # The filing conversation's own key (see ComplaintService.submit); None for complaints filed without one.
    submission_key: Mapped[str | None] = mapped_column(String(64))
    confidential: Mapped[bool] = mapped_column(Boolean, default=False)
    # The complainant answers in the bot themselves (on Telegram, and has not blocked it); only when they do
    # not may an officer answer for them (`workflow.engine`). False when an officer records it for someone
    # off Telegram or the bot finds itself blocked; True again once they link the complaint or act in the bot.
    complainant_in_bot: Mapped[bool] = mapped_column(Boolean, default=True)
    subject: Mapped[str] = mapped_column(String(200))
    chronology: Mapped[str] = mapped_column(Text)
    event_date: Mapped[date] = mapped_column(Date)
    event_place: Mapped[str] = mapped_column(Text)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    received_at: Mapped[datetime]
    deadline: Mapped[datetime]
    result_text: Mapped[str | None] = mapped_column(Text)
    rating: Mapped[int | None] = mapped_column(Integer)
    # The reporter's optional comment on their rating, added after the rating was stored (migration 0012).
    rating_comment: Mapped[str | None] = mapped_column(Text)
    # When the province approved the result (step 6): stamped with the approving event, see below.
    resolved_at: Mapped[datetime | None]
    recorded_by_admin_id: Mapped[int | None] = mapped_column(ForeignKey("admins.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Joined to an earlier complaint about the same problem (storage/duplicates.py, migration 0019): it
    # leaves the queues and follows that one's milestones and result until unlinked. No foreign key: SQLite
    # cannot add one to an existing table without copying it (see 0008); only storage/duplicates.py sets it,
    # to a complaint it has just read, and complaints are never deleted.
    duplicate_of_id: Mapped[int | None] = mapped_column(Integer, index=True)


class ComplaintTerm(Base):
    """The stemmed content words of a complaint (subject, chronology, place), written when it is filed:
    the similar list finds its candidates by shared rare words here (storage/duplicates.py)."""

    __tablename__ = "complaint_terms"
    __table_args__ = (Index("ix_complaint_terms_term", "term", "complaint_id"),)

    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id"), primary_key=True)
    term: Mapped[str] = mapped_column(String(64), primary_key=True)


# The four ways a complaint is sent back, which reports count per organisation.
RETURNS_FILTER = "trigger IN ('return_to_province', 'return_to_city', 'request_revision', 'return_result')"


class ComplaintEvent(Base):
    """One transition, appended and never changed."""

    __tablename__ = "complaint_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)  # the complaint's version this event produced
    trigger: Mapped[str] = mapped_column(String(32))
    from_state: Mapped[str] = mapped_column(String(32))
    to_state: Mapped[str] = mapped_column(String(32))
    actor_role: Mapped[str] = mapped_column(String(16))
    actor_admin_id: Mapped[int | None] = mapped_column(ForeignKey("admins.id"))
    actor_reporter_id: Mapped[int | None] = mapped_column(ForeignKey("reporters.id"))
    actor_name: Mapped[str] = mapped_column(String(200), default="")
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    to_org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    reason: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)  # a result, a response or a rating comment
    at: Mapped[datetime]

    __table_args__ = (
        UniqueConstraint("complaint_id", "version"),
        # Reports: a period's returns, by whom and why, from the index alone on PostgreSQL.
        Index(
            "ix_complaint_events_returns",
            "at",
            postgresql_include=["trigger", "complaint_id", "org_id", "to_org_id", "reason"],
            postgresql_where=text(RETURNS_FILTER),
            sqlite_where=text(RETURNS_FILTER),
        ),
        # A city's or an OPD's report: the complaints that reached it since the period began.
        Index("ix_complaint_events_to_org", "to_org_id", "at", postgresql_include=["complaint_id"]),
        # A picker's "most used targets": an office's dispositions or forwards, counted by target.
        Index("ix_complaint_events_org_trigger", "org_id", "trigger", postgresql_include=["to_org_id"]),
        # The pickers' suggestions: an office's latest dispositions or forwards, newest first (0018).
        Index("ix_complaint_events_org_recent", "org_id", "trigger", "id"),
        # The moves that came back to an office since its kept history's last read (0021).
        Index("ix_complaint_events_to_org_recent", "to_org_id", "id"),
    )


class ReportDayMix(Base):
    """Finished LaporGub complaints by WIB receipt day, final state, channel and rating (0: none).

    This and the two tables below are rollups kept by `storage.reports.rollups`: one row per distinct key,
    counted up in the transaction that finishes a complaint, which nothing changes afterwards.
    """

    __tablename__ = "report_day_mix"

    received_day: Mapped[date] = mapped_column(Date, primary_key=True)
    state: Mapped[str] = mapped_column(String(32), primary_key=True)
    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    rating: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    complaints: Mapped[int] = mapped_column(Integer)


class ReportDaySlots(Base):
    """Finished LaporGub complaints by WIB receipt day and the city and OPD they were assigned (0: none)."""

    __tablename__ = "report_day_slots"

    received_day: Mapped[date] = mapped_column(Date, primary_key=True)
    city_org_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    opd_org_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    complaints: Mapped[int] = mapped_column(Integer)


class ReportDayCompletions(Base):
    """Finished LaporGub complaints that were completed, by WIB receipt day, whether received at or after
    the office's close, and WIB day of completion: what working days to complete are counted from.

    `office_close_s` is the closing time (seconds after WIB midnight) the receipt day was split at."""

    __tablename__ = "report_day_completions"

    received_day: Mapped[date] = mapped_column(Date, primary_key=True)
    office_close_s: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    after_office_close: Mapped[bool] = mapped_column(Boolean, primary_key=True)
    resolved_day: Mapped[date] = mapped_column(Date, primary_key=True)
    complaints: Mapped[int] = mapped_column(Integer)


class Attachment(Base):
    __tablename__ = "attachments"
    __table_args__ = (
        Index(
            "ix_attachments_unstored",
            "id",
            postgresql_where=text("stored_at IS NULL"),
            sqlite_where=text("stored_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id"), index=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("complaint_events.id"))  # set for result files
    telegram_file_id: Mapped[str] = mapped_column(String(256))
    file_unique_id: Mapped[str | None] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(16))
    file_name: Mapped[str | None] = mapped_column(String(256))
    mime_type: Mapped[str | None] = mapped_column(String(128))
    size: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Our own copy of the bytes (bot/attachment_keeper.py): a file id works only for the bot that got it, so
    # a replaced bot or token sends the file from ATTACHMENTS_DIR/<sha256[:2]>/<sha256> instead.
    bot_id: Mapped[int | None] = mapped_column(BigInteger)  # the bot the file id belongs to
    sha256: Mapped[str | None] = mapped_column(String(64))
    stored_size: Mapped[int | None] = mapped_column(Integer)
    stored_at: Mapped[datetime | None]
    store_attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    store_error: Mapped[str | None] = mapped_column(Text)


class OutboxMessage(Base):
    """A message to deliver, written in the same transaction as the change that caused it.

    Senders claim a row with a lease (`claimed_by`, `claimed_until`); a row whose sender died is claimed
    again once its lease has run out. `telegram_message_id` is what Telegram answered, so a later row can
    edit that message (another admin's copy of a card that has been handled).
    """

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_due", "status", "next_attempt_at"),
        Index("ix_outbox_chat_order", "chat_id", "status", "id"),
        Index("ix_outbox_complaint_version", "complaint_id", "complaint_version"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(32))
    complaint_id: Mapped[int | None] = mapped_column(ForeignKey("complaints.id"))
    complaint_version: Mapped[int | None] = mapped_column(Integer)
    payload: Mapped[dict[str, Any]]
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime]
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_until: Mapped[datetime | None]
    dedupe_key: Mapped[str] = mapped_column(String(128), unique=True)
    last_error: Mapped[str | None] = mapped_column(Text)
    telegram_message_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]


class TrackingCounter(Base):
    __tablename__ = "tracking_counters"

    prefix: Mapped[str] = mapped_column(String(8), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(Integer, default=0)


class FsmRecord(Base):
    """aiogram conversation state, so a half-filed complaint survives a restart."""

    __tablename__ = "fsm_states"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    state: Mapped[str | None] = mapped_column(String(255))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class ProcessedUpdate(Base):
    """An update some process has taken or handled: a second delivery (a webhook retry, perhaps to another
    process; an update polled again after a kill) must change nothing once the first has finished, and must
    be handled if the first was cut short. Purged after a few days (storage/processed_updates.py)."""

    __tablename__ = "processed_updates"

    bot_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    received_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # While being handled: the instant the taker's lease runs out (it renews it while alive). None: handled.
    taken_until: Mapped[datetime | None] = mapped_column(default=None)
    # A polled update's JSON while it is not yet done, so a killed process's successor can replay it
    # (polling's inbox, bot/updates/polling.py). None once done, and for webhook deliveries (Telegram resends
    # those).
    payload: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    # True once the update's callback query was answered by a handling that then failed: its replay does not
    # answer it again (bot/updates/once.py). None otherwise.
    answered: Mapped[bool | None] = mapped_column(Boolean, default=None)
    # An update polling could not parse: why, kept with its JSON (`payload`) for an operator; the mark is done
    # and never purged (bot/updates/polling.py).
    error: Mapped[str | None] = mapped_column(Text, default=None)


def table_of(model: type[Base]) -> Table:
    """A model's table, typed as the `Table` it is (SQLAlchemy declares `__table__` as any `FromClause`)."""
    table = model.__table__
    assert isinstance(table, Table), table
    return table


@event.listens_for(ComplaintEvent, "after_insert")
def _stamp_resolution(_mapper: Mapper[ComplaintEvent], connection: Connection, row: ComplaintEvent) -> None:
    """Copy the approval's time onto its complaint, in the same transaction as the event.

    Reports measure "received -> resolved" for a year of complaints; reading both instants from the complaint
    row, through one index, is what keeps a province's year report under a second (a join with the events
    costs several). Done here, where every event is written, so no caller can forget it.
    """
    if row.trigger == "approve":
        connection.execute(
            update(table_of(Complaint))
            .where(table_of(Complaint).c.id == row.complaint_id)
            .values(resolved_at=row.at)
        )
