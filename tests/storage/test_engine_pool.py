"""The PostgreSQL engine keeps enough connections for a busy bot, and survives its connections being cut
(a restarted server), which the chaos run does to it."""

from __future__ import annotations

import asyncio

from sqlalchemy import text
from sqlalchemy.pool import NullPool

from storage.database import POOL_OVERFLOW, POOL_SIZE, create_engine


async def test_connections_in_use_at_once_are_reused_not_reopened(fresh_postgres: str) -> None:
    engine = create_engine(fresh_postgres)

    async def backend() -> int:
        async with engine.connect() as connection:
            pid = (await connection.execute(text("SELECT pg_backend_pid()"))).scalar_one()
            await asyncio.sleep(0.05)  # all of them hold a connection at once
            return int(pid)

    try:
        first = set(await asyncio.gather(*(backend() for _ in range(POOL_SIZE))))
        second = set(await asyncio.gather(*(backend() for _ in range(POOL_SIZE))))
        # A burst past what is kept still gets served, by a few more connections.
        burst = set(await asyncio.gather(*(backend() for _ in range(POOL_SIZE + POOL_OVERFLOW))))
    finally:
        await engine.dispose()
    assert len(first) == POOL_SIZE
    assert second == first
    assert len(burst) == POOL_SIZE + POOL_OVERFLOW
    assert first < burst


async def test_connections_cut_by_the_server_are_replaced_on_next_use(fresh_postgres: str) -> None:
    engine = create_engine(fresh_postgres)
    try:
        async with engine.connect() as connection:
            old = (await connection.execute(text("SELECT pg_backend_pid()"))).scalar_one()
        # What a PostgreSQL restart does to every pooled connection, done to this one from another engine.
        killer = create_engine(fresh_postgres, poolclass=NullPool)
        try:
            async with killer.connect() as connection:
                await connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": old})
        finally:
            await killer.dispose()
        async with engine.connect() as connection:
            new = (await connection.execute(text("SELECT pg_backend_pid()"))).scalar_one()
    finally:
        await engine.dispose()
    assert new != old


def test_an_engine_without_a_pool_can_still_be_asked_for() -> None:
    # The /rekap export opens a connection of its own in a worker thread and closes it after.
    engine = create_engine("postgresql+asyncpg://postgres@127.0.0.1:5432/postgres", poolclass=NullPool)
    assert isinstance(engine.pool, NullPool)
    engine.sync_engine.dispose()


def test_a_caller_may_size_the_pool_itself() -> None:
    engine = create_engine("postgresql+asyncpg://postgres@127.0.0.1:5432/postgres", pool_size=3)
    assert engine.pool.size() == 3
    engine.sync_engine.dispose()
