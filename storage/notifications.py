"""Who is told what when a complaint moves: outbox rows written inside the transition's transaction.

Rows carry what happened, not rendered text: the sender renders each in the recipient's language when it
delivers, so a message is never stored half-translated.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from storage import models
from storage.directory import active_admins
from workflow.actors import ROLE_ORG_KIND
from workflow.definitions import ST, T
from workflow.engine import Move

# Milestones the reporter hears about (service standard: received, forwarded, followed up, result, closed).
REPORTER_MILESTONES = frozenset(
    {T.SUBMIT, T.FORWARD, T.ACCEPT, T.APPROVE, T.REJECT, T.AUTO_CLOSE, ST.RECORD, ST.RESPOND, ST.RESOLVE}
)


async def write_notifications(
    session: AsyncSession,
    *,
    complaint: models.Complaint,
    reporter: models.Reporter,
    move: Move,
    now: datetime,
) -> tuple[int, ...]:
    """Add outbox rows for everyone this move concerns; returns the chat ids notified."""
    chats: list[int] = []
    if move.holder in ROLE_ORG_KIND and complaint.current_org_id is not None:
        for admin in await active_admins(session, complaint.current_org_id, move.holder):
            _add(session, complaint, move, now, chat_id=admin.telegram_id, kind="task")
            chats.append(admin.telegram_id)
    if move.trigger in REPORTER_MILESTONES and reporter.telegram_id is not None:
        _add(session, complaint, move, now, chat_id=reporter.telegram_id, kind="reporter_update")
        chats.append(reporter.telegram_id)
    return tuple(chats)


def _add(
    session: AsyncSession, complaint: models.Complaint, move: Move, now: datetime, *, chat_id: int, kind: str
) -> None:
    session.add(
        models.OutboxMessage(
            chat_id=chat_id,
            kind=kind,
            complaint_id=complaint.id,
            complaint_version=move.after.version,
            payload={
                "kind": kind,
                "complaint_id": complaint.id,
                "tracking_number": complaint.tracking_number,
                "trigger": move.trigger,
                "state": move.dest,
                "version": move.after.version,
                "reason": move.reason,
            },
            next_attempt_at=now,
            dedupe_key=f"{kind}:{complaint.id}:{move.after.version}:{chat_id}",
        )
    )
