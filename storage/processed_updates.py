"""Which updates are being handled and which are done, so each update is handled to its end exactly once
however often it is delivered (a webhook retry, perhaps to another process; an update polled again after
the process that was handling it was killed).

A mark is a lease. Taking an update writes its row with `taken_until = now + lease`; the taker renews the
lease while its handler runs and marks the row done (`taken_until` empty) when the handler returns, or
deletes it when the handler raises, so a retry is handled again. A process killed mid-update stops renewing:
once its lease has run out the update may be taken again, by the next delivery of it. A delivery of an
update that is done changes nothing; one of an update another process holds is told so (`Mark.HELD`) and
may wait for the holder (bot/once.py).

Taking is one INSERT and, when the row exists, one guarded UPDATE (`WHERE taken_until < now`): of two
processes taking one expired mark at once, the database lets exactly one UPDATE match. Both statements are
plain SQL, the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.models import ProcessedUpdate, utcnow

# Telegram gives up on an undelivered update after about a day; kept twice that long.
KEEP = timedelta(days=2)
# How long a taken update stays taken without a renewal; the holder renews it every third of this.
LEASE = timedelta(seconds=30)


class Mark(enum.Enum):
    TAKEN = "taken"  # the caller holds it now: handle it, then `finish` or `give_back`
    DONE = "done"  # handled to its end already
    HELD = "held"  # another process holds a live lease on it (or gave it back a moment ago): ask again later


class ProcessedUpdates:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: Callable[[], datetime] = utcnow,
        lease: timedelta = LEASE,
    ) -> None:
        self.sessions = sessions
        self.clock = clock
        self.lease = lease

    async def take(self, bot_id: int, update_id: int) -> Mark:
        now = self.clock()
        try:
            async with self.sessions.begin() as session:
                session.add(
                    ProcessedUpdate(
                        bot_id=bot_id, update_id=update_id, received_at=now, taken_until=now + self.lease
                    )
                )
        except IntegrityError:
            pass
        else:
            return Mark.TAKEN
        async with self.sessions.begin() as session:
            expired = await session.execute(
                update(ProcessedUpdate)
                .where(
                    _the(bot_id, update_id),
                    ProcessedUpdate.taken_until.is_not(None),
                    ProcessedUpdate.taken_until < now,
                )
                .values(taken_until=now + self.lease)
            )
            if expired.rowcount == 1:  # type: ignore[attr-defined]
                return Mark.TAKEN
            found = (
                await session.execute(select(ProcessedUpdate.taken_until).where(_the(bot_id, update_id)))
            ).first()
        return Mark.DONE if found is not None and found.taken_until is None else Mark.HELD

    async def renew(self, bot_id: int, update_id: int) -> None:
        """Still being handled: push the lease out again."""
        async with self.sessions.begin() as session:
            await session.execute(
                update(ProcessedUpdate)
                .where(_the(bot_id, update_id), ProcessedUpdate.taken_until.is_not(None))
                .values(taken_until=self.clock() + self.lease)
            )

    async def finish(self, bot_id: int, update_id: int) -> None:
        """Handled to its end: every later delivery is skipped."""
        async with self.sessions.begin() as session:
            await session.execute(
                update(ProcessedUpdate).where(_the(bot_id, update_id)).values(taken_until=None)
            )

    async def give_back(self, bot_id: int, update_id: int) -> None:
        """Handling failed: let a redelivery of the update be handled."""
        async with self.sessions.begin() as session:
            await session.execute(
                delete(ProcessedUpdate).where(
                    _the(bot_id, update_id), ProcessedUpdate.taken_until.is_not(None)
                )
            )

    async def release_unfinished(self, bot_id: int) -> int:
        """Forget every unfinished mark of the bot: only for a process that knows it is the bot's sole
        consumer of updates and that no other is still handling any (a polling process at its start)."""
        async with self.sessions.begin() as session:
            result = await session.execute(
                delete(ProcessedUpdate).where(
                    ProcessedUpdate.bot_id == bot_id, ProcessedUpdate.taken_until.is_not(None)
                )
            )
            return result.rowcount  # type: ignore[attr-defined]

    async def purge(self, keep: timedelta = KEEP) -> int:
        async with self.sessions.begin() as session:
            result = await session.execute(
                delete(ProcessedUpdate).where(ProcessedUpdate.received_at < self.clock() - keep)
            )
            return result.rowcount  # type: ignore[attr-defined]


def _the(bot_id: int, update_id: int) -> ColumnElement[bool]:
    return (ProcessedUpdate.bot_id == bot_id) & (ProcessedUpdate.update_id == update_id)
