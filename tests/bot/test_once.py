"""The once-per-update middleware keeps the lease of every update it is handling: one renewal every third of
the lease pushes out all of them in one statement, for as long as any is in flight, and nothing of it is
left running once the last has ended. An update polling already took in its inbox is not taken again, only
renewed and settled: done drops its JSON, a failure keeps it for one replay."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

import pytest
from aiogram import Bot
from aiogram.types import Update
from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.updates.once import INBOX, Inbox, OncePerUpdate
from storage.database import session_factory
from storage.models import ProcessedUpdate, utcnow
from storage.processed_updates import Mark, ProcessedUpdates
from tests.conftest import FakeClock

BOT = Bot("7000002:once-test-token")
# Short, so a test sees renewals; long enough that a busy machine still renews within it.
LEASE = timedelta(seconds=1.5)
RENEWAL_EVERY_S = LEASE.total_seconds() / 3


class Handler:
    """A handler that runs until the test lets it end (or fail)."""

    def __init__(self) -> None:
        self.started: dict[int, asyncio.Event] = {}
        self.ended = asyncio.Event()
        self.fail = False

    async def __call__(self, update: Update, data: dict[str, Any]) -> str:
        self.started.setdefault(update.update_id, asyncio.Event()).set()
        await self.ended.wait()
        if self.fail:
            raise RuntimeError("the handler failed")
        return "handled"

    async def until_started(self, *update_ids: int) -> None:
        for update_id in update_ids:
            await asyncio.wait_for(self.started.setdefault(update_id, asyncio.Event()).wait(), 30)


def handle(
    once: OncePerUpdate, handler: Handler, update_id: int, inbox: Inbox | None = None
) -> asyncio.Task[Any]:
    data: dict[str, Any] = {"bot": BOT} if inbox is None else {"bot": BOT, INBOX: inbox}
    return asyncio.create_task(once(handler, Update(update_id=update_id), data))


@contextmanager
def renewals(engine: AsyncEngine) -> Iterator[list[set[object]]]:
    """The parameters of every renewal statement (an UPDATE of leases by a list of updates) run meanwhile."""
    seen: list[set[object]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.startswith("UPDATE processed_updates") and " IN (" in statement:
            seen.append(set(parameters))

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)


async def taken_until(engine: AsyncEngine, update_id: int) -> datetime | None:
    async with engine.connect() as connection:
        return await connection.scalar(
            select(ProcessedUpdate.taken_until).where(
                ProcessedUpdate.bot_id == BOT.id, ProcessedUpdate.update_id == update_id
            )
        )


async def until(condition: Any, timeout: float = 30.0) -> None:  # noqa: ASYNC109
    async with asyncio.timeout(timeout):
        while not await condition():  # noqa: ASYNC110 - watching the database and the clock
            await asyncio.sleep(0.02)


async def test_an_update_handled_longer_than_its_lease_keeps_it_to_the_end(clean_engine: AsyncEngine) -> None:
    once = OncePerUpdate(ProcessedUpdates(session_factory(clean_engine), lease=LEASE))
    other_process = ProcessedUpdates(session_factory(clean_engine), lease=LEASE)
    handler = Handler()
    handling = handle(once, handler, 1)
    await handler.until_started(1)
    assert once.renewing
    first_term = await taken_until(clean_engine, 1)
    assert first_term is not None

    async def first_term_over() -> bool:
        return utcnow() > first_term + timedelta(seconds=0.1)

    await until(first_term_over)
    assert await other_process.take(BOT.id, 1) is Mark.HELD  # renewed: still held past its first term
    renewed = await taken_until(clean_engine, 1)
    assert renewed is not None
    assert renewed > first_term
    handler.ended.set()
    assert await handling == "handled"
    assert await other_process.take(BOT.id, 1) is Mark.DONE


async def test_every_update_in_flight_is_renewed_in_one_statement(clean_engine: AsyncEngine) -> None:
    once = OncePerUpdate(ProcessedUpdates(session_factory(clean_engine), lease=LEASE))
    handler = Handler()
    in_flight = {101, 102, 103}
    with renewals(clean_engine) as seen:
        handlings = [handle(once, handler, update_id) for update_id in sorted(in_flight)]
        await handler.until_started(*in_flight)

        async def all_renewed_at_once() -> bool:
            return any(in_flight <= parameters for parameters in seen)

        await until(all_renewed_at_once)
        handler.ended.set()
        assert await asyncio.gather(*handlings) == ["handled"] * 3
    # No renewal named an update that was not in flight.
    for parameters in seen:
        assert {value for value in parameters if isinstance(value, int)} - {BOT.id} <= in_flight
    for update_id in in_flight:
        assert await taken_until(clean_engine, update_id) is None


@pytest.mark.parametrize("fails", [False, True], ids=["returns", "raises"])
async def test_nothing_keeps_renewing_once_the_last_update_has_ended(
    clean_engine: AsyncEngine, fails: bool
) -> None:
    once = OncePerUpdate(ProcessedUpdates(session_factory(clean_engine), lease=LEASE))
    handler = Handler()
    handler.fail = fails
    tasks_before = asyncio.all_tasks()
    with renewals(clean_engine) as seen:
        handling = handle(once, handler, 7)
        await handler.until_started(7)

        async def renewed() -> bool:
            return bool(seen)

        await until(renewed)
        handler.ended.set()
        await asyncio.wait({handling})
        assert not once.renewing
        assert asyncio.all_tasks() - tasks_before == {asyncio.current_task()} - tasks_before
        renewals_at_the_end = len(seen)
        await asyncio.sleep(
            RENEWAL_EVERY_S * 2
        )  # two turns of a renewal timer left behind, if there were one
        assert len(seen) == renewals_at_the_end
    assert (handling.exception() is not None) is fails
    assert await taken_until(clean_engine, 7) is None  # done, or given back (no row)


class GatedRenewals(ProcessedUpdates):
    """Real renewals that wait at a gate the test opens, to end the last update while one is under way."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.renewing = asyncio.Event()
        self.gate = asyncio.Event()

    async def renew(self, held: Any) -> int:
        self.renewing.set()
        await self.gate.wait()
        return await super().renew(held)


async def test_the_last_update_waits_for_a_renewal_under_way(clean_engine: AsyncEngine) -> None:
    processed = GatedRenewals(session_factory(clean_engine), lease=LEASE)
    once = OncePerUpdate(processed)
    handler = Handler()
    tasks_before = asyncio.all_tasks()
    handling = handle(once, handler, 8)
    await asyncio.wait_for(processed.renewing.wait(), 30)
    handler.ended.set()
    await asyncio.sleep(0.1)
    assert not handling.done()  # its mark is settled, but the renewal it would leave behind still runs
    processed.gate.set()
    assert await handling == "handled"
    assert not once.renewing
    assert asyncio.all_tasks() - tasks_before == {asyncio.current_task()} - tasks_before
    assert await taken_until(clean_engine, 8) is None


async def test_an_update_taken_here_again_after_its_lease_ran_out_ends_twice_cleanly(
    clean_engine: AsyncEngine,
) -> None:
    clock = FakeClock(utcnow())
    processed = GatedRenewals(session_factory(clean_engine), clock, LEASE)
    once = OncePerUpdate(processed)
    first, second = Handler(), Handler()
    handling_first = handle(once, first, 9)
    await first.until_started(9)
    await asyncio.wait_for(processed.renewing.wait(), 30)  # its renewal is held up...
    clock.advance(seconds=LEASE.total_seconds() * 2)  # ...until its lease has run out
    handling_second = handle(once, second, 9)
    await second.until_started(9)  # taken again: the first looked dead
    first.ended.set()
    second.ended.set()
    processed.gate.set()
    assert await asyncio.gather(handling_first, handling_second) == ["handled", "handled"]
    assert not once.renewing
    assert await taken_until(clean_engine, 9) is None


async def stored_json(engine: AsyncEngine, update_id: int) -> object:
    async with engine.connect() as connection:
        return await connection.scalar(
            select(ProcessedUpdate.payload).where(
                ProcessedUpdate.bot_id == BOT.id, ProcessedUpdate.update_id == update_id
            )
        )


async def test_an_update_polling_took_in_its_inbox_is_renewed_and_settled_not_taken_again(
    clean_engine: AsyncEngine,
) -> None:
    processed = ProcessedUpdates(session_factory(clean_engine), lease=LEASE)
    once = OncePerUpdate(processed)
    json = Update(update_id=11).model_dump(mode="json", exclude_none=True)
    assert await processed.store(BOT.id, [(11, json)]) == {11}
    handler = Handler()
    with renewals(clean_engine) as seen:
        handling = handle(once, handler, 11, Inbox.NEW)
        await handler.until_started(11)  # taken here, it would be held (by the poller) and skipped

        async def renewed() -> bool:
            return any(11 in parameters for parameters in seen)

        await until(renewed)
        handler.ended.set()
        assert await handling == "handled"
    assert await taken_until(clean_engine, 11) is None
    assert await stored_json(clean_engine, 11) is None  # done: no message text kept


@pytest.mark.parametrize("inbox", [Inbox.NEW, Inbox.REPLAYED], ids=["new", "replayed"])
async def test_a_stored_update_that_fails_stays_in_the_inbox_once_then_is_given_up(
    clean_engine: AsyncEngine, inbox: Inbox
) -> None:
    processed = ProcessedUpdates(session_factory(clean_engine), lease=LEASE)
    once = OncePerUpdate(processed)
    json = Update(update_id=12).model_dump(mode="json", exclude_none=True)
    assert await processed.store(BOT.id, [(12, json)]) == {12}
    handler = Handler()
    handler.fail = True
    handler.ended.set()
    with pytest.raises(RuntimeError):
        await handle(once, handler, 12, inbox)
    if inbox is Inbox.NEW:  # replayed at the next start
        assert await taken_until(clean_engine, 12) is not None
        assert await stored_json(clean_engine, 12) == json
    else:  # failed twice: given up
        assert await taken_until(clean_engine, 12) is None
        assert await stored_json(clean_engine, 12) is None
    assert not once.renewing
