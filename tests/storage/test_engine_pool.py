"""The PostgreSQL engine keeps enough connections for a busy bot, and survives its connections being cut
(a restarted server), which the chaos run does to it, without a round trip per checkout to find out."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine
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


async def _terminate(url: str, pids: set[int]) -> None:
    """What a PostgreSQL restart does to every pooled connection, done to these from another engine; returns
    once the server has ended them."""
    killer = create_engine(url, poolclass=NullPool)
    try:
        async with killer.connect() as connection:
            for pid in pids:
                await connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            alive = text("SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(:pids)")
            async with asyncio.timeout(10):
                while True:
                    if not await connection.scalar(alive, {"pids": list(pids)}):
                        return
                    await asyncio.sleep(0.01)
    finally:
        await killer.dispose()


async def _backend(engine: AsyncEngine, hold_s: float = 0.0) -> int:
    async with engine.connect() as connection:
        pid = (await connection.execute(text("SELECT pg_backend_pid()"))).scalar_one()
        await asyncio.sleep(hold_s)
        return int(pid)


async def test_a_checkout_costs_no_statement_of_its_own(fresh_postgres: str) -> None:
    # pool_pre_ping would send `BEGIN; ;ROLLBACK` before each: a PostgreSQL transaction per checkout.
    engine = create_engine(fresh_postgres)
    sent: list[str] = []

    @event.listens_for(engine.sync_engine, "connect")
    def log_queries(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.driver_connection.add_query_logger(lambda record: sent.append(record.query))

    try:
        for _ in range(3):
            await _backend(engine)
        await asyncio.sleep(0.05)  # asyncpg calls its query loggers soon after, not at once
    finally:
        await engine.dispose()
    # Only the transactions' own statements are logged (the prepared ones are not): one BEGIN a checkout.
    assert sent == ["BEGIN;", "ROLLBACK;"] * 3


async def test_a_connection_the_server_closed_is_replaced_on_checkout(fresh_postgres: str) -> None:
    engine = create_engine(fresh_postgres)
    try:
        old = await _backend(engine)
        await _terminate(fresh_postgres, {old})
        await asyncio.sleep(0.05)  # the closed socket reaches the client's event loop
        new = await _backend(engine)  # no error: the dead connection was not handed out
    finally:
        await engine.dispose()
    assert new != old


async def test_a_connection_cut_in_use_fails_once_and_renews_the_whole_pool(fresh_postgres: str) -> None:
    """The server went away while a connection was in use: its statement fails, taken for a disconnect, and
    every connection the pool kept is replaced too, whether or not the client has noticed them closed."""
    engine = create_engine(fresh_postgres)
    try:
        kept = set(await asyncio.gather(*(_backend(engine, hold_s=0.05) for _ in range(3))))
        async with engine.connect() as connection:
            in_use = (await connection.execute(text("SELECT pg_backend_pid()"))).scalar_one()
            await _terminate(fresh_postgres, kept | {in_use})
            with pytest.raises(DBAPIError) as failed:
                await connection.execute(text("SELECT 1"))
        assert failed.value.connection_invalidated
        after = set(await asyncio.gather(*(_backend(engine, hold_s=0.05) for _ in range(4))))
    finally:
        await engine.dispose()
    assert len(kept) == 3
    assert not after & (kept | {in_use})


def test_an_engine_without_a_pool_can_still_be_asked_for() -> None:
    # The /rekap export opens a connection of its own in a worker thread and closes it after.
    engine = create_engine("postgresql+asyncpg://postgres@127.0.0.1:5432/postgres", poolclass=NullPool)
    assert isinstance(engine.pool, NullPool)
    engine.sync_engine.dispose()


def test_a_caller_may_size_the_pool_itself() -> None:
    engine = create_engine("postgresql+asyncpg://postgres@127.0.0.1:5432/postgres", pool_size=3)
    assert engine.pool.size() == 3
    engine.sync_engine.dispose()
