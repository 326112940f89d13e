"""A webhook server that stops (a deploy, gunicorn restarting a worker) first finishes the updates it has
already answered for: Telegram will not send them again."""

from __future__ import annotations

import asyncio

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.config import Mode
from bot.local_api import Faults, LocalBotApi
from tests.conftest import World
from tests.e2e.chat import Reporter
from tests.e2e.conftest import RunningBot

# Long enough that the server is told to stop while the reply is still on its way.
SLOW_REPLY_S = 0.6


async def test_an_update_in_flight_is_finished_before_the_server_stops(
    local_api: LocalBotApi, clean_engine: AsyncEngine, world: World
) -> None:
    running = RunningBot(local_api, clean_engine, world, Mode.WEBHOOK)
    await running.start()
    try:
        person = Reporter(local_api.user(7811, "Wulan"))
        local_api.faults.configure(
            Faults(delay_share=1.0, delay_seconds=SLOW_REPLY_S, methods=frozenset({"sendmessage"}))
        )
        await person.command("/start")
        queue = local_api.world.find_bot().queue
        async with asyncio.timeout(5):
            while queue.pending:  # noqa: ASYNC110 - the webhook has not yet answered 200 for the update
                await asyncio.sleep(0.01)
        # Answered, its reply not yet sent.
        assert local_api.requests(method="sendMessage", chat_id=7811, ok=True) == []
    finally:
        await running.stop()
    assert len(local_api.requests(method="sendMessage", chat_id=7811, ok=True)) == 1
    await person.expect_key("welcome")
