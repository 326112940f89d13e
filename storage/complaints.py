"""The one service every caller uses to file complaints, move them and read them."""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    FromClause,
    Row,
    Select,
    Update,
    bindparam,
    func,
    insert,
    literal_column,
    or_,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, async_sessionmaker

from storage import duplicates, log_context, models
from storage.data_errors import ComplaintNotFound, NoProvince, UnknownOrganisation
from storage.models import table_of
from storage.outbox.notifications import CardCopy, alert_reporter_unreachable, write_notifications
from storage.reports.rollups import is_finished, record_finished, record_late_rating
from storage.unit_of_work import connection_of, using
from storage.views import (
    ATTACHMENT_FIELDS,
    EVENT_FIELDS,
    ORGANISATION_FIELDS,
    AttachmentInfo,
    CardInfo,
    ComplaintInfo,
    EventInfo,
    ReporterInfo,
    SimilarInfo,
    TransitionResult,
    attachment_from,
    attachment_of,
    complaint_of,
    event_from,
    event_of,
    organisation_from,
    organisation_of,
)
from workflow.actors import Actor, OrgKind, Role
from workflow.calendar import WorkingCalendar
from workflow.complaint import MAX_ATTACHMENTS, AttachmentDraft, ComplaintDraft
from workflow.definitions import ComplaintKind, S, Step, T
from workflow.engine import ComplaintSnapshot, Move, workflow_for
from workflow.errors import StaleVersion

log = logging.getLogger(__name__)

TRACKING_PREFIX = {ComplaintKind.LAPORGUB: "LG", ComplaintKind.SERVICE: "PL"}


@dataclass(frozen=True)
class QueuePage:
    items: list[ComplaintInfo]
    total: int


class ComplaintService:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        calendar: WorkingCalendar,
        clock: Callable[[], datetime] = models.utcnow,
        working_days: int = 2,
    ) -> None:
        self.sessions = sessions
        self.calendar = calendar
        self.clock = clock
        self.working_days = working_days

    async def submit(
        self,
        draft: ComplaintDraft,
        actor: Actor,
        *,
        service_org_id: int | None = None,
        submission_key: str | None = None,
        session: AsyncSession | None = None,
    ) -> ComplaintInfo:
        """File a complaint: it enters the workflow at its first queue and gets its tracking number.

        A LaporGub complaint goes to the province; a complaint about the service itself goes to the
        Dinkominfo office named by `service_org_id`.

        `submission_key` names the filing conversation: a submission with a key already used (the same
        confirmation handled again after a crash, say) files nothing and returns the complaint it filed.
        In the caller's `session`, a key another handling committed meanwhile fails the flush: the caller's
        whole unit of work is rolled back, and its replay finds the key.
        """
        if submission_key is not None:
            filed = await self._by_submission_key(submission_key, session=session)
            if filed is not None:
                return filed
            if session is not None:
                return await self._file(draft, actor, service_org_id, submission_key, session)
            try:
                return await self._file(draft, actor, service_org_id, submission_key, None)
            except IntegrityError:
                # Another handling of the same submission committed first.
                filed = await self._by_submission_key(submission_key)
                if filed is None:
                    raise
                return filed
        return await self._file(draft, actor, service_org_id, None, session)

    async def _by_submission_key(
        self, key: str, *, session: AsyncSession | None = None
    ) -> ComplaintInfo | None:
        async with using(self.sessions, session) as session:
            connection = await connection_of(session)
            row = (await connection.execute(_BY_SUBMISSION_KEY, {"key": key})).first()
            return complaint_of(row) if row else None

    async def _file(
        self,
        draft: ComplaintDraft,
        actor: Actor,
        service_org_id: int | None,
        submission_key: str | None,
        session: AsyncSession | None,
    ) -> ComplaintInfo:
        workflow = workflow_for(draft.kind)
        now = self.clock()
        async with using(self.sessions, session, write=True) as session:
            # The counter update comes first so that SQLite takes its write lock before anything is read.
            number = await _next_tracking_number(session, TRACKING_PREFIX[draft.kind], now.year)
            connection = await connection_of(session)
            reporter = (await connection.execute(_REPORTER_BY_ID, {"reporter_id": draft.reporter_id})).first()
            if reporter is None:
                raise ValueError(f"no reporter {draft.reporter_id}")
            if draft.kind is ComplaintKind.LAPORGUB:
                province = (await connection.execute(_PROVINCE)).first()
                if province is None:
                    raise NoProvince()
                slots = {"province_org_id": province.id}
            else:
                office = (
                    (await connection.execute(_ORG_BY_ID, {"org_id": service_org_id})).first()
                    if service_org_id
                    else None
                )
                if office is None or office.kind != OrgKind.CITY:
                    raise UnknownOrganisation(service_org_id or "service office")
                slots = {"city_org_id": office.id}
            draft_snapshot = ComplaintSnapshot(
                kind=draft.kind,
                state=workflow.definition.initial,
                version=0,
                reporter_id=draft.reporter_id,
                current_org_id=None,
                complainant_in_bot=reporter.telegram_id is not None,
                **slots,
            )
            first_step = workflow.definition.steps[0]
            move = workflow.fire(actor, draft_snapshot, first_step.trigger, seen_version=0)
            filed = {
                "tracking_number": number,
                "kind": draft.kind,
                "state": move.dest,
                "version": move.after.version,
                "reporter_id": draft.reporter_id,
                "current_org_id": move.after.current_org_id,
                "province_org_id": move.after.province_org_id,
                "city_org_id": move.after.city_org_id,
                "opd_org_id": move.after.opd_org_id,
                "channel": draft.channel,
                "external_system": draft.external_ref.system if draft.external_ref else None,
                "external_number": draft.external_ref.number if draft.external_ref else None,
                "confidential": draft.confidential,
                "complainant_in_bot": draft_snapshot.complainant_in_bot,
                "subject": draft.subject,
                "chronology": draft.chronology,
                "event_date": draft.event_date,
                "event_place": draft.event_place,
                "latitude": draft.latitude,
                "longitude": draft.longitude,
                "received_at": now,
                "deadline": self.calendar.deadline(now, self.working_days),
                "recorded_by_admin_id": actor.admin_id if actor.role is Role.OFFICER else None,
                "submission_key": submission_key,
                "updated_at": now,
            }
            row = (await connection.execute(_FILING, filed)).one()
            if draft.kind is ComplaintKind.LAPORGUB:
                await duplicates.insert_terms(connection, row)
            event = await _append_event(connection, row, actor, move, from_org_id=None, now=now)
            await _insert_attachments(connection, row.id, None, draft.attachments)
            await write_notifications(
                session,
                complaint=_as_model(row),
                reporter=_as_model(reporter),
                move=move,
                actor=actor,
                now=now,
                event_id=event.id,
            )
            return complaint_of(row)

    async def fire(
        self,
        complaint_id: int,
        actor: Actor,
        trigger: str,
        *,
        seen_version: int,
        reason: str | None = None,
        result: str | None = None,
        target_org_id: int | None = None,
        attachments: Sequence[AttachmentDraft] = (),
        rating: int | None = None,
        comment: str | None = None,
        pressed_card: CardCopy | None = None,
        seen: ComplaintInfo | None = None,
        session: AsyncSession | None = None,
    ) -> TransitionResult:
        """Move a complaint as `actor`, who saw it at `seen_version`; all of it or nothing is written.

        Two actors firing on the same version: exactly one wins, the other gets `StaleVersion`.
        `pressed_card`: the card message the actor pressed, which the caller edits itself, so the outbox
        leaves that copy alone while it retires every other.
        `seen`: the complaint as the caller read it in this unit of work (at `seen_version`), not read again:
        the move is written only if the complaint is still at that version.
        """
        if len(attachments) > MAX_ATTACHMENTS:
            raise ValueError(f"at most {MAX_ATTACHMENTS} attachments")
        if rating is not None and not 1 <= rating <= 5:
            raise ValueError("a rating is 1 to 5")
        now = self.clock()
        async with using(self.sessions, session, write=True) as session:
            connection = await connection_of(session)
            if seen is not None and (seen.id, seen.version) == (complaint_id, seen_version):
                info = seen
            else:
                found = (await connection.execute(_COMPLAINT_BY_ID, {"complaint_id": complaint_id})).first()
                if found is None:
                    raise ComplaintNotFound(complaint_id)
                info = complaint_of(found)
            duplicates.refuse_if_following(info, actor, trigger)
            target = current = None
            if target_org_id is not None:
                # Where it goes and where it is, in one read (the machine checks one against the other; a
                # step without a target needs neither).
                ids = [org_id for org_id in (target_org_id, info.current_org_id) if org_id is not None]
                found_orgs = await connection.execute(_ORGS_BY_ID, {"org_ids": ids})
                orgs = {row.id: organisation_of(row) for row in found_orgs}
                if target_org_id not in orgs:
                    raise UnknownOrganisation(target_org_id)
                target = orgs[target_org_id]
                current = orgs.get(info.current_org_id) if info.current_org_id is not None else None
            move = workflow_for(info.kind).fire(
                actor,
                info.snapshot(),
                trigger,
                seen_version=seen_version,
                reason=reason,
                result=result,
                target=target,
                current_org=current,
            )
            values: dict[str, object] = {
                "state": move.dest,
                "version": move.after.version,
                "current_org_id": move.after.current_org_id,
                "city_org_id": move.after.city_org_id,
                "opd_org_id": move.after.opd_org_id,
                "updated_at": now,
            }
            if move.result is not None:
                values["result_text"] = move.result
            if rating is not None:
                values["rating"] = rating
            if actor.role is Role.REPORTER:
                values["complainant_in_bot"] = True  # whoever blocked the bot is back and answering in it
            # The row as moved, in the same statement (no read after it).
            row = (
                await connection.execute(
                    _moving(tuple(values)),
                    {"complaint_id": complaint_id, "seen_version": seen_version}
                    | {f"new_{name}": value for name, value in values.items()},
                )
            ).first()
            if row is None:
                raise StaleVersion(seen_version, None)
            if is_finished(row.kind, row.state):
                await record_finished(session, _as_model(row), self.calendar)
            event = await _append_event(
                connection, row, actor, move, from_org_id=info.current_org_id, now=now, comment=comment
            )
            await _insert_attachments(connection, row.id, event.id, attachments)
            if actor.role is Role.OFFICER and workflow_for(info.kind).holder(info.state) is Role.REPORTER:
                # An officer answering for the complainant has spoken with them: what they were to be told
                # has been told, and needs no "delivered" press of its own.
                await connection.execute(
                    _RELAYS_TOLD, {"told_of": row.id, "now": now, "admin_id": actor.admin_id}
                )
            reporter = (await connection.execute(_REPORTER_BY_ID, {"reporter_id": row.reporter_id})).one()
            chats = await write_notifications(
                session,
                complaint=_as_model(row),
                reporter=_as_model(reporter),
                move=move,
                actor=actor,
                now=now,
                event_id=event.id,
                pressed_card=pressed_card,
            )
            await duplicates.follow(
                session, _as_model(row), move.trigger, actor, now, self.calendar, move.reason, event.id
            )
            with log_context.bound(complaint=row.tracking_number, trigger=str(trigger)):
                log.info("%s → %s by %s (version %d)", move.source, move.dest, actor.role, row.version)
            return TransitionResult(complaint=complaint_of(row), event=event, notified_chat_ids=chats)

    async def rate(
        self, complaint_id: int, reporter_id: int, rating: int, *, session: AsyncSession | None = None
    ) -> bool:
        """Store the rating of a complaint its reporter already confirmed (closed without a rating), at
        the press. False, and nothing changed, when it is not theirs, not closed, or already rated."""
        if not 1 <= rating <= 5:
            raise ValueError("a rating is 1 to 5")
        async with using(self.sessions, session, write=True) as session:
            changed = await session.execute(
                update(models.Complaint)
                .where(
                    models.Complaint.id == complaint_id,
                    models.Complaint.reporter_id == reporter_id,
                    models.Complaint.kind == ComplaintKind.LAPORGUB,
                    models.Complaint.state == S.CLOSED,
                    models.Complaint.rating.is_(None),
                )
                .values(rating=rating)
                .execution_options(synchronize_session=False)
            )
            if changed.rowcount != 1:  # type: ignore[attr-defined]
                return False
            row = await session.get(models.Complaint, complaint_id)
            assert row is not None
            await session.refresh(row)
            await record_late_rating(session, row)
            return True

    async def add_rating_comment(
        self, complaint_id: int, reporter_id: int, comment: str, *, session: AsyncSession | None = None
    ) -> bool:
        """The reporter's comment on the rating already stored; False when there is no rating of theirs to
        comment on, or it has a comment already (the first one is kept)."""
        async with using(self.sessions, session, write=True) as session:
            changed = await session.execute(
                update(models.Complaint)
                .where(
                    models.Complaint.id == complaint_id,
                    models.Complaint.reporter_id == reporter_id,
                    models.Complaint.rating.is_not(None),
                    models.Complaint.rating_comment.is_(None),
                )
                .values(rating_comment=comment)
                .execution_options(synchronize_session=False)
            )
            return bool(changed.rowcount == 1)  # type: ignore[attr-defined]

    async def allowed_steps(self, complaint: ComplaintInfo, actor: Actor) -> list[Step]:
        return workflow_for(complaint.kind).allowed_triggers(actor, complaint.snapshot())

    async def card(
        self, complaint_id: int, *, similar: bool = True, session: AsyncSession | None = None
    ) -> CardInfo | None:
        """The complaint, its reporter, history, files and organisations, in one statement; and, unless
        `similar` is False (for a reader who is shown no card), the similar complaints an office's card
        lists where it has just arrived."""
        async with using(self.sessions, session) as session:
            connection = await connection_of(session)
            statement = _card_statement(connection.dialect.name)
            found = (await connection.execute(statement, {"complaint_id": complaint_id})).first()
            if found is None:
                return None
            complaint = complaint_of(found)
            alike: list[SimilarInfo] = []
            if similar and complaint.state in duplicates.SIMILAR_STATES:
                alike = await duplicates.similar_to(session, complaint, self.clock())
            return CardInfo(
                similar=tuple(alike),
                earlier=await duplicates.earlier_of(session, complaint),
                joined=tuple(
                    item["tracking_number"]
                    for item in sorted(_json_list(found.joined), key=lambda item: item["id"])
                ),
                complaint=complaint,
                reporter=_card_reporter(found),
                orgs={
                    **{
                        org.id: organisation_of(org)
                        for org in await duplicates.earlier_orgs(session, complaint)
                    },
                    **{org.id: org for org in map(organisation_from, _json_list(found.orgs))},
                },
                history=sorted(map(event_from, _json_list(found.events)), key=lambda event: event.version),
                attachments=sorted(map(attachment_from, _json_list(found.files)), key=lambda file: file.id),
            )

    async def link_duplicate(
        self,
        complaint_id: int,
        earlier_id: int,
        actor: Actor,
        *,
        seen_version: int,
        pressed_card: CardCopy | None = None,
        session: AsyncSession | None = None,
    ) -> ComplaintInfo:
        """Join a complaint to an earlier one about the same problem (storage/duplicates.py)."""
        async with using(self.sessions, session, write=True) as session:
            row = await duplicates.link(
                session,
                dup_id=complaint_id,
                earlier_id=earlier_id,
                actor=actor,
                seen_version=seen_version,
                now=self.clock(),
                calendar=self.calendar,
                pressed_card=pressed_card,
            )
            return complaint_of(row)

    async def unlink_duplicate(
        self,
        complaint_id: int,
        actor: Actor,
        *,
        seen_version: int,
        reason: str,
        pressed_card: CardCopy | None = None,
        session: AsyncSession | None = None,
    ) -> ComplaintInfo:
        """Put a duplicate back on its own path, with a reason."""
        async with using(self.sessions, session, write=True) as session:
            row = await duplicates.unlink(
                session,
                dup_id=complaint_id,
                actor=actor,
                seen_version=seen_version,
                reason=reason,
                now=self.clock(),
                pressed_card=pressed_card,
            )
            return complaint_of(row)

    async def reporter_unreachable(
        self, complaint_id: int, failed_row_id: int, error: str, *, session: AsyncSession | None = None
    ) -> tuple[int, ...]:
        """Alert the city's admins that the reporter cannot be messaged; returns the chats alerted."""
        async with using(self.sessions, session, write=True) as session:
            row = await session.get(models.Complaint, complaint_id)
            if row is None:
                return ()
            # The bot cannot reach them: the handling office's officer may now answer for them.
            await session.execute(
                update(models.Complaint)
                .where(models.Complaint.reporter_id == row.reporter_id)
                .values(complainant_in_bot=False)
                .execution_options(synchronize_session=False)
            )
            return await alert_reporter_unreachable(
                session, complaint=row, failed_row_id=failed_row_id, error=error, now=self.clock()
            )

    async def get(self, complaint_id: int, *, session: AsyncSession | None = None) -> ComplaintInfo | None:
        async with using(self.sessions, session) as session:
            connection = await connection_of(session)
            row = (await connection.execute(_COMPLAINT_BY_ID, {"complaint_id": complaint_id})).first()
            return complaint_of(row) if row else None

    async def by_tracking_number(
        self, tracking_number: str, *, session: AsyncSession | None = None
    ) -> ComplaintInfo | None:
        async with using(self.sessions, session) as session:
            connection = await connection_of(session)
            found = await connection.execute(_BY_TRACKING_NUMBER, {"number": tracking_number.upper()})
            row = found.first()
            return complaint_of(row) if row else None

    async def reporters_own(
        self, reporter_id: int, tracking_number: str, *, session: AsyncSession | None = None
    ) -> ComplaintInfo | None:
        """A reporter's own complaint by number; someone else's number is as unknown as a missing one."""
        complaint = await self.by_tracking_number(tracking_number.strip(), session=session)
        return complaint if complaint is not None and complaint.reporter_id == reporter_id else None

    async def reporter_complaints(
        self, reporter_id: int, *, limit: int = 20, offset: int = 0, session: AsyncSession | None = None
    ) -> list[ComplaintInfo]:
        query = (
            select(models.Complaint)
            .where(models.Complaint.reporter_id == reporter_id)
            .order_by(models.Complaint.received_at.desc(), models.Complaint.id.desc())
            .limit(limit)
            .offset(offset)
        )
        async with using(self.sessions, session) as session:
            return [complaint_of(row) for row in await session.scalars(query)]

    async def queue(
        self,
        org_id: int,
        role: Role,
        *,
        limit: int = 10,
        offset: int = 0,
        session: AsyncSession | None = None,
    ) -> QueuePage:
        """The complaints waiting on this organisation's admins of `role`, most urgent deadline first."""
        states = [state for kind in ComplaintKind for state in workflow_for(kind).states_held_by(role)]
        where = (
            models.Complaint.current_org_id == org_id,
            models.Complaint.state.in_(states),
            models.Complaint.duplicate_of_id.is_(None),  # a duplicate follows its earlier complaint
        )
        query = (
            select(models.Complaint)
            .where(*where)
            .order_by(models.Complaint.deadline, models.Complaint.id)
            .limit(limit)
            .offset(offset)
        )
        async with using(self.sessions, session) as session:
            items = [complaint_of(row) for row in await session.scalars(query)]
            total = await session.scalar(select(func.count()).select_from(models.Complaint).where(*where))
            return QueuePage(items=items, total=total or 0)

    async def history(self, complaint_id: int, *, session: AsyncSession | None = None) -> list[EventInfo]:
        query = (
            select(models.ComplaintEvent)
            .where(models.ComplaintEvent.complaint_id == complaint_id)
            .order_by(models.ComplaintEvent.version)
        )
        async with using(self.sessions, session) as session:
            return [event_of(row) for row in await session.scalars(query)]

    async def attachments(
        self, complaint_id: int, *, session: AsyncSession | None = None
    ) -> list[AttachmentInfo]:
        query = (
            select(models.Attachment)
            .where(models.Attachment.complaint_id == complaint_id)
            .order_by(models.Attachment.id)
        )
        async with using(self.sessions, session) as session:
            return [attachment_of(row) for row in await session.scalars(query)]


# The reporter's columns in the card's row, under names of their own.
_REPORTER = "reporter__"


@functools.cache
def _card_statement(dialect: str) -> Select[Any]:
    """One row for the complaint `complaint_id` (a parameter): its columns and its reporter's (prefixed
    `_REPORTER`), with its events, attachments, the organisations it passed through and the duplicates
    joined to it as JSON lists (`json_agg` on PostgreSQL, `json_group_array` on SQLite). Built once per
    dialect: building it costs several times more CPU than running it."""
    complaint, reporter = table_of(models.Complaint), table_of(models.Reporter)
    event, file = table_of(models.ComplaintEvent), table_of(models.Attachment)
    org = table_of(models.Organisation)
    joined = complaint.alias("joined")  # the duplicates that follow it (storage/duplicates.py)
    own_events = event.c.complaint_id == complaint.c.id
    passed = or_(
        org.c.id.in_(
            [
                complaint.c.current_org_id,
                complaint.c.province_org_id,
                complaint.c.city_org_id,
                complaint.c.opd_org_id,
            ]
        ),
        org.c.id.in_(select(event.c.org_id).where(own_events).correlate(complaint)),
        org.c.id.in_(select(event.c.to_org_id).where(own_events).correlate(complaint)),
    )
    return (
        select(
            complaint,
            *(column.label(f"{_REPORTER}{column.name}") for column in reporter.c),
            select(_json_rows(dialect, event, EVENT_FIELDS))
            .where(own_events)
            .scalar_subquery()
            .label("events"),
            select(_json_rows(dialect, file, ATTACHMENT_FIELDS))
            .where(file.c.complaint_id == complaint.c.id)
            .scalar_subquery()
            .label("files"),
            select(_json_rows(dialect, org, ORGANISATION_FIELDS))
            .where(passed)
            .scalar_subquery()
            .label("orgs"),
            select(_json_rows(dialect, joined, ("id", "tracking_number")))
            .where(joined.c.duplicate_of_id == complaint.c.id)
            .scalar_subquery()
            .label("joined"),
        )
        .select_from(complaint.join(reporter, reporter.c.id == complaint.c.reporter_id))
        .where(complaint.c.id == bindparam("complaint_id"))
    )


def _card_reporter(row: Row[Any]) -> ReporterInfo:
    values = row._mapping
    return ReporterInfo(
        id=values[f"{_REPORTER}id"],
        telegram_id=values[f"{_REPORTER}telegram_id"],
        full_name=values[f"{_REPORTER}full_name"],
        nik=values[f"{_REPORTER}nik"],
        phone=values[f"{_REPORTER}phone"],
        address=values[f"{_REPORTER}address"],
        language=values[f"{_REPORTER}language"],
        erased=values[f"{_REPORTER}erased_at"] is not None,
    )


def _json_rows(dialect: str, table: FromClause, fields: Sequence[str]) -> Any:
    # The keys are our column names, written into the SQL: as parameters PostgreSQL could not type them.
    pairs: list[ColumnElement[Any]] = []
    for name in fields:
        pairs += (literal_column(f"'{name}'"), table.c[name])
    if dialect == "postgresql":
        return func.json_agg(func.json_build_object(*pairs))
    return func.json_group_array(func.json_object(*pairs))


def _by_id(item: dict[str, Any]) -> int:
    return int(item["id"])


def _json_list(value: str | list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    """An aggregate of no rows is NULL; the drivers hand JSON over as text or already decoded."""
    if value is None:
        return []
    return json.loads(value) if isinstance(value, str) else value


async def _next_tracking_number(session: AsyncSession, prefix: str, year: int) -> str:
    counter = models.TrackingCounter
    for _ in range(2):
        last = await session.scalar(
            update(counter)
            .where(counter.prefix == prefix, counter.year == year)
            .values(last=counter.last + 1)
            .returning(counter.last)
        )
        if last is not None:
            return f"{prefix}-{year}-{last:06d}"
        try:
            async with session.begin_nested():
                session.add(counter(prefix=prefix, year=year, last=1))
            return f"{prefix}-{year}-{1:06d}"
        except IntegrityError:
            continue  # another submit created this year's counter first: take the next number from it
    raise RuntimeError("could not allocate a tracking number")


async def _append_event(
    connection: AsyncConnection,
    row: Row[Any],
    actor: Actor,
    move: Move,
    *,
    from_org_id: int | None,
    now: datetime,
    comment: str | None = None,
) -> EventInfo:
    values = {
        "complaint_id": row.id,
        "version": move.after.version,
        "trigger": move.trigger,
        "from_state": move.source,
        "to_state": move.dest,
        "actor_role": actor.role,
        "actor_admin_id": actor.admin_id,
        "actor_reporter_id": actor.reporter_id if actor.role is Role.REPORTER else None,
        "actor_name": actor.name,
        "org_id": from_org_id if actor.is_admin else None,
        "to_org_id": move.after.current_org_id,
        "reason": move.reason,
        "note": move.result or (comment.strip() or None if comment else None),
        "at": now,
    }
    event_id = (await connection.execute(_ADDING_EVENT, values)).scalar_one()
    if move.trigger == T.APPROVE:
        # What models._stamp_resolution does for an event added through the ORM: the approval's time on
        # its complaint, in the same transaction.
        await connection.execute(_STAMPING_RESOLUTION, {"complaint_id": row.id, "at": now})
    return EventInfo(id=event_id, **{name: values[name] for name in EVENT_FIELDS if name != "id"})


async def _insert_attachments(
    connection: AsyncConnection,
    complaint_id: int,
    event_id: int | None,
    attachments: Sequence[AttachmentDraft],
) -> None:
    if not attachments:
        return
    await connection.execute(
        _ADDING_FILE,
        [
            {
                "complaint_id": complaint_id,
                "event_id": event_id,
                "telegram_file_id": attachment.telegram_file_id,
                "file_unique_id": attachment.file_unique_id,
                "kind": attachment.kind,
                "file_name": attachment.file_name,
                "mime_type": attachment.mime_type,
                "size": attachment.size,
            }
            for attachment in attachments
        ],
    )


def _as_model(row: Row[Any]) -> Any:
    """A Core row handed where a model's row is read: the same names, read as attributes, and nothing
    written through it (the outbox and rollup writers only read a complaint's and a reporter's columns)."""
    return row


# The statements of filing and moving a complaint, built once: building one costs more CPU than running it.
_COMPLAINTS = table_of(models.Complaint)
_EVENTS = table_of(models.ComplaintEvent)
_ORGS = table_of(models.Organisation)
_REPORTERS = table_of(models.Reporter)
_RELAYS = table_of(models.Relay)
_COMPLAINT_BY_ID = select(_COMPLAINTS).where(_COMPLAINTS.c.id == bindparam("complaint_id"))
_ORG_BY_ID = select(_ORGS).where(_ORGS.c.id == bindparam("org_id"))
_BY_SUBMISSION_KEY = select(_COMPLAINTS).where(_COMPLAINTS.c.submission_key == bindparam("key"))
_BY_TRACKING_NUMBER = select(_COMPLAINTS).where(_COMPLAINTS.c.tracking_number == bindparam("number"))
_ORGS_BY_ID = select(_ORGS).where(_ORGS.c.id.in_(bindparam("org_ids", expanding=True)))
_REPORTER_BY_ID = select(_REPORTERS).where(_REPORTERS.c.id == bindparam("reporter_id"))
_PROVINCE = (
    select(_ORGS.c.id).where(_ORGS.c.kind == OrgKind.PROVINCE, _ORGS.c.active).order_by(_ORGS.c.id).limit(1)
)
_FILING = insert(_COMPLAINTS).returning(*_COMPLAINTS.c)
_ADDING_EVENT = insert(_EVENTS).returning(_EVENTS.c.id)
_ADDING_FILE = insert(table_of(models.Attachment))
_STAMPING_RESOLUTION = (
    update(_COMPLAINTS)
    .where(_COMPLAINTS.c.id == bindparam("complaint_id"))
    .values(resolved_at=bindparam("at", type_=_COMPLAINTS.c.resolved_at.type))
)
_RELAYS_TOLD = (
    update(_RELAYS)
    .where(_RELAYS.c.complaint_id == bindparam("told_of"), _RELAYS.c.delivered_at.is_(None))
    .values(
        delivered_at=bindparam("now", type_=_RELAYS.c.delivered_at.type),
        delivered_by_admin_id=bindparam("admin_id", type_=_RELAYS.c.delivered_by_admin_id.type),
    )
)


@functools.cache
def _moving(columns: tuple[str, ...]) -> Update:
    """Set `columns` (parameters `new_<column>`) of the complaint `complaint_id` still at `seen_version`,
    returning the row as moved."""
    return (
        update(_COMPLAINTS)
        .where(
            _COMPLAINTS.c.id == bindparam("complaint_id"), _COMPLAINTS.c.version == bindparam("seen_version")
        )
        .values({name: bindparam(f"new_{name}", type_=_COMPLAINTS.c[name].type) for name in columns})
        .returning(*_COMPLAINTS.c)
    )
