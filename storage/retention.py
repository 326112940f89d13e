"""What is kept only for a while: delivered notices. A sent outbox row is needed while its complaint can
still move (a card's copies are retired by the message ids its rows keep); once the complaint is finished
(or the row belongs to none) and the row is older than the retention, it is deleted. Rows Telegram refused
for good stay for the operator. Complaints, their events and the reports are never touched."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage import models
from storage.outbox import OutboxStatus
from workflow.definitions import DEFINITIONS

DEFAULT_OUTBOX_RETENTION = timedelta(days=30)


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
