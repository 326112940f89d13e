"""Marks of updates as leases: the first taker wins, a finished update is done for every later delivery, a
failed one can be taken again, one whose taker died is taken again once its lease has run out, old marks
are purged. Polling's inbox: a batch of polled updates stored in one statement, the new ones told apart,
their JSON dropped when done, what a killed process left retaken at the next start, oldest first."""

from __future__ import annotations

import asyncio
from contextlib import AbstractContextManager
from datetime import timedelta
from typing import Any

from aiogram.types import Update
from sqlalchemy import insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.database import session_factory
from storage.models import ProcessedUpdate
from storage.processed_updates import KEEP, Mark, ProcessedUpdates
from tests.backends import statements_starting
from tests.conftest import START, FakeClock

LEASE = timedelta(seconds=30)


def two_processes(engine: AsyncEngine, clock: FakeClock) -> tuple[ProcessedUpdates, ProcessedUpdates]:
    sessions = session_factory(engine)
    return ProcessedUpdates(sessions, clock, LEASE), ProcessedUpdates(sessions, clock, LEASE)


async def test_the_first_taker_wins_and_a_given_back_update_is_taken_again(clean_engine: AsyncEngine) -> None:
    first, second = two_processes(clean_engine, FakeClock(START))
    assert await first.take(7, 100) is Mark.TAKEN
    assert await second.take(7, 100) is Mark.HELD
    assert await second.take(8, 100) is Mark.TAKEN  # another bot's update 100 is another update
    await first.give_back(7, 100)
    assert await second.take(7, 100) is Mark.TAKEN


async def test_a_finished_update_is_done_for_every_later_delivery(clean_engine: AsyncEngine) -> None:
    clock = FakeClock(START)
    first, second = two_processes(clean_engine, clock)
    assert await first.take(7, 100) is Mark.TAKEN
    await first.finish(7, 100)
    assert await second.take(7, 100) is Mark.DONE
    clock.advance(seconds=LEASE.total_seconds() * 10)
    assert await second.take(7, 100) is Mark.DONE  # no lease runs out on a done update
    await second.give_back(7, 100)  # a late failure elsewhere does not undo a finished update
    assert await second.take(7, 100) is Mark.DONE


async def test_a_dead_takers_update_is_taken_again_once_its_lease_has_run_out(
    clean_engine: AsyncEngine,
) -> None:
    clock = FakeClock(START)
    dead, successor = two_processes(clean_engine, clock)
    assert await dead.take(7, 100) is Mark.TAKEN
    clock.advance(seconds=LEASE.total_seconds() - 1)
    assert await successor.take(7, 100) is Mark.HELD  # still live
    clock.advance(seconds=2)
    assert await successor.take(7, 100) is Mark.TAKEN
    assert await dead.take(7, 100) is Mark.HELD  # the successor holds it now, under a new lease
    await successor.finish(7, 100)
    assert await dead.take(7, 100) is Mark.DONE


async def test_a_renewed_lease_keeps_the_update_with_its_taker(clean_engine: AsyncEngine) -> None:
    clock = FakeClock(START)
    slow, other = two_processes(clean_engine, clock)
    assert await slow.take(7, 100) is Mark.TAKEN
    for _ in range(5):
        clock.advance(seconds=LEASE.total_seconds() / 3)
        assert await slow.renew({7: [100]}) == 1
        assert await other.take(7, 100) is Mark.HELD
    clock.advance(seconds=LEASE.total_seconds() + 1)  # renewals stop: the taker died
    assert await other.take(7, 100) is Mark.TAKEN


async def until_blocked(engine: AsyncEngine, waiting: int) -> None:
    """Until `waiting` statements wait for a row lock (PostgreSQL shows them; SQLite's wait for its one
    writer cannot be seen, so there the takers just get a moment to start)."""
    if engine.dialect.name != "postgresql":
        await asyncio.sleep(0.3)
        return
    async with asyncio.timeout(30):
        while True:
            async with engine.connect() as connection:
                blocked = await connection.scalar(
                    text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")
                )
            if blocked >= waiting:
                return
            await asyncio.sleep(0.02)


async def test_of_many_processes_taking_one_expired_mark_at_once_exactly_one_gets_it(
    clean_engine: AsyncEngine,
) -> None:
    clock = FakeClock(START)
    sessions = session_factory(clean_engine)
    dead = ProcessedUpdates(sessions, clock, LEASE)
    successors = [ProcessedUpdates(sessions, clock, LEASE) for _ in range(4)]
    assert await dead.take(7, 100) is Mark.TAKEN
    clock.advance(seconds=LEASE.total_seconds() + 1)
    # A transaction holding the expired mark's row keeps every taker waiting, then lets them go at once.
    async with clean_engine.connect() as blocker:
        await blocker.execute(
            update(ProcessedUpdate)
            .where(ProcessedUpdate.bot_id == 7, ProcessedUpdate.update_id == 100)
            .values(received_at=START)
        )
        taking = [asyncio.create_task(successor.take(7, 100)) for successor in successors]
        await until_blocked(clean_engine, len(taking))
        await blocker.commit()
        marks = await asyncio.gather(*taking)
    assert sorted(mark.value for mark in marks) == ["held", "held", "held", "taken"]


async def test_one_renewal_pushes_out_every_lease_held_and_no_done_one(clean_engine: AsyncEngine) -> None:
    clock = FakeClock(START)
    holder, other = two_processes(clean_engine, clock)
    for bot_id, update_id in ((7, 1), (7, 2), (7, 3), (8, 1)):
        assert await holder.take(bot_id, update_id) is Mark.TAKEN
    await holder.finish(7, 3)
    clock.advance(seconds=LEASE.total_seconds() * 2 / 3)
    assert await holder.renew({7: [1, 2, 3], 8: [1], 9: []}) == 3
    clock.advance(seconds=LEASE.total_seconds() * 2 / 3)
    for bot_id, update_id in ((7, 1), (7, 2), (8, 1)):
        assert await other.take(bot_id, update_id) is Mark.HELD
    assert await other.take(7, 3) is Mark.DONE
    assert await holder.renew({}) == 0


def polled(update_id: int, text: str = "/start") -> dict[str, Any]:
    """A polled update's JSON, as the poller stores it."""
    update = Update.model_validate(
        {
            "update_id": update_id,
            "message": {
                "message_id": update_id,
                "from": {"id": 42, "is_bot": False, "first_name": "Sari"},
                "chat": {"id": 42, "type": "private", "first_name": "Sari"},
                "date": 1795000000,
                "text": text,
            },
        }
    )
    return update.model_dump(mode="json", by_alias=True, exclude_none=True)


def inserts(engine: AsyncEngine) -> AbstractContextManager[list[str]]:
    """Every INSERT into the marks sent to the database meanwhile."""
    return statements_starting(engine, "INSERT INTO processed_updates")


async def payloads(engine: AsyncEngine, bot_id: int) -> dict[int, object]:
    async with engine.connect() as connection:
        rows = await connection.execute(
            select(ProcessedUpdate.update_id, ProcessedUpdate.payload).where(ProcessedUpdate.bot_id == bot_id)
        )
    return {row.update_id: row.payload for row in rows}


async def test_a_polled_batch_is_stored_in_one_statement_and_only_its_new_updates_are_handed_on(
    clean_engine: AsyncEngine,
) -> None:
    poller, other = two_processes(clean_engine, FakeClock(START))
    assert await poller.store(7, [(1, polled(1)), (2, polled(2))]) == {1, 2}
    assert await other.take(7, 1) is Mark.HELD  # stored is taken
    await poller.finish(7, 1)
    with inserts(clean_engine) as seen:
        # Telegram delivers 1 and 2 again (their confirmation was lost) with 3 and 4.
        batch = [(update_id, polled(update_id)) for update_id in (1, 2, 3, 4)]
        assert await poller.store(7, batch) == {3, 4}
    assert len(seen) == 1
    assert await other.take(7, 1) is Mark.DONE
    assert await other.take(7, 3) is Mark.HELD
    assert await poller.store(8, [(1, polled(1))]) == {1}  # another bot's update 1 is another update
    assert await poller.store(7, []) == set()


async def test_a_stored_update_round_trips_and_its_json_is_dropped_when_done(
    clean_engine: AsyncEngine,
) -> None:
    poller = ProcessedUpdates(session_factory(clean_engine), FakeClock(START), LEASE)
    assert await poller.store(7, [(5, polled(5, "Jalan rusak <b>parah</b> ✓"))]) == {5}
    [(update_id, payload)] = await poller.retake_inbox(7)
    assert update_id == 5
    assert Update.model_validate(payload) == Update.model_validate(polled(5, "Jalan rusak <b>parah</b> ✓"))
    await poller.finish(7, 5)
    assert await payloads(clean_engine, 7) == {5: None}
    assert await poller.retake_inbox(7) == []


async def test_a_stored_update_whose_handler_failed_stays_in_the_inbox(clean_engine: AsyncEngine) -> None:
    poller = ProcessedUpdates(session_factory(clean_engine), FakeClock(START), LEASE)
    assert await poller.store(7, [(5, polled(5))]) == {5}
    await poller.give_back(7, 5)  # no redelivery will come: kept for the next start
    assert [update_id for update_id, _ in await poller.retake_inbox(7)] == [5]


async def test_at_start_the_inbox_is_retaken_oldest_first_and_other_unfinished_marks_released(
    clean_engine: AsyncEngine,
) -> None:
    clock = FakeClock(START)
    dead, successor = two_processes(clean_engine, clock)
    assert await dead.store(7, [(update_id, polled(update_id)) for update_id in (12, 10, 11, 13)]) == {
        10,
        11,
        12,
        13,
    }
    await dead.finish(7, 11)
    assert await dead.take(7, 20) is Mark.TAKEN  # a webhook delivery (or an older version's poll)
    assert await dead.take(7, 21) is Mark.TAKEN
    await dead.finish(7, 21)
    assert await dead.store(8, [(10, polled(10))]) == {10}  # another bot's
    retaken = await successor.retake_inbox(7)
    assert [update_id for update_id, _ in retaken] == [10, 12, 13]
    assert [payload for _, payload in retaken] == [polled(10), polled(12), polled(13)]
    clock.advance(seconds=LEASE.total_seconds() - 1)
    assert await dead.take(7, 10) is Mark.HELD  # under the successor's fresh lease
    assert await successor.take(7, 20) is Mark.TAKEN  # released: Telegram delivers it again
    assert await successor.take(7, 21) is Mark.DONE
    assert await dead.take(8, 10) is Mark.HELD


async def test_a_mark_written_before_leases_existed_reads_as_done(clean_engine: AsyncEngine) -> None:
    async with session_factory(clean_engine).begin() as session:
        await session.execute(insert(ProcessedUpdate).values(bot_id=7, update_id=100, received_at=START))
    marks = ProcessedUpdates(session_factory(clean_engine), FakeClock(START + LEASE * 10), LEASE)
    assert await marks.take(7, 100) is Mark.DONE


async def test_old_marks_are_purged(clean_engine: AsyncEngine) -> None:
    clock = FakeClock(START)
    marks = ProcessedUpdates(session_factory(clean_engine), clock=clock)
    await marks.take(7, 1)
    await marks.finish(7, 1)
    clock.advance(days=KEEP.days, hours=1)
    await marks.take(7, 2)
    await marks.finish(7, 2)
    assert await marks.purge() == 1
    assert await marks.take(7, 2) is Mark.DONE
    assert await marks.take(7, 1) is Mark.TAKEN
