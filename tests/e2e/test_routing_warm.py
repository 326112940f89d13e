"""The bot reads the routing history of the offices that route in the background as it starts: it answers
while that read is held up, and the offices are read once it goes on. Through the local Bot API server,
polling and webhook, SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app.settings import Mode
from bot.dev.local_api import LocalBotApi
from storage import routing_history
from tests.conftest import World
from tests.e2e.chat import Reporter
from tests.e2e.conftest import RunningBot


# How `python -m bot` and its webhook workers start: the dispatcher's start-up is what is tested.
@pytest.mark.parametrize("mode", [Mode.POLLING, Mode.WEBHOOK], ids=["polling", "webhook"])
async def test_the_bot_answers_while_the_routing_history_is_read_at_start(
    local_api: LocalBotApi,
    clean_engine: AsyncEngine,
    world: World,
    mode: Mode,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    gate, reading = asyncio.Event(), asyncio.Event()
    offices: list[int] = []
    read = routing_history._read

    async def held(session: Any, office_id: int, *args: Any) -> Any:
        reading.set()
        await gate.wait()
        offices.append(office_id)
        return await read(session, office_id, *args)

    monkeypatch.setattr(routing_history, "_read", held)
    running = RunningBot(local_api, clean_engine, world, mode)
    await asyncio.wait_for(running.start(), timeout=30)
    try:
        reporter = Reporter(local_api.user(7801, "Siti"))
        await reporter.command("/start")
        await reporter.expect_key("welcome")
        await asyncio.wait_for(reading.wait(), timeout=10)
        assert offices == []  # the first office's read is still held: the bot answered beside it
        gate.set()
        await asyncio.wait_for(running.services.directory.routing.warmed(), timeout=30)
        assert offices == sorted(world.orgs[code].id for code in ("JATENG", "KOTA-PKL", "KAB-BATANG"))
    finally:
        gate.set()
        await running.stop()
