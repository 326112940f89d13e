"""A webhook server that stops (a deploy, gunicorn restarting a worker) first finishes the updates it is
handling, and answers Telegram for each only then."""

from __future__ import annotations

import asyncio

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app.settings import Mode
from bot.dev.local_api import Faults, LocalBotApi
from storage.models import ProcessedUpdate
from tests.conftest import World
from tests.e2e.chat import Reporter
from tests.e2e.conftest import RunningBot

# Long enough that the server is told to stop while the reply is still on its way.
SLOW_REPLY_S = 0.6


async def marks(engine: AsyncEngine) -> list[ProcessedUpdate]:
    async with engine.connect() as connection:
        return list((await connection.execute(select(ProcessedUpdate))).all())  # type: ignore[arg-type]


async def test_an_update_in_flight_is_finished_and_answered_before_the_server_stops(
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
        async with asyncio.timeout(5):
            while not await marks(clean_engine):  # noqa: ASYNC110 - the bot has not yet taken the update
                await asyncio.sleep(0.01)
        # Being handled: not answered yet, its reply not yet sent.
        queue = local_api.world.find_bot().queue
        assert len(queue.pending) == 1
        assert local_api.requests(method="sendMessage", chat_id=7811, ok=True) == []
    finally:
        await running.stop()
    assert len(local_api.requests(method="sendMessage", chat_id=7811, ok=True)) == 1
    await person.expect_key("welcome")
    assert queue.pending == []  # answered 200 once handled: Telegram will not send it again
    [mark] = await marks(clean_engine)
    assert mark.taken_until is None  # done
