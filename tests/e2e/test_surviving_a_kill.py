"""A bot process killed in the middle of an update loses nothing: the update is confirmed to Telegram only
after its handler ended, so it is delivered again, and the once-per-update lease lets it through once.

Polling keeps the getUpdates offset at the oldest update still in flight while newer ones are handled
beside it; the webhook answers only once the update is handled. A `python -m bot` killed with SIGKILL while
its reply is on the wire is started again and the person gets that reply.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from asyncio.subprocess import DEVNULL
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from aiogram import Dispatcher, Router
from aiogram.filters import Command
from aiogram.types import Message, Update
from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from bot.app import create_bot
from bot.config import Mode, Settings
from bot.local_api import Faults, LocalBotApi
from bot.once import OncePerUpdate
from bot.polling import Poller
from storage.database import session_factory
from storage.models import ProcessedUpdate
from storage.processed_updates import ProcessedUpdates
from tests.e2e.chat import Reporter
from tests.e2e.conftest import TOKEN, WEBHOOK_SECRET, free_port
from tests.e2e.test_main import ROOT, SETTINGS

# Long past the end of the test: the killed process's reply never leaves the server.
HELD_S = 600.0


def getupdates_offsets(api: LocalBotApi) -> list[int | None]:
    return [
        None if record.params.get("offset") is None else int(record.params["offset"])
        for record in api.requests(method="getUpdates")
    ]


async def marks(engine: AsyncEngine) -> list[object]:
    """The `taken_until` of every update mark (none while the bot has not yet created its tables)."""
    try:
        async with engine.connect() as connection:
            return list((await connection.execute(select(ProcessedUpdate.taken_until))).scalars())
    except OperationalError:
        return []


async def until(condition: Callable[[], bool], timeout: float = 30.0) -> None:  # noqa: ASYNC109
    async with asyncio.timeout(timeout):
        while not condition():  # noqa: ASYNC110 - watching the server, not a flag of ours
            await asyncio.sleep(0.02)


async def test_polling_confirms_an_update_only_after_its_handler_ended(
    local_api: LocalBotApi, clean_engine: AsyncEngine
) -> None:
    release = asyncio.Event()
    handled: Counter[str] = Counter()
    ids: dict[str, int] = {}
    router = Router()

    @router.message(Command("slow"))
    async def slow(message: Message, event_update: Update) -> None:
        ids["slow"] = event_update.update_id
        handled["slow"] += 1
        await release.wait()
        await message.answer("slow done")

    @router.message(Command("fast"))
    async def fast(message: Message, event_update: Update) -> None:
        ids["fast"] = event_update.update_id
        handled["fast"] += 1
        await message.answer("fast done")

    dispatcher = Dispatcher()
    processed = ProcessedUpdates(session_factory(clean_engine))
    dispatcher.update.outer_middleware(OncePerUpdate(processed))
    dispatcher.include_router(router)
    bot = create_bot(Settings(_env_file=None, bot_token=TOKEN, telegram_api_base=local_api.base_url))
    stop = asyncio.Event()
    polling = asyncio.create_task(Poller(dispatcher, bot, timeout=1, pause=0.05).run(stop, processed))
    try:
        person = local_api.user(7901, "Ayu")
        await person.send_command("/slow")
        await until(lambda: "slow" in ids)
        await person.send_command("/fast")
        await person.wait_for_message(lambda message: message.text == "fast done", timeout=30)
        # The poller keeps asking (the slow update comes back each time) and never confirms past it.
        asked = len(getupdates_offsets(local_api))
        await until(lambda: len(getupdates_offsets(local_api)) >= asked + 3)
        assert ids["fast"] > ids["slow"]
        assert all(offset is None or offset <= ids["slow"] for offset in getupdates_offsets(local_api))
        assert len(local_api.world.find_bot().queue.pending) == 2  # neither confirmed yet

        # A stop (SIGTERM) lets the slow update finish, then confirms both.
        stop.set()
        release.set()
        await polling
    finally:
        stop.set()
        release.set()
        await polling
        await bot.session.close()
    await person.wait_for_message(lambda message: message.text == "slow done", timeout=30)
    assert handled == {"slow": 1, "fast": 1}  # each returned again and again, each handled once
    assert getupdates_offsets(local_api)[-1] == ids["fast"] + 1
    assert local_api.world.find_bot().queue.pending == []
    assert await marks(clean_engine) == [None, None]  # both done


@pytest.mark.parametrize("mode", [Mode.POLLING, Mode.WEBHOOK], ids=["polling", "webhook"])
async def test_a_bot_killed_in_the_middle_of_an_update_answers_it_after_a_restart(
    local_api: LocalBotApi, tmp_path: Path, mode: Mode
) -> None:
    database = tmp_path / "bot.sqlite3"
    port = free_port()
    env = {key: value for key, value in os.environ.items() if key not in SETTINGS}
    env.update(
        PYTHONPATH=str(ROOT),
        BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE=local_api.base_url,
        DATABASE_URL=f"sqlite+aiosqlite:///{database}",
        MODE=mode.value,
        WEBHOOK_PUBLIC_URL=f"http://127.0.0.1:{port}",
        WEBHOOK_LISTEN_HOST="127.0.0.1",
        WEBHOOK_LISTEN_PORT=str(port),
        WEBHOOK_SECRET=WEBHOOK_SECRET,
        # A webhook update held by the dead process is free again after this (polling frees it at start).
        UPDATE_LEASE_SECONDS="2",
        LOG_LEVEL="WARNING",
    )

    async def start_bot() -> asyncio.subprocess.Process:
        return await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", cwd=tmp_path, env=env, stdout=DEVNULL, stderr=DEVNULL
        )

    person = Reporter(local_api.user(7902, "Bayu"))
    # Every reply is held by "Telegram": the bot is in the middle of its handler when it is killed.
    local_api.faults.configure(
        Faults(delay_share=1.0, delay_seconds=HELD_S, methods=frozenset({"sendmessage"}))
    )
    engine = create_async_engine(f"sqlite+aiosqlite:///{database}")
    try:
        doomed = await start_bot()
        try:
            await person.command("/start")
            async with asyncio.timeout(60):
                # Taken (so the start-up calls are over), and a request on the wire: its reply.
                while not (await marks(engine) and local_api.world.in_flight > 0):  # noqa: ASYNC110
                    await asyncio.sleep(0.05)
        finally:
            doomed.send_signal(signal.SIGKILL)
            await doomed.wait()
        local_api.faults.configure(Faults())
        [taken_until] = await marks(engine)
        assert taken_until is not None  # taken, never finished
        assert local_api.requests(method="sendMessage", chat_id=7902, ok=True) == []

        successor = await start_bot()
        try:
            await person.user.wait_for_message(lambda m: m.text == person.said("welcome"), timeout=60)
            await until(lambda: not local_api.world.find_bot().queue.pending)  # confirmed, once handled
        finally:
            successor.send_signal(signal.SIGTERM)
            assert await asyncio.wait_for(successor.wait(), timeout=30) == 0
        assert await marks(engine) == [None]  # done
    finally:
        await engine.dispose()
    assert len(local_api.requests(method="sendMessage", chat_id=7902, ok=True)) == 1
