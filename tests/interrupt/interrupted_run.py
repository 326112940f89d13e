"""What tests/interrupt/test_ctrl_c.py interrupts: a test in the middle of what a test run holds.

Not collected by default (its name does not start with ``test_``); run only when the outer test names it. The
test waits with a migrated database of the session (one per backend), an empty PostgreSQL database of its
own, the local Bot API server, the bot running in-process and the bot as a process of its own (`python -m
bot`, polling), writes where it stands for the outer test, and sleeps until interrupted.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.dev.local_api import LocalBotApi
from tests.conftest import World
from tests.e2e.conftest import IN_PROCESS, RunningBot, local_api
from tests.e2e.test_notifications_process import bot_process

__all__ = ["local_api"]

READY_DIR = os.environ.get("INTERRUPT_READY_DIR")
pytestmark = pytest.mark.skipif(READY_DIR is None, reason="run by tests/interrupt/test_ctrl_c.py only")


async def test_waits_until_interrupted(
    local_api: LocalBotApi, clean_engine: AsyncEngine, world: World, fresh_postgres: str, tmp_path: Path
) -> None:
    assert READY_DIR is not None
    running = RunningBot(local_api, clean_engine, world, IN_PROCESS)
    await running.start()
    try:
        async with bot_process(tmp_path, clean_engine, local_api) as process:
            while not local_api.requests("getUpdates"):  # noqa: ASYNC110 (up once it polls)
                await asyncio.sleep(0.05)
            database = fresh_postgres.rsplit("/", 1)[1]
            Path(READY_DIR, str(os.getpid())).write_text(f"{process.pid} {database}\n")  # noqa: ASYNC240
            await asyncio.sleep(3600)
    finally:
        await running.stop()
