"""What falls due with time, derived from the database on every run: stage reminders and escalations,
closing results the reporter left unacknowledged (and service complaints' responses the complainant left
unanswered, after reminding them), and chasing or discarding half-filed drafts.

Nothing is held in memory between runs. Every message is an outbox row with a deterministic dedupe key,
written with INSERT … ON CONFLICT DO NOTHING, so two schedulers running at once, or one run again after a
restart, never send anything twice.

Payloads (all instants ISO 8601 in UTC), besides `complaint_id` and `tracking_number`:

* `stage_half`, `stage_due_today` (to the holding organisation's admins) and `stage_overdue` (to the tier
  above): `state`, `stage_started_at`, `due_at`, `target_hours`, `deadline` (the complaint's 2-working-day
  deadline), `holding_org_id`, `holding_org_name`, `holding_role`; `stage_overdue` also has
  `escalated_to_org_id`, `escalated_to_org_name`. The row's `complaint_version` is the stage's version:
  a sender should drop a reminder whose complaint has moved on since.
* `draft_reminder` / `draft_discarded` (to the reporter's chat, no complaint): `fsm_key`, `chat_id`,
  `user_id`, `state` (the filing step), `idle_since`; a reminder also has `discard_at`.
* `reporter_overdue` (to the reporter's chat, once per complaint, when a waiting complaint is past its
  2-working-day deadline): `deadline`, `state`, `holding_org_id`.
* `service_answer_reminder` (to the complainant of a service complaint, on the last working day before its
  response is taken as the solution): `responded_at`, `close_at`. Its `complaint_version` is the response's:
  a sender should drop it if the complainant answered meanwhile.
"""

from __future__ import annotations

import hashlib
import logging
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Select, and_, delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage import models
from storage.complaints import ComplaintService
from storage.database import upsert_insert
from storage.outbox.claims import OutboxStatus
from storage.outbox.notifications import NoticeKind
from storage.relays import awaiting_relay
from workflow.actors import Actor, Role
from workflow.calendar import WorkingCalendar
from workflow.definitions import SS, ST, ComplaintKind, S, T
from workflow.engine import workflow_for
from workflow.errors import StaleVersion
from workflow.sla import (
    AUTO_CLOSE_WORKING_DAYS,
    ESCALATION,
    WAITING_STAGES,
    Audience,
    Reminder,
    Stage,
    StageTargets,
    auto_close_at,
    due_reminders,
    stage_of,
)

logger = logging.getLogger(__name__)

SYSTEM = Actor(Role.SYSTEM, name="system")
_DEDUPE_KEY_LENGTH = 128  # models.OutboxMessage.dedupe_key
_INSERT_BATCH = 500
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# An outbox kind of this module's own (storage.outbox.notifications.NoticeKind lists the others).
SERVICE_ANSWER_REMINDER = "service_answer_reminder"
# What waits on the complainant's answer, per kind, and the system's step that ends their silence.
_AWAITING_ANSWER: Mapping[ComplaintKind, tuple[str, str]] = {
    ComplaintKind.LAPORGUB: (S.RESOLVED, T.AUTO_CLOSE),
    ComplaintKind.SERVICE: (SS.RESPONDED, ST.AUTO_CLOSE),
}


@dataclass(frozen=True)
class DraftOwner:
    """The chat and the person a half-filed draft belongs to."""

    chat_id: int
    user_id: int


@dataclass(frozen=True)
class SchedulerSettings:
    targets: StageTargets = field(default_factory=StageTargets)
    auto_close_working_days: int = AUTO_CLOSE_WORKING_DAYS
    draft_reminder_after: timedelta = timedelta(hours=24)
    draft_discard_after: timedelta = timedelta(days=10)
    # Drafts are rows of the bot's conversation storage (`fsm_states`): which rows are drafts (their state
    # starts with this) and whose chat each row is are the bot's to say (bot/app/scheduler_loop.py). Without
    # both, drafts are left alone.
    draft_state_prefix: str | None = None
    draft_owner: Callable[[str], DraftOwner | None] | None = None


@dataclass(frozen=True)
class SchedulerReport:
    notices: Mapping[str, int]  # outbox rows written by this run, by kind
    auto_closed: tuple[int, ...]  # complaint ids this run closed
    drafts_discarded: int

    @property
    def notices_written(self) -> int:
        return sum(self.notices.values())


async def run_scheduler_once(
    sessions: async_sessionmaker[AsyncSession],
    calendar: WorkingCalendar,
    clock: Callable[[], datetime],
    settings: SchedulerSettings | None = None,
) -> SchedulerReport:
    settings = settings or SchedulerSettings()
    now = clock()
    notices: Counter[str] = Counter()
    notices.update(await insert_notices(sessions, await _stage_notices(sessions, calendar, settings, now)))
    notices.update(await insert_notices(sessions, await _answer_reminders(sessions, calendar, settings, now)))
    closed = await _auto_close(sessions, calendar, clock, settings, now)
    discarded = []
    if settings.draft_state_prefix and settings.draft_owner is not None:
        owner = settings.draft_owner
        discarded = await _discard_drafts(sessions, settings, settings.draft_state_prefix, owner, now)
        notices.update(await insert_notices(sessions, discarded))
        reminders = await _draft_reminders(sessions, settings, settings.draft_state_prefix, owner, now)
        notices.update(await insert_notices(sessions, reminders))
    return SchedulerReport(notices=dict(notices), auto_closed=closed, drafts_discarded=len(discarded))


# -- stage reminders and escalation ----------------------------------------------------------------


async def _stage_notices(
    sessions: async_sessionmaker[AsyncSession],
    calendar: WorkingCalendar,
    settings: SchedulerSettings,
    now: datetime,
) -> list[dict[str, Any]]:
    complaint, event = models.Complaint, models.ComplaintEvent
    query = (
        select(
            complaint.id,
            complaint.tracking_number,
            complaint.kind,
            complaint.state,
            complaint.version,
            complaint.current_org_id,
            complaint.province_org_id,
            complaint.city_org_id,
            complaint.deadline,
            event.at.label("started_at"),
            models.Reporter.telegram_id.label("reporter_chat"),
        )
        .join(event, and_(event.complaint_id == complaint.id, event.version == complaint.version))
        .join(models.Reporter, models.Reporter.id == complaint.reporter_id)
        .where(complaint.kind == ComplaintKind.LAPORGUB, complaint.state.in_(WAITING_STAGES))
        .where(complaint.duplicate_of_id.is_(None))  # a duplicate waits on no office: it follows another
    )
    rows: list[dict[str, Any]] = []
    async with sessions() as session:
        waiting = (await session.execute(query)).all()
        recipients = await _Recipients.load(session) if waiting else None
    for row in waiting:
        assert recipients is not None
        stage = stage_of(row.state, row.started_at, calendar, settings.targets)
        assert stage is not None
        for reminder in due_reminders(stage, calendar, now):
            chats = recipients.chats(*_audience(row, reminder))
            details = _stage_details(recipients, row, stage, reminder) if chats else {}
            for chat_id in chats:
                key = f"{reminder.key(row.id, row.version)}:{chat_id}"
                rows.append(_notice(reminder.kind, chat_id, key, details, now, row))
        if row.reporter_chat is not None and now >= row.deadline:
            rows.append(_reporter_overdue(row, now))
    return rows


def _reporter_overdue(row: Any, now: datetime) -> dict[str, Any]:
    """-- citizens: the reporter hears once that their complaint is past its deadline (an apology and what
    happens next), whatever stage it waits in and however long it stays overdue."""
    key = f"{NoticeKind.REPORTER_OVERDUE}:{row.id}:{row.reporter_chat}"
    details = {"deadline": row.deadline.isoformat(), "state": row.state, "holding_org_id": row.current_org_id}
    return _notice(NoticeKind.REPORTER_OVERDUE, row.reporter_chat, key, details, now, row)


def _audience(row: Any, reminder: Reminder) -> tuple[int | None, Role]:
    if reminder.audience is Audience.HOLDER:
        holder = workflow_for(row.kind).holder(row.state)
        assert holder is not None
        return row.current_org_id, holder
    role, slot = ESCALATION[row.state]
    return getattr(row, slot), role


def _stage_details(recipients: _Recipients, row: Any, stage: Stage, reminder: Reminder) -> dict[str, Any]:
    details: dict[str, Any] = {
        "state": row.state,
        "stage_started_at": stage.started_at.isoformat(),
        "due_at": stage.due_at.isoformat(),
        "target_hours": stage.target.total_seconds() / 3600,
        "deadline": row.deadline.isoformat(),
        "holding_org_id": row.current_org_id,
        "holding_org_name": recipients.names.get(row.current_org_id),
        "holding_role": workflow_for(row.kind).holder(row.state),
    }
    if reminder.audience is Audience.TIER_ABOVE:
        org_id, _ = _audience(row, reminder)
        details["escalated_to_org_id"] = org_id
        details["escalated_to_org_name"] = recipients.names.get(org_id) if org_id else None
    return details


@dataclass(frozen=True)
class _Recipients:
    """Every organisation's name and active admins, read once per run (two queries, not one per complaint)."""

    names: Mapping[int, str]
    admins: Mapping[tuple[int, str], list[int]]

    @classmethod
    async def load(cls, session: AsyncSession) -> _Recipients:
        org, admin = models.Organisation, models.Admin
        names = {org_id: name for org_id, name in (await session.execute(select(org.id, org.name))).all()}
        admins: dict[tuple[int, str], set[int]] = {}
        seats = await session.execute(
            select(admin.org_id, admin.role, admin.telegram_id)
            .join(org, admin.org_id == org.id)
            .where(admin.active, org.active)
        )
        for org_id, role, telegram_id in seats.all():
            admins.setdefault((org_id, role), set()).add(telegram_id)
        return cls(names, {seat: sorted(chats) for seat, chats in admins.items()})

    def chats(self, org_id: int | None, role: Role) -> list[int]:
        return self.admins.get((org_id, str(role)), []) if org_id is not None else []


async def current_stages(
    sessions: async_sessionmaker[AsyncSession],
    complaint_ids: Iterable[int],
    calendar: WorkingCalendar,
    targets: StageTargets | None = None,
) -> dict[int, Stage]:
    """The stage each of these complaints is waiting in, for queues and cards (`workflow.sla.stage_status`
    tells what is left or overdue); complaints not waiting on an admin are left out. One query per call."""
    complaint, event = models.Complaint, models.ComplaintEvent
    query = (
        select(complaint.id, complaint.state, event.at)
        .join(event, and_(event.complaint_id == complaint.id, event.version == complaint.version))
        .where(complaint.id.in_(list(complaint_ids)), complaint.kind == ComplaintKind.LAPORGUB)
    )
    async with sessions() as session:
        rows = (await session.execute(query)).all()
    stages = {
        complaint_id: stage_of(state, started_at, calendar, targets)
        for complaint_id, state, started_at in rows
    }
    return {complaint_id: stage for complaint_id, stage in stages.items() if stage is not None}


# -- results and responses the complainant left unanswered ----------------------------------------


def answer_reminder_at(answered_at: datetime, calendar: WorkingCalendar, working_days: int) -> datetime:
    """When the complainant of a service complaint is reminded that the response waits on them: the office
    opening of the last working day before `auto_close_at` closes it (one working day of warning)."""
    last_day = calendar.add_working_days(calendar.receipt_day(answered_at), working_days)
    return calendar.office_opening(last_day)


def _awaiting_answer(kinds: Iterable[ComplaintKind]) -> Select[*tuple[Any, ...]]:
    """Complaints of these kinds waiting on their complainant's answer since their latest event; a
    complainant off Telegram hears of it through an officer, so a complaint whose relay the officer has not
    yet confirmed as delivered is not theirs to answer yet."""
    complaint, event = models.Complaint, models.ComplaintEvent
    waiting = [and_(complaint.kind == kind, complaint.state == _AWAITING_ANSWER[kind][0]) for kind in kinds]
    return (
        select(complaint.id, complaint.kind, complaint.tracking_number, complaint.version, event.at)
        .join(event, and_(event.complaint_id == complaint.id, event.version == complaint.version))
        .where(or_(*waiting))
        .where(~awaiting_relay())
        .order_by(complaint.id)
    )


async def _answer_reminders(
    sessions: async_sessionmaker[AsyncSession],
    calendar: WorkingCalendar,
    settings: SchedulerSettings,
    now: datetime,
) -> list[dict[str, Any]]:
    """Service complainants on Telegram whose response closes as solved at the next working day's opening."""
    query = (
        _awaiting_answer([ComplaintKind.SERVICE])
        .add_columns(models.Reporter.telegram_id)
        .join(models.Reporter, models.Reporter.id == models.Complaint.reporter_id)
        .where(models.Reporter.telegram_id.is_not(None))
    )
    async with sessions() as session:
        waiting = (await session.execute(query)).all()
    rows = []
    for row in waiting:
        close_at = auto_close_at(row.at, calendar, settings.auto_close_working_days)
        # Due until the closing itself: a scheduler that was down past it closes without a late warning.
        if not answer_reminder_at(row.at, calendar, settings.auto_close_working_days) <= now < close_at:
            continue
        details = {"responded_at": row.at.isoformat(), "close_at": close_at.isoformat()}
        key = f"{SERVICE_ANSWER_REMINDER}:{row.id}:{row.version}:{row.telegram_id}"
        rows.append(_notice(SERVICE_ANSWER_REMINDER, row.telegram_id, key, details, now, row))
    return rows


async def _auto_close(
    sessions: async_sessionmaker[AsyncSession],
    calendar: WorkingCalendar,
    clock: Callable[[], datetime],
    settings: SchedulerSettings,
    now: datetime,
) -> tuple[int, ...]:
    """A LaporGub result the reporter left unacknowledged is closed; a service complaint's response the
    complainant left unanswered is taken as solved; both after the same working days of silence."""
    async with sessions() as session:
        waiting = (await session.execute(_awaiting_answer(_AWAITING_ANSWER))).all()
    service = ComplaintService(sessions, calendar, clock=clock)
    closed = []
    for complaint_id, kind, _, version, waiting_since in waiting:
        if now < auto_close_at(waiting_since, calendar, settings.auto_close_working_days):
            continue
        trigger = _AWAITING_ANSWER[ComplaintKind(kind)][1]
        try:
            await service.fire(complaint_id, SYSTEM, trigger, seen_version=version)
        except StaleVersion:
            continue  # the complainant answered meanwhile, or another scheduler closed it first
        closed.append(complaint_id)
    return tuple(closed)


# -- half-filed drafts -----------------------------------------------------------------------------


async def _discard_drafts(
    sessions: async_sessionmaker[AsyncSession],
    settings: SchedulerSettings,
    prefix: str,
    owner: Callable[[str], DraftOwner | None],
    now: datetime,
) -> list[dict[str, Any]]:
    """Delete drafts idle too long; returns the notices telling their reporters, to write right after."""
    fsm = models.FsmRecord
    # One guarded DELETE: a reporter typing at this very moment moves updated_at and keeps the draft.
    async with sessions.begin() as session:
        gone = (
            await session.execute(
                delete(fsm)
                .where(
                    fsm.state.startswith(prefix, autoescape=True),
                    fsm.updated_at <= now - settings.draft_discard_after,
                )
                .returning(fsm.key, fsm.state, fsm.updated_at)
            )
        ).all()
    rows = []
    for key, state, updated_at in gone:
        details = _draft_details(owner(key), key, state, updated_at)
        if details is not None:
            rows.append(_draft_notice(NoticeKind.DRAFT_DISCARDED, key, updated_at, details, now))
    return rows


async def _draft_reminders(
    sessions: async_sessionmaker[AsyncSession],
    settings: SchedulerSettings,
    prefix: str,
    owner: Callable[[str], DraftOwner | None],
    now: datetime,
) -> list[dict[str, Any]]:
    fsm = models.FsmRecord
    query = select(fsm.key, fsm.state, fsm.updated_at).where(
        fsm.state.startswith(prefix, autoescape=True),
        fsm.updated_at <= now - settings.draft_reminder_after,
        fsm.updated_at > now - settings.draft_discard_after,
    )
    async with sessions() as session:
        idle = (await session.execute(query)).all()
    rows = []
    for key, state, updated_at in idle:
        details = _draft_details(owner(key), key, state, updated_at)
        if details is None:
            logger.warning("draft %r: cannot tell its chat from the key", key)
            continue
        details["discard_at"] = (updated_at + settings.draft_discard_after).isoformat()
        rows.append(_draft_notice(NoticeKind.DRAFT_REMINDER, key, updated_at, details, now))
    return rows


def _draft_details(
    parsed: DraftOwner | None, key: str, state: str | None, updated_at: datetime
) -> dict[str, Any] | None:
    if parsed is None:
        return None
    return {
        "fsm_key": key,
        "chat_id": parsed.chat_id,
        "user_id": parsed.user_id,
        "state": state,
        "idle_since": updated_at.isoformat(),
    }


def _draft_notice(
    kind: NoticeKind, key: str, updated_at: datetime, details: dict[str, Any], now: datetime
) -> dict[str, Any]:
    # The idle-since instant is in the key: a reporter who answers, then goes quiet again, hears again.
    stamp = (updated_at - _EPOCH) // timedelta(microseconds=1)
    return _notice(kind, details["chat_id"], f"{kind}:{key}:{stamp}", details, now, None)


# -- writing ---------------------------------------------------------------------------------------


def _notice(
    kind: str,
    chat_id: int,
    key: str,
    details: dict[str, Any],
    now: datetime,
    complaint: Any,  # a row with id, tracking_number and version; None for a draft
) -> dict[str, Any]:
    if len(key) > _DEDUPE_KEY_LENGTH:
        key = f"{kind}:sha256:{hashlib.sha256(key.encode()).hexdigest()}"
    payload = dict(details)
    if complaint is not None:
        payload = {"complaint_id": complaint.id, "tracking_number": complaint.tracking_number, **payload}
    return {
        "chat_id": chat_id,
        "kind": str(kind),
        "complaint_id": complaint.id if complaint is not None else None,
        "complaint_version": complaint.version if complaint is not None else None,
        "payload": payload,
        "status": OutboxStatus.PENDING.value,
        "attempts": 0,
        "next_attempt_at": now,
        "dedupe_key": key,
        "created_at": now,
    }


async def insert_notices(
    sessions: async_sessionmaker[AsyncSession], rows: Sequence[dict[str, Any]]
) -> Counter[str]:
    """Write outbox rows, skipping any whose dedupe key exists; returns how many were new, by kind."""
    written: Counter[str] = Counter()
    # An overdue stage stays due at every run: look first, so that a run with nothing new writes nothing
    # (on SQLite any write, even one that conflicts, takes the database's single write lock).
    rows = await _not_yet_written(sessions, rows)
    if not rows:
        return written
    # The same order in every process, so concurrent runs wait on each other's keys instead of deadlocking.
    ordered = sorted(rows, key=lambda row: row["dedupe_key"])
    async with sessions.begin() as session:
        dialect = session.get_bind().dialect.name
        for start in range(0, len(ordered), _INSERT_BATCH):
            statement = (
                upsert_insert(dialect, models.OutboxMessage)
                .values(list(ordered[start : start + _INSERT_BATCH]))
                .on_conflict_do_nothing(index_elements=["dedupe_key"])
                .returning(models.OutboxMessage.kind)
            )
            written.update(str(kind) for kind in (await session.scalars(statement)).all())
    return written


async def _not_yet_written(
    sessions: async_sessionmaker[AsyncSession], rows: Sequence[dict[str, Any]]
) -> list[dict[str, Any]]:
    keys = [row["dedupe_key"] for row in rows]
    existing: set[str] = set()
    async with sessions() as session:
        for start in range(0, len(keys), _INSERT_BATCH):
            batch = keys[start : start + _INSERT_BATCH]
            found = await session.scalars(
                select(models.OutboxMessage.dedupe_key).where(models.OutboxMessage.dedupe_key.in_(batch))
            )
            existing.update(found)
    return [row for row in rows if row["dedupe_key"] not in existing]
