"""Which updates have been taken, so one delivered twice (Telegram resends a webhook update that was answered
late, perhaps to another process) is handled once.

The mark is written before the update is handled and taken back if handling fails, so a retry of a failed
update is handled again; a process killed mid-update leaves its mark (Telegram would not resend that update
either once it was acknowledged).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.models import ProcessedUpdate, utcnow

# Telegram gives up on an undelivered update after about a day; kept twice that long.
KEEP = timedelta(days=2)


class ProcessedUpdates:
    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], clock: Callable[[], datetime] = utcnow
    ) -> None:
        self.sessions = sessions
        self.clock = clock

    async def take(self, bot_id: int, update_id: int) -> bool:
        """True for the first caller with this update; False if someone (any process) already took it."""
        try:
            async with self.sessions.begin() as session:
                session.add(ProcessedUpdate(bot_id=bot_id, update_id=update_id, received_at=self.clock()))
        except IntegrityError:
            return False
        return True

    async def give_back(self, bot_id: int, update_id: int) -> None:
        """Handling failed: let a redelivery of the update be handled."""
        async with self.sessions.begin() as session:
            await session.execute(
                delete(ProcessedUpdate).where(
                    ProcessedUpdate.bot_id == bot_id, ProcessedUpdate.update_id == update_id
                )
            )

    async def purge(self, keep: timedelta = KEEP) -> int:
        async with self.sessions.begin() as session:
            result = await session.execute(
                delete(ProcessedUpdate).where(ProcessedUpdate.received_at < self.clock() - keep)
            )
            return result.rowcount  # type: ignore[attr-defined]
