"""A reporter's personal data on request (UU 27/2022): what is held about them, and erasure on request.

A reporter sees what is held with /datasaya and may ask for their identity to be erased. The request goes to
every active admin of the handling office (SERVICE_OFFICE_CODE, the city's Dinkominfo) as an outbox row, in
the transaction that files it; one of them erases (the same erasure retention does, `erase_reporters`) or
refuses with a reason, and the reporter is told, again through the outbox. A request is decided once: the
decision is an `UPDATE … WHERE status = 'pending'`, so of two admins pressing at once exactly one wins. At
most one request per reporter waits at a time (a partial unique index). Every step is an appended event.

Outbox payloads carry only the request's id: the text is rendered when sent, from the rows as they are then,
so no identity is copied into the outbox where an erasure would not reach it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Text, func, select, type_coerce, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage import models
from storage.models import utcnow
from storage.outbox.notifications import CardCopy, NoticeKind, add_chat_notice
from storage.personal_data import PREFIX
from storage.retention import erase_reporters
from storage.unit_of_work import using
from storage.views import AdminInfo, ReporterInfo, reporter_of
from workflow.actors import Role
from workflow.definitions import DEFINITIONS, ComplaintKind


class RequestStatus(StrEnum):
    PENDING = "pending"
    ERASED = "erased"
    REFUSED = "refused"


class FileOutcome(StrEnum):
    FILED = "filed"
    ALREADY_PENDING = "already_pending"  # one is waiting already: nothing new filed
    NOTHING_HELD = "nothing_held"  # no identity is held (never filed, or erased already)
    NO_OFFICE = "no_office"  # SERVICE_OFFICE_CODE names no organisation: a configuration error


class DecideOutcome(StrEnum):
    DONE = "done"
    ALREADY_DECIDED = "already_decided"  # another admin (or an earlier press) decided it first
    NOT_FOUND = "not_found"  # no such request (a forged or very old button)
    NOT_YOURS = "not_yours"  # the presser holds no seat in the request's office


@dataclass(frozen=True)
class DataRequestInfo:
    id: int
    reporter_id: int
    chat_id: int
    office_org_id: int
    status: RequestStatus
    requested_at: datetime
    decided_at: datetime | None
    decided_by_admin_id: int | None
    decided_by_name: str
    reason: str | None


@dataclass(frozen=True)
class HeldComplaint:
    id: int
    tracking_number: str
    kind: ComplaintKind
    state: str
    finished: bool


@dataclass(frozen=True)
class Holdings:
    """What is held about one reporter."""

    reporter: ReporterInfo
    encrypted: bool  # NIK and phone are stored encrypted (under PERSONAL_DATA_KEYS)
    erased_at: datetime | None
    complaints: list[HeldComplaint]  # newest first
    attachments: int  # the files they sent with their complaints (not the offices' result files)
    pending: DataRequestInfo | None
    last_decided: DataRequestInfo | None

    @property
    def open_complaints(self) -> list[HeldComplaint]:
        return [complaint for complaint in self.complaints if not complaint.finished]


@dataclass(frozen=True)
class FileResult:
    outcome: FileOutcome
    request: DataRequestInfo | None = None
    admins_told: int = 0


@dataclass(frozen=True)
class Decision:
    outcome: DecideOutcome
    request: DataRequestInfo | None = None


def card_dedupe_key(request_id: int, chat_id: int) -> str:
    return f"{NoticeKind.DATA_REQUEST}:{request_id}:{chat_id}"


class DataRequests:
    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], clock: Callable[[], datetime] = utcnow
    ) -> None:
        self.sessions = sessions
        self.clock = clock

    # -- reading -----------------------------------------------------------------------------------------

    async def holdings(self, telegram_id: int, *, session: AsyncSession | None = None) -> Holdings | None:
        """What is held about the reporter of this Telegram account; None if there is no reporter."""
        async with using(self.sessions, session) as session:
            row = await session.scalar(
                select(models.Reporter).where(models.Reporter.telegram_id == telegram_id)
            )
            return await _holdings(session, row) if row is not None else None

    async def telegram_name(self, telegram_id: int, *, session: AsyncSession | None = None) -> str:
        """The Telegram first name kept with the person's chosen language ("" if none)."""
        async with using(self.sessions, session) as session:
            row = await session.get(models.TelegramUser, telegram_id)
            return row.first_name if row else ""

    async def get(self, request_id: int, *, session: AsyncSession | None = None) -> DataRequestInfo | None:
        async with using(self.sessions, session) as session:
            return await _request(session, request_id)

    async def with_holdings(self, request_id: int) -> tuple[DataRequestInfo, Holdings] | None:
        """A request and what is held about its reporter now (what an admin's card shows)."""
        async with self.sessions() as session:
            request = await _request(session, request_id)
            if request is None:
                return None
            row = await session.get(models.Reporter, request.reporter_id)
            if row is None:
                return None
            return request, await _holdings(session, row)

    async def pending(self) -> list[DataRequestInfo]:
        """Every request still waiting, oldest first (`laporgub datarequests`)."""
        async with self.sessions() as session:
            ids = await session.scalars(
                select(models.DataRequest.id)
                .where(models.DataRequest.status == RequestStatus.PENDING)
                .order_by(models.DataRequest.id)
            )
            found = [await _request(session, request_id) for request_id in ids.all()]
        return [request for request in found if request is not None]

    async def office_admin_count(self, org_id: int) -> int:
        """How many chats a request to this office reaches (none: nobody will see it in the bot)."""
        async with self.sessions() as session:
            return len(await _office_admins(session, org_id))

    async def events(self, request_id: int) -> list[models.DataRequestEvent]:
        async with self.sessions() as session:
            rows = await session.scalars(
                select(models.DataRequestEvent)
                .where(models.DataRequestEvent.request_id == request_id)
                .order_by(models.DataRequestEvent.id)
            )
            return list(rows.all())

    # -- filing ------------------------------------------------------------------------------------------

    async def request_erasure(self, telegram_id: int, office_code: str) -> FileResult:
        """File the reporter's erasure request with the office, and queue its card for every active admin
        there, in one transaction: its own, not a caller's, since a request filed meanwhile is caught as the
        IntegrityError that ends it (in the update's unit of work it would end the update's work with it)."""
        now = self.clock()
        try:
            async with self.sessions.begin() as session:
                reporter = await session.scalar(
                    select(models.Reporter).where(models.Reporter.telegram_id == telegram_id)
                )
                if reporter is None or reporter.erased_at is not None:
                    return FileResult(FileOutcome.NOTHING_HELD)
                waiting = await _pending_of(session, reporter.id)
                if waiting is not None:
                    return FileResult(FileOutcome.ALREADY_PENDING, await _request(session, waiting))
                office = await session.scalar(
                    select(models.Organisation).where(models.Organisation.code == office_code)
                )
                if office is None:
                    return FileResult(FileOutcome.NO_OFFICE)
                row = models.DataRequest(
                    reporter_id=reporter.id,
                    chat_id=telegram_id,
                    office_org_id=office.id,
                    status=RequestStatus.PENDING,
                    requested_at=now,
                )
                session.add(row)
                await session.flush()  # a second request filed meanwhile fails here, on the unique index
                _event(session, row.id, "requested", Role.REPORTER, now)
                admins = await _office_admins(session, office.id)
                for chat_id in admins:
                    add_chat_notice(
                        session,
                        NoticeKind.DATA_REQUEST,
                        chat_id,
                        {"request_id": row.id},
                        now,
                        card_dedupe_key(row.id, chat_id),
                    )
                request_id = row.id
        except IntegrityError:
            async with self.sessions() as session:
                reporter_id = await session.scalar(
                    select(models.Reporter.id).where(models.Reporter.telegram_id == telegram_id)
                )
                waiting = await _pending_of(session, reporter_id) if reporter_id is not None else None
                request = await _request(session, waiting) if waiting is not None else None
            return FileResult(FileOutcome.ALREADY_PENDING, request)
        return FileResult(FileOutcome.FILED, await self.get(request_id), len(admins))

    # -- deciding ----------------------------------------------------------------------------------------

    async def decide(
        self,
        request_id: int,
        seats: list[AdminInfo],
        *,
        erase: bool,
        reason: str | None = None,
        pressed_card: CardCopy | None = None,
        session: AsyncSession | None = None,
    ) -> Decision:
        """Erase the reporter's identity, or refuse with `reason`, as the presser's seat in the request's
        office; tell the reporter and retire the other admins' copies of the card. `pressed_card` is the copy
        the presser's bot edits itself (no outbox row retires it)."""
        now = self.clock()
        async with using(self.sessions, session, write=True) as session:
            row = await session.get(models.DataRequest, request_id)
            if row is None:
                return Decision(DecideOutcome.NOT_FOUND)
            seat = next((seat for seat in seats if seat.org.id == row.office_org_id), None)
            if seat is None:
                return Decision(DecideOutcome.NOT_YOURS, await _request(session, request_id))
            status = RequestStatus.ERASED if erase else RequestStatus.REFUSED
            table = models.DataRequest
            decided = await session.execute(
                update(table)
                .where(table.id == request_id, table.status == RequestStatus.PENDING)
                .values(
                    status=status,
                    decided_at=now,
                    decided_by_admin_id=seat.id,
                    reason=None if erase else reason,
                ),
                execution_options={"synchronize_session": False},
            )
            if decided.rowcount == 0:  # type: ignore[attr-defined]
                session.expire(row)
                return Decision(DecideOutcome.ALREADY_DECIDED, await _request(session, request_id))
            if erase:
                await erase_reporters(session, [row.reporter_id], now)
            _event(session, request_id, str(status), seat.role, now, seat, None if erase else reason)
            add_chat_notice(
                session,
                NoticeKind.DATA_REQUEST_DECIDED,
                row.chat_id,
                {"request_id": request_id},
                now,
                f"{NoticeKind.DATA_REQUEST_DECIDED}:{request_id}",
            )
            await _retire_copies(session, request_id, pressed_card, now)
            await session.flush()
            return Decision(DecideOutcome.DONE, await _request(session, request_id))


async def _holdings(session: AsyncSession, row: models.Reporter) -> Holdings:
    complaint = models.Complaint
    rows = (
        await session.execute(
            select(complaint.id, complaint.tracking_number, complaint.kind, complaint.state)
            .where(complaint.reporter_id == row.id)
            .order_by(complaint.received_at.desc(), complaint.id.desc())
        )
    ).all()
    complaints = [
        HeldComplaint(
            id=id_,
            tracking_number=number,
            kind=ComplaintKind(kind),
            state=state,
            finished=state in DEFINITIONS[ComplaintKind(kind)].final_states,
        )
        for id_, number, kind, state in rows
    ]
    attachment = models.Attachment
    attachments = await session.scalar(
        select(func.count())
        .select_from(attachment)
        .join(complaint, complaint.id == attachment.complaint_id)
        .where(complaint.reporter_id == row.id, attachment.event_id.is_(None))
    )
    stored_nik = await session.scalar(
        select(type_coerce(models.Reporter.__table__.c.nik, Text)).where(models.Reporter.id == row.id)
    )
    request = models.DataRequest
    waiting = await _pending_of(session, row.id)
    last_decided = await session.scalar(
        select(request.id)
        .where(request.reporter_id == row.id, request.status != RequestStatus.PENDING)
        .order_by(request.id.desc())
        .limit(1)
    )
    return Holdings(
        reporter=reporter_of(row),
        encrypted=bool(stored_nik) and str(stored_nik).startswith(PREFIX),
        erased_at=row.erased_at,
        complaints=complaints,
        attachments=int(attachments or 0),
        pending=await _request(session, waiting) if waiting is not None else None,
        last_decided=await _request(session, last_decided) if last_decided is not None else None,
    )


async def _pending_of(session: AsyncSession, reporter_id: int) -> int | None:
    request = models.DataRequest
    return await session.scalar(
        select(request.id).where(request.reporter_id == reporter_id, request.status == RequestStatus.PENDING)
    )


async def _request(session: AsyncSession, request_id: int) -> DataRequestInfo | None:
    request, admin = models.DataRequest, models.Admin
    found = (
        await session.execute(
            select(request, admin.full_name)
            .outerjoin(admin, admin.id == request.decided_by_admin_id)
            .where(request.id == request_id)
            .execution_options(populate_existing=True)
        )
    ).first()
    if found is None:
        return None
    row, admin_name = found
    return DataRequestInfo(
        id=row.id,
        reporter_id=row.reporter_id,
        chat_id=row.chat_id,
        office_org_id=row.office_org_id,
        status=RequestStatus(row.status),
        requested_at=row.requested_at,
        decided_at=row.decided_at,
        decided_by_admin_id=row.decided_by_admin_id,
        decided_by_name=admin_name or "",
        reason=row.reason,
    )


async def _office_admins(session: AsyncSession, org_id: int) -> list[int]:
    """The chats of every active admin of the office, whatever their role, each once."""
    admin, org = models.Admin, models.Organisation
    chats = await session.scalars(
        select(admin.telegram_id)
        .join(org, org.id == admin.org_id)
        .where(admin.org_id == org_id, admin.active, org.active)
        .order_by(admin.id)
    )
    return list(dict.fromkeys(chats.all()))


def _event(
    session: AsyncSession,
    request_id: int,
    action: str,
    role: Role,
    now: datetime,
    admin: AdminInfo | None = None,
    reason: str | None = None,
) -> None:
    session.add(
        models.DataRequestEvent(
            request_id=request_id,
            action=action,
            actor_role=str(role),
            actor_admin_id=admin.id if admin else None,
            actor_name=admin.full_name if admin else "",
            reason=reason,
            at=now,
        )
    )


async def _retire_copies(
    session: AsyncSession, request_id: int, pressed_card: CardCopy | None, now: datetime
) -> None:
    outbox = models.OutboxMessage
    copies = await session.scalars(
        select(outbox).where(
            outbox.kind == NoticeKind.DATA_REQUEST,
            outbox.complaint_id.is_(None),
            outbox.dedupe_key.startswith(f"{NoticeKind.DATA_REQUEST}:{request_id}:", autoescape=True),
        )
    )
    for copy in copies:
        if pressed_card is not None and (copy.chat_id, copy.telegram_message_id) == (
            pressed_card.chat_id,
            pressed_card.message_id,
        ):
            continue
        add_chat_notice(
            session,
            NoticeKind.DATA_REQUEST_HANDLED,
            copy.chat_id,
            {"request_id": request_id, "card_row_id": copy.id},
            now,
            f"{NoticeKind.DATA_REQUEST_HANDLED}:{request_id}:{copy.id}",
        )
