"""Marks of taken updates: first taker wins, a failed update can be taken again, old marks are purged."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from storage.database import session_factory
from storage.processed_updates import KEEP, ProcessedUpdates
from tests.conftest import START, FakeClock


async def test_the_first_taker_wins_and_a_given_back_update_is_taken_again(clean_engine: AsyncEngine) -> None:
    marks = ProcessedUpdates(session_factory(clean_engine))
    assert await marks.take(7, 100)
    assert not await marks.take(7, 100)
    assert await marks.take(8, 100)  # another bot's update 100 is another update
    await marks.give_back(7, 100)
    assert await marks.take(7, 100)


async def test_old_marks_are_purged(clean_engine: AsyncEngine) -> None:
    clock = FakeClock(START)
    marks = ProcessedUpdates(session_factory(clean_engine), clock=clock)
    await marks.take(7, 1)
    clock.advance(days=KEEP.days, hours=1)
    await marks.take(7, 2)
    assert await marks.purge() == 1
    assert not await marks.take(7, 2)
    assert await marks.take(7, 1)
