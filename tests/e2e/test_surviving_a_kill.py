"""A bot process killed in the middle of an update loses nothing. Polling stores each update in its inbox
before it confirms it to Telegram, and the next process replays what was left unfinished (the poller on its
own: tests/e2e/test_polling_inbox.py); the webhook answers only once the update is handled, so Telegram
delivers it again, and the once-per-update lease lets it through once. A `python -m bot` killed with SIGKILL
while its reply is on the wire is started again and the person gets that reply, once.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from asyncio.subprocess import DEVNULL
from collections.abc import Callable
from pathlib import Path

import pytest
from aiogram.types import Update
from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from bot.app.settings import Mode
from bot.dev.local_api import Faults, LocalBotApi
from storage.models import ProcessedUpdate
from tests.e2e.chat import Reporter
from tests.e2e.conftest import TOKEN, WEBHOOK_SECRET, free_port
from tests.e2e.test_main import ROOT, SETTINGS

# Long past the end of the test: the killed process's reply never leaves the server.
HELD_S = 600.0


async def marks(engine: AsyncEngine) -> list[object]:
    """The `taken_until` of every update mark (none while the bot has not yet created its tables)."""
    try:
        async with engine.connect() as connection:
            return list((await connection.execute(select(ProcessedUpdate.taken_until))).scalars())
    except OperationalError:
        return []


async def stored_json(engine: AsyncEngine) -> list[object]:
    """The JSON of every update mark: polling's inbox keeps it until the update is done."""
    async with engine.connect() as connection:
        return list((await connection.execute(select(ProcessedUpdate.payload))).scalars())


async def until(condition: Callable[[], bool], timeout: float = 30.0) -> None:  # noqa: ASYNC109
    async with asyncio.timeout(timeout):
        while not condition():  # noqa: ASYNC110 - watching the server, not a flag of ours
            await asyncio.sleep(0.02)


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
                # Taken (so the start-up calls are over), and a request on the wire: its reply. Polling has
                # also confirmed the update to Telegram (it asks again as soon as the update is stored).
                queue = local_api.world.find_bot().queue
                while not (  # noqa: ASYNC110
                    await marks(engine)
                    and local_api.world.in_flight > 0
                    and (mode is Mode.WEBHOOK or not queue.pending)
                ):
                    await asyncio.sleep(0.05)
        finally:
            doomed.send_signal(signal.SIGKILL)
            await doomed.wait()
        local_api.faults.configure(Faults())
        [taken_until] = await marks(engine)
        assert taken_until is not None  # taken, never finished
        assert local_api.requests(method="sendMessage", chat_id=7902, ok=True) == []
        [json] = await stored_json(engine)
        if mode is Mode.POLLING:
            # Telegram will not deliver it again: the inbox has it for the next start.
            message = Update.model_validate(json).message
            assert message is not None
            assert message.text == "/start"
        else:
            assert json is None  # Telegram delivers it again

        successor = await start_bot()
        try:
            await person.user.wait_for_message(lambda m: m.text == person.said("welcome"), timeout=60)
            await until(lambda: not local_api.world.find_bot().queue.pending)  # confirmed, once handled
        finally:
            successor.send_signal(signal.SIGTERM)
            assert await asyncio.wait_for(successor.wait(), timeout=30) == 0
        assert await marks(engine) == [None]  # done
        assert await stored_json(engine) == [None]
    finally:
        await engine.dispose()
    assert len(local_api.requests(method="sendMessage", chat_id=7902, ok=True)) == 1
