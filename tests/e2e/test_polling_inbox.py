"""Polling's inbox (bot/updates/polling.py), through the local Bot API server on both backends: a getUpdates
answer is stored in one statement and confirmed at once while its handlers still run; an update Telegram
delivers again is not handled again; what a stopped or killed process left unfinished is replayed at the next
start, oldest first, and answered once; a failed update is replayed once; no more than the bound is in
flight."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractContextManager, asynccontextmanager
from typing import Any

import pytest
from aiogram import Dispatcher, Router
from aiogram.types import Message, Update
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app.factory import create_bot
from bot.app.settings import Settings
from bot.dev.local_api import LocalBotApi
from bot.updates.once import OncePerUpdate
from bot.updates.polling import Poller
from storage.database import session_factory
from storage.models import ProcessedUpdate
from storage.processed_updates import ProcessedUpdates
from tests.backends import statements_starting
from tests.e2e.conftest import TOKEN

BOT_ID = 7000001


class Desk:
    """Handlers that note each update they start, wait at a gate the test opens, then answer (or fail)."""

    def __init__(self) -> None:
        self.started: list[int] = []
        self.gate = asyncio.Event()
        self.failing: set[str] = set()  # texts whose handler raises
        self.in_flight = 0
        self.most_in_flight = 0

    def router(self) -> Router:
        router = Router()

        @router.message()
        async def handle(message: Message, event_update: Update) -> None:
            self.started.append(event_update.update_id)
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
            try:
                await self.gate.wait()
                if message.text in self.failing:
                    raise RuntimeError("the handler failed")
                await message.answer(f"done {message.text}")
            finally:
                self.in_flight -= 1

        return router


@asynccontextmanager
async def polling(
    api: LocalBotApi, engine: AsyncEngine, desk: Desk, **options: Any
) -> AsyncIterator[asyncio.Event]:
    """A poller with its inbox, as `python -m bot` runs it, until the test sets the event it yields (or
    leaves the block): a stop, as on SIGTERM."""
    processed = ProcessedUpdates(session_factory(engine))
    dispatcher = Dispatcher()
    dispatcher.update.outer_middleware(OncePerUpdate(processed))
    dispatcher.include_router(desk.router())
    bot = create_bot(Settings(_env_file=None, bot_token=TOKEN, telegram_api_base=api.base_url))
    stop = asyncio.Event()
    running = asyncio.create_task(Poller(dispatcher, bot, timeout=1, **options).run(stop, processed))
    try:
        yield stop
    finally:
        stop.set()
        await running
        await bot.session.close()


def inserts(engine: AsyncEngine) -> AbstractContextManager[list[str]]:
    """Every INSERT into the marks sent to the database meanwhile."""
    return statements_starting(engine, "INSERT INTO processed_updates")


async def marks(engine: AsyncEngine) -> dict[int, tuple[bool, bool]]:
    """Each update's mark: (still taken, JSON still stored)."""
    async with engine.connect() as connection:
        rows = await connection.execute(
            select(ProcessedUpdate.update_id, ProcessedUpdate.taken_until, ProcessedUpdate.payload)
        )
    return {row.update_id: (row.taken_until is not None, row.payload is not None) for row in rows}


def offsets(api: LocalBotApi) -> list[int]:
    return [
        int(record.params["offset"])
        for record in api.requests(method="getUpdates")
        if "offset" in record.params
    ]


def answers(api: LocalBotApi) -> Counter[str]:
    return Counter(record.params["text"] for record in api.requests(method="sendMessage", ok=True))


async def until(condition: Callable[[], bool], timeout: float = 30.0) -> None:  # noqa: ASYNC109
    async with asyncio.timeout(timeout):
        while not condition():  # noqa: ASYNC110 - watching the server and the handlers
            await asyncio.sleep(0.02)


async def send(api: LocalBotApi, *texts: str) -> list[int]:
    """Each text from a person of its own; returns the update ids the server queued."""
    queue = api.world.find_bot().queue
    ids = []
    for text in texts:
        await api.user(7950 + queue.next_id, "Orang").send_text(text)
        ids.append(queue.pending[-1]["update_id"])
    return ids


async def test_a_batch_is_stored_in_one_statement_and_confirmed_while_its_handlers_still_run(
    local_api: LocalBotApi, clean_engine: AsyncEngine
) -> None:
    desk = Desk()
    batch = await send(local_api, "satu", "dua", "tiga")
    with inserts(clean_engine) as seen:
        async with polling(local_api, clean_engine, desk):
            await until(lambda: len(desk.started) == 3)
            # Asked again right away, past the batch: confirmed, though every handler is still blocked.
            await until(lambda: max(batch) + 1 in offsets(local_api))
            assert local_api.world.find_bot().queue.pending == []
            assert len(seen) == 1
            assert await marks(clean_engine) == {update_id: (True, True) for update_id in batch}
            # A newer update does not wait for those in flight.
            [later] = await send(local_api, "empat")
            await until(lambda: later in desk.started)
            desk.gate.set()
            await until(lambda: sum(answers(local_api).values()) == 4)
    assert sorted(desk.started) == [*batch, later]
    assert answers(local_api) == {"done satu": 1, "done dua": 1, "done tiga": 1, "done empat": 1}
    # Done, and no message text kept.
    assert await marks(clean_engine) == {update_id: (False, False) for update_id in [*batch, later]}


async def test_updates_delivered_again_are_not_handled_twice_and_the_unfinished_are_replayed_oldest_first(
    local_api: LocalBotApi, clean_engine: AsyncEngine
) -> None:
    finished, *unfinished = await send(local_api, "satu", "dua", "tiga", "empat")
    # A predecessor stored all four, finished the first and was killed before it confirmed any: Telegram
    # delivers all four again. It also held a webhook delivery, whose mark has no JSON.
    predecessor = ProcessedUpdates(session_factory(clean_engine))
    pending = local_api.world.find_bot().queue.pending
    stored = [
        (
            raw["update_id"],
            Update.model_validate(raw).model_dump(mode="json", by_alias=True, exclude_none=True),
        )
        for raw in reversed(pending)
    ]
    assert await predecessor.store(BOT_ID, stored) == {finished, *unfinished}
    await predecessor.finish(BOT_ID, finished)
    assert (await predecessor.take(BOT_ID, 999)).value == "taken"
    desk = Desk()
    desk.gate.set()
    async with polling(local_api, clean_engine, desk):
        await until(
            lambda: sum(answers(local_api).values()) == 3 and not local_api.world.find_bot().queue.pending
        )
        await local_api.wait_idle(quiet=0.3)
    assert desk.started == unfinished  # oldest first, each once; the finished one not again
    assert answers(local_api) == {"done dua": 1, "done tiga": 1, "done empat": 1}
    # The webhook delivery's mark was released at start: Telegram delivers that one again.
    assert await marks(clean_engine) == {update_id: (False, False) for update_id in [finished, *unfinished]}


async def test_no_more_updates_than_the_bound_are_in_flight(
    local_api: LocalBotApi, clean_engine: AsyncEngine
) -> None:
    desk = Desk()
    await send(local_api, "satu", "dua", "tiga", "empat", "lima")
    async with polling(local_api, clean_engine, desk, max_in_flight=2):
        await until(lambda: len(desk.started) == 2)
        asked = len(offsets(local_api)) + 1  # the first getUpdates has no offset
        await asyncio.sleep(0.5)  # time to ask again and start more, were there no bound
        assert len(desk.started) == 2
        assert len(local_api.requests(method="getUpdates")) == asked  # waits for room before it asks
        desk.gate.set()
        await until(lambda: sum(answers(local_api).values()) == 5)
    assert desk.most_in_flight == 2
    assert all(int(record.params["limit"]) <= 2 for record in local_api.requests(method="getUpdates"))
    assert len(desk.started) == len(set(desk.started)) == 5


async def a_failing_update(api: LocalBotApi) -> tuple[Desk, int]:
    """A desk whose handler raises on "rusak", and the id of the update that sends it."""
    desk = Desk()
    desk.gate.set()
    desk.failing = {"rusak"}
    [broken] = await send(api, "rusak")
    return desk, broken


@pytest.mark.parametrize("fails_again", [True, False], ids=["fails-again", "fixed-by-then"])
async def test_an_update_whose_handler_failed_is_replayed_once_at_the_next_start(
    local_api: LocalBotApi, clean_engine: AsyncEngine, fails_again: bool
) -> None:
    desk, broken = await a_failing_update(local_api)
    async with polling(local_api, clean_engine, desk):
        await until(lambda: desk.started == [broken])
        await until(lambda: not local_api.world.find_bot().queue.pending)
    assert await marks(clean_engine) == {broken: (True, True)}  # kept in the inbox

    if not fails_again:
        desk.failing = set()
    async with polling(local_api, clean_engine, desk):
        await until(lambda: len(desk.started) == 2)
        if not fails_again:
            await until(lambda: answers(local_api) == {"done rusak": 1})
    assert await marks(clean_engine) == {broken: (False, False)}  # given up, or answered

    async with polling(local_api, clean_engine, desk):
        [later] = await send(local_api, "baru")
        await until(lambda: later in desk.started)
    assert desk.started == [broken, broken, later]  # never a third time
    assert answers(local_api)["done rusak"] == (0 if fails_again else 1)


@pytest.mark.parametrize("fails_again", [True, False], ids=["fails-again", "fixed-by-then"])
async def test_an_update_whose_handler_failed_is_replayed_once_a_little_later_by_the_same_process(
    local_api: LocalBotApi, clean_engine: AsyncEngine, fails_again: bool
) -> None:
    """A database restart, say, is over by then: the person is not left waiting for the next start."""
    desk, broken = await a_failing_update(local_api)
    async with polling(local_api, clean_engine, desk, retry_after=0.3):
        await until(lambda: desk.started == [broken])
        if not fails_again:
            desk.failing = set()
        await until(lambda: desk.started == [broken, broken])
        if not fails_again:
            await until(lambda: answers(local_api) == {"done rusak": 1})
        await until(lambda: not desk.in_flight)
        [later] = await send(local_api, "baru")
        await until(lambda: later in desk.started)
        await asyncio.sleep(0.6)  # two retry periods: a third try would have begun
    assert desk.started == [broken, broken, later]  # never a third time
    assert answers(local_api)["done rusak"] == (0 if fails_again else 1)
    marked = await marks(clean_engine)
    assert marked[broken] == (False, False)  # given up, or answered


async def test_an_update_cut_short_at_a_stop_is_answered_once_after_the_next_start(
    local_api: LocalBotApi, clean_engine: AsyncEngine
) -> None:
    desk = Desk()
    [slow] = await send(local_api, "lambat")
    async with polling(local_api, clean_engine, desk, drain_timeout=0.2) as stop:
        await until(lambda: desk.started == [slow])
        stop.set()
    assert local_api.world.find_bot().queue.pending == []  # confirmed: it is in the inbox
    assert await marks(clean_engine) == {slow: (True, True)}
    assert answers(local_api) == {}

    desk.gate.set()
    async with polling(local_api, clean_engine, desk):
        await until(lambda: answers(local_api) == {"done lambat": 1})
        await local_api.wait_idle(quiet=0.3)
    assert desk.started == [slow, slow]
    assert answers(local_api) == {"done lambat": 1}
    assert await marks(clean_engine) == {slow: (False, False)}
