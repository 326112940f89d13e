"""What is kept only for a while: delivered notices, and the identity of reporters whose complaints are all
finished.

Delivered notices: A sent outbox row is needed while its complaint can
still move (a card's copies are retired by the message ids its rows keep); once the complaint is finished
(or the row belongs to none) and the row is older than the retention, it is deleted. Rows Telegram refused
for good stay for the operator. Complaints, their events and the reports are never touched.

Identities (UU 27/2022: personal data no longer needed is erased): a reporter none of whose complaints is
still open, the last of them finished (or, with none, their identity last saved) longer ago than the
retention, has name, NIK, phone, address and contact erased; the row stays, so their complaints, the
reports and the reporter's own /my list go on working. A reporter who files again gives their identity anew.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage import models
from storage.outbox.claims import OutboxStatus
from workflow.definitions import DEFINITIONS

DEFAULT_OUTBOX_RETENTION = timedelta(days=30)
DEFAULT_IDENTITY_RETENTION = timedelta(days=365)
ERASED_NAME = "[dihapus]"


def _finished_complaints() -> object:
    row = models.Complaint
    return select(row.id).where(
        or_(
            *(
                and_(row.kind == str(kind), row.state.in_(sorted(definition.final_states)))
                for kind, definition in DEFINITIONS.items()
            )
        )
    )


async def purge_sent_notices(
    sessions: async_sessionmaker[AsyncSession], now: datetime, keep: timedelta = DEFAULT_OUTBOX_RETENTION
) -> int:
    """Delete sent rows older than `keep` whose complaint is finished or that have none; how many went."""
    row = models.OutboxMessage
    statement = delete(row).where(
        row.status == OutboxStatus.SENT,
        row.sent_at < now - keep,
        or_(row.complaint_id.is_(None), row.complaint_id.in_(_finished_complaints())),  # type: ignore[arg-type]
    )
    async with sessions.begin() as session:
        result = await session.execute(statement, execution_options={"synchronize_session": False})
    return int(result.rowcount)  # type: ignore[attr-defined]


def _unfinished() -> object:
    row = models.Complaint
    return or_(
        *(
            and_(row.kind == str(kind), row.state.not_in(sorted(definition.final_states)))
            for kind, definition in DEFINITIONS.items()
        )
    )


async def erase_identities(
    sessions: async_sessionmaker[AsyncSession], now: datetime, keep: timedelta = DEFAULT_IDENTITY_RETENTION
) -> int:
    """Erase the identity of every reporter whose complaints were all finished (or who has none) before
    `now - keep`; how many were erased."""
    reporter, complaint = models.Reporter, models.Complaint
    cutoff = now - keep
    open_or_recent = select(complaint.reporter_id).where(
        or_(_unfinished(), complaint.updated_at >= cutoff)  # type: ignore[arg-type]
    )
    async with sessions.begin() as session:
        due = list(
            await session.scalars(
                select(reporter.id).where(
                    reporter.erased_at.is_(None),
                    reporter.updated_at < cutoff,
                    reporter.id.not_in(open_or_recent),
                )
            )
        )
        await erase_reporters(session, due, now)
    return len(due)


async def erase_reporters(session: AsyncSession, reporter_ids: list[int], now: datetime) -> None:
    """Erase these reporters' identity in the caller's transaction: what retention does to each reporter due,
    and what an erasure request does to one (storage/data_requests.py). The reporter row, its Telegram id
    and its complaints stay, so /my, the cards, the history and the reports go on working; the name the
    reporter's own steps were recorded under in the events and notices (filed, confirmed, rated) goes too."""
    if not reporter_ids:
        return
    reporter, event = models.Reporter, models.ComplaintEvent
    # The same values for every row: the personal-data columns are encrypted on the way in, so the erased
    # rows hold no plain marker either.
    await session.execute(
        update(reporter)
        .where(reporter.id.in_(reporter_ids))
        .values(full_name=ERASED_NAME, nik="", phone="", address="", contact=None, erased_at=now),
        execution_options={"synchronize_session": False},
    )
    await session.execute(
        update(event).where(event.actor_reporter_id.in_(reporter_ids)).values(actor_name=ERASED_NAME),
        execution_options={"synchronize_session": False},
    )
    # The Telegram first name kept with their chosen language (the language itself stays).
    await session.execute(
        update(models.TelegramUser)
        .where(
            models.TelegramUser.telegram_id.in_(
                select(reporter.telegram_id).where(
                    reporter.id.in_(reporter_ids), reporter.telegram_id.is_not(None)
                )
            )
        )
        .values(first_name=""),
        execution_options={"synchronize_session": False},
    )
    # Notices of a move the reporter made (filed, confirmed) name them in their payload until purged.
    outbox, complaint = models.OutboxMessage, models.Complaint
    mine = select(complaint.id).where(complaint.reporter_id.in_(reporter_ids))
    for row_id, payload in (
        await session.execute(select(outbox.id, outbox.payload).where(outbox.complaint_id.in_(mine)))
    ).all():
        if payload.get("actor_role") == "reporter" and payload.get("actor_name") not in (None, ERASED_NAME):
            await session.execute(
                update(outbox)
                .where(outbox.id == row_id)
                .values(payload={**payload, "actor_name": ERASED_NAME}),
                execution_options={"synchronize_session": False},
            )
