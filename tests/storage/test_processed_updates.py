"""Marks of updates as leases: the first taker wins, a finished update is done for every later delivery, a
failed one can be taken again, one whose taker died is taken again once its lease has run out, old marks
are purged."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import insert, text, update
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.database import session_factory
from storage.models import ProcessedUpdate
from storage.processed_updates import KEEP, Mark, ProcessedUpdates
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


async def test_releasing_frees_the_unfinished_marks_of_one_bot_only(clean_engine: AsyncEngine) -> None:
    first, second = two_processes(clean_engine, FakeClock(START))
    for update_id in (1, 2):
        assert await first.take(7, update_id) is Mark.TAKEN
    await first.finish(7, 2)
    assert await first.take(8, 1) is Mark.TAKEN
    assert await second.release_unfinished(7) == 1
    assert await second.take(7, 1) is Mark.TAKEN
    assert await second.take(7, 2) is Mark.DONE
    assert await second.take(8, 1) is Mark.HELD


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
