"""A sender in any process is woken when outbox rows are committed (PostgreSQL LISTEN/NOTIFY, 0009)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from alembic import command
from sqlalchemy import Connection, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from storage import models
from storage.database import alembic_config, create_engine, migrate, session_factory
from storage.outbox.wakeup import OutboxWakeup, can_listen

WAIT_S = 10.0  # a bound on waiting for what must happen, not a speed asserted


class Wakes:
    def __init__(self) -> None:
        self.count = 0
        self.event = asyncio.Event()

    def __call__(self) -> None:
        self.count += 1
        self.event.set()

    async def next(self) -> None:
        await asyncio.wait_for(self.event.wait(), WAIT_S)
        self.event.clear()


@pytest.fixture
def engine(migrated_postgres: AsyncEngine) -> AsyncEngine:
    return migrated_postgres


@pytest.fixture
async def listening(engine: AsyncEngine) -> AsyncIterator[tuple[OutboxWakeup, Wakes]]:
    wakes = Wakes()
    wakeup = OutboxWakeup(engine.url, wakes)
    wakeup.start()
    await asyncio.wait_for(wakeup.listening.wait(), WAIT_S)
    await wakes.next()  # the wake on connecting: rows may have been added while nobody listened
    yield wakeup, wakes
    await wakeup.stop()


def a_row(number: int) -> models.OutboxMessage:
    return models.OutboxMessage(
        chat_id=1000 + number,
        kind="test",
        payload={},
        next_attempt_at=models.utcnow(),
        dedupe_key=f"wakeup:{number}",
    )


async def test_a_row_committed_elsewhere_wakes_the_listener(
    engine: AsyncEngine, listening: tuple[OutboxWakeup, Wakes]
) -> None:
    _, wakes = listening
    other_process = create_engine(str(engine.url.render_as_string(hide_password=False)))
    try:
        async with session_factory(other_process).begin() as session:
            session.add_all([a_row(1), a_row(2), a_row(3)])
        await wakes.next()
    finally:
        await other_process.dispose()


async def test_a_row_wakes_only_once_committed_and_a_rolled_back_one_never(
    engine: AsyncEngine, listening: tuple[OutboxWakeup, Wakes]
) -> None:
    _, wakes = listening
    sessions = session_factory(engine)
    async with sessions() as session:
        session.add(a_row(1))
        await session.flush()
        await session.rollback()
    async with sessions() as session:
        session.add(a_row(2))
        await session.flush()
        await asyncio.sleep(0.3)
        # The first row's statement ran and was rolled back; the second's ran and is not committed yet.
        assert wakes.count == 1
        await session.commit()
    await wakes.next()
    assert wakes.count == 2


async def test_the_listener_comes_back_after_its_connection_is_killed(
    engine: AsyncEngine, listening: tuple[OutboxWakeup, Wakes]
) -> None:
    wakeup, wakes = listening
    async with engine.begin() as connection:
        killed = await connection.scalar(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                " AND query LIKE 'LISTEN%'"
            )
        )
    assert killed == 1
    await wakes.next()  # back: it wakes the sender for what was committed while it was away
    async with session_factory(engine).begin() as session:
        session.add(a_row(1))
    await wakes.next()
    assert wakeup.listening.is_set()


def test_only_postgresql_through_asyncpg_can_listen() -> None:
    assert can_listen(make_url("postgresql+asyncpg://postgres@127.0.0.1/test"))
    assert not can_listen(make_url("sqlite+aiosqlite:///data/laporgub.sqlite3"))


async def test_the_migration_adds_the_trigger_and_its_downgrade_removes_it(engine: AsyncEngine) -> None:
    async def triggers() -> int:
        async with engine.connect() as connection:
            found = await connection.scalar(
                text("SELECT count(*) FROM pg_trigger WHERE tgname = 'outbox_wake_senders'")
            )
            return int(found or 0)

    def downgrade(connection: Connection) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.downgrade(config, "0008")

    assert await triggers() == 1
    async with engine.begin() as connection:
        await connection.run_sync(downgrade)
    assert await triggers() == 0
    await migrate(engine)
    assert await triggers() == 1
