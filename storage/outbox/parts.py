"""Progress inside one outbox row that reaches Telegram as several messages (the photos, then the text).

A row is settled once, after its last message. Recording each earlier part as soon as Telegram has answered
for it means that a retry (a 500 on the text after the photos went out, a sender that died) resumes after the
parts Telegram already has instead of sending them again: each part gets the same one short window as a
whole row, and no more.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage import models
from storage.outbox.claims import OutboxEntry, OutboxStatus

PARTS_KEY = "parts"


class LeaseLost(Exception):
    """The row is no longer this sender's: another sender may be delivering it, so stop sending parts."""


def parts_done(payload: dict[str, Any]) -> dict[str, list[int]]:
    """The parts of a row already delivered, each with the Telegram message ids it produced."""
    return dict(payload.get(PARTS_KEY) or {})


class OutboxParts:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.sessions = sessions

    async def record(
        self, entry: OutboxEntry, sender_id: str, part: str, message_ids: list[int]
    ) -> OutboxEntry:
        """Note that `part` of a row this sender holds was delivered; returns the entry as it now stands.

        Raises `LeaseLost` when the row is not pending under this sender's claim any more.
        """
        payload = {**entry.payload, PARTS_KEY: {**parts_done(entry.payload), part: list(message_ids)}}
        row = models.OutboxMessage
        async with self.sessions.begin() as session:
            result = await session.execute(
                update(row)
                .where(row.id == entry.id, row.claimed_by == sender_id, row.status == OutboxStatus.PENDING)
                .values(payload=payload)
                .execution_options(synchronize_session=False)
            )
            if result.rowcount != 1:  # type: ignore[attr-defined]
                raise LeaseLost(f"outbox row {entry.id} is no longer claimed by {sender_id}")
        return OutboxEntry(
            id=entry.id,
            chat_id=entry.chat_id,
            kind=entry.kind,
            complaint_id=entry.complaint_id,
            complaint_version=entry.complaint_version,
            payload=payload,
            attempts=entry.attempts,
        )
