"""A caller's unit of work, or a transaction of our own.

Every service method that the bot's handlers call takes a keyword-only `session`: the update's session
(bot/updates/once.py), which the method uses and leaves for its owner to commit, so that an update's reads and
writes are one transaction. Without one (the CLI, the scheduler, tests) the method opens its own session,
and commits it when it writes.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, async_sessionmaker


@asynccontextmanager
async def using(
    sessions: async_sessionmaker[AsyncSession], session: AsyncSession | None, *, write: bool = False
) -> AsyncIterator[AsyncSession]:
    """`session` as it is (flushed, not committed: its owner commits); else a session of our own, in a
    transaction committed on the way out when `write`."""
    if session is not None:
        yield session
        if write:
            await session.flush()
        return
    if write:
        async with sessions.begin() as own:
            yield own
    else:
        async with sessions() as own:
            yield own


async def connection_of(session: AsyncSession) -> AsyncConnection:
    """The connection of `session`'s transaction, for Core statements: what the session holds unwritten is
    flushed first (as the ORM's autoflush would before a query), so the statement sees it."""
    if session.new or session.dirty or session.deleted:
        await session.flush()
    return await session.connection()
