"""The database conversation storage reads a conversation's row once per update, and never serves an
update anything older than what the previous update of that conversation wrote (tests/bot/test_fsm_writes.py:
how and when it writes)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from aiogram.fsm.storage.base import StorageKey
from sqlalchemy import delete, event
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.updates.fsm_storage import DatabaseStorage
from storage.database import session_factory
from storage.models import FsmRecord

KEY = StorageKey(bot_id=42, chat_id=9001, user_id=9001)
OTHER = StorageKey(bot_id=42, chat_id=9002, user_id=9002)


@contextmanager
def checkouts(engine: AsyncEngine) -> Iterator[list[object]]:
    seen: list[object] = []

    def count(*_: object) -> None:
        seen.append(object())

    event.listen(engine.sync_engine, "checkout", count)
    try:
        yield seen
    finally:
        event.remove(engine.sync_engine, "checkout", count)


async def test_one_update_reads_the_row_once_and_writes_it_once(clean_engine: AsyncEngine) -> None:
    storage = DatabaseStorage(session_factory(clean_engine))
    isolation = storage.create_isolation()
    await storage.set_state(KEY, "Filing:subject")
    await storage.set_data(KEY, {"subject": "Jalan berlubang"})
    with checkouts(clean_engine) as used:
        async with isolation.lock(KEY):
            assert await storage.get_state(KEY) == "Filing:subject"
            assert await storage.get_data(KEY) == {"subject": "Jalan berlubang"}
            data = await storage.get_data(KEY)
            await storage.set_data(KEY, {**data, "place": "Jl. Hayam Wuruk"})
            await storage.set_state(KEY, "Filing:place")
            assert await storage.get_state(KEY) == "Filing:place"
            assert await storage.get_data(KEY) == {"subject": "Jalan berlubang", "place": "Jl. Hayam Wuruk"}
    assert len(used) == 2  # one read, one write when the lock is released
    # The next update, and anyone outside one, reads what was written.
    async with isolation.lock(KEY):
        assert await storage.get_state(KEY) == "Filing:place"
        assert await storage.get_data(KEY) == {"subject": "Jalan berlubang", "place": "Jl. Hayam Wuruk"}
    assert await DatabaseStorage(session_factory(clean_engine)).get_state(KEY) == "Filing:place"


async def test_the_next_update_sees_a_change_made_behind_the_storage(clean_engine: AsyncEngine) -> None:
    storage = DatabaseStorage(session_factory(clean_engine))
    isolation = storage.create_isolation()
    await storage.set_state(KEY, "Filing:subject")
    async with isolation.lock(KEY):
        assert await storage.get_state(KEY) == "Filing:subject"
    # The scheduler discards a draft idle for ten days by deleting its row.
    async with session_factory(clean_engine).begin() as session:
        await session.execute(delete(FsmRecord))
    async with isolation.lock(KEY):
        assert await storage.get_state(KEY) is None
        assert await storage.get_data(KEY) == {}


async def test_a_second_update_of_the_chat_waits_and_sees_the_first_ones_writes(
    clean_engine: AsyncEngine,
) -> None:
    storage = DatabaseStorage(session_factory(clean_engine))
    isolation = storage.create_isolation()
    first_read = asyncio.Event()

    async def first() -> None:
        async with isolation.lock(KEY):
            assert await storage.get_data(KEY) == {}
            first_read.set()
            await asyncio.sleep(0.05)
            await storage.set_data(KEY, {"photos": ["a"]})

    async def second() -> list[str]:
        await first_read.wait()
        async with isolation.lock(KEY):
            photos = (await storage.get_data(KEY)).get("photos", [])
            await storage.set_data(KEY, {"photos": [*photos, "b"]})
            return [*photos, "b"]

    _, photos = await asyncio.gather(first(), second())
    assert photos == ["a", "b"]
    assert await storage.get_data(KEY) == {"photos": ["a", "b"]}


async def test_changing_what_was_read_changes_nothing_stored(clean_engine: AsyncEngine) -> None:
    storage = DatabaseStorage(session_factory(clean_engine))
    await storage.set_data(KEY, {"photos": ["a"]})
    async with storage.create_isolation().lock(KEY):
        (await storage.get_data(KEY))["photos"].append("not saved")
        assert await storage.get_data(KEY) == {"photos": ["a"]}


async def test_other_conversations_and_reads_outside_an_update_go_to_the_database(
    clean_engine: AsyncEngine,
) -> None:
    storage = DatabaseStorage(session_factory(clean_engine))
    await storage.set_state(OTHER, "Rating:stars")
    async with storage.create_isolation().lock(KEY):
        with checkouts(clean_engine) as used:
            assert await storage.get_state(OTHER) == "Rating:stars"
            assert await storage.get_state(OTHER) == "Rating:stars"
        assert len(used) == 2
    with checkouts(clean_engine) as used:
        assert await storage.get_state(KEY) is None
        assert await storage.get_state(KEY) is None
    assert len(used) == 2


async def test_a_rejected_write_leaves_the_update_reading_what_is_stored(clean_engine: AsyncEngine) -> None:
    storage = DatabaseStorage(session_factory(clean_engine))
    await storage.set_data(KEY, {"subject": "Jalan berlubang"})
    async with storage.create_isolation().lock(KEY):
        assert await storage.get_data(KEY) == {"subject": "Jalan berlubang"}
        with pytest.raises(TypeError, match="JSON"):
            await storage.set_data(KEY, {"when": object()})
        assert await storage.get_data(KEY) == {"subject": "Jalan berlubang"}
