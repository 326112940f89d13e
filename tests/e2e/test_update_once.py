"""Telegram resends a webhook update that was answered late: the second delivery changes nothing."""

from __future__ import annotations

import asyncio

import aiohttp
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.config import Mode
from bot.local_api import LocalBotApi
from storage.models import ProcessedUpdate
from tests.conftest import World
from tests.e2e.chat import Reporter
from tests.e2e.conftest import WEBHOOK_SECRET, RunningBot


def start_update(update_id: int, user_id: int) -> dict:
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "from": {"id": user_id, "is_bot": False, "first_name": "Dewi"},
            "chat": {"id": user_id, "type": "private", "first_name": "Dewi"},
            "date": 1795000000,
            "text": "/start",
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        },
    }


async def test_an_update_delivered_twice_is_answered_once(
    local_api: LocalBotApi, clean_engine: AsyncEngine, world: World
) -> None:
    running = RunningBot(local_api, clean_engine, world, Mode.WEBHOOK)
    await running.start()
    try:
        person = Reporter(local_api.user(7803, "Dewi"))
        await person.command("/start")
        await person.expect_key("welcome")
        answers = len(local_api.requests(method="sendMessage", chat_id=7803))
        headers = {"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET}
        async with aiohttp.ClientSession() as http:

            async def deliver(update: dict) -> int:
                async with http.post(running.settings.webhook_url, json=update, headers=headers) as response:
                    status = response.status
                return status

            async def answers_settle_at(count: int) -> None:
                # The webhook answers at once and handles the update in the background: wait for its reply,
                # then a little longer for a second one that must not come.
                async with asyncio.timeout(5):
                    while len(local_api.requests(method="sendMessage", chat_id=7803)) < count:  # noqa: ASYNC110
                        await asyncio.sleep(0.01)
                await local_api.wait_idle(quiet=0.3)
                assert len(local_api.requests(method="sendMessage", chat_id=7803)) == count

            # Once in turn, as a retry after a late answer; then twice at once, as two processes would get it.
            assert await deliver(start_update(880001, 7803)) == 200
            await answers_settle_at(answers + 1)
            assert await deliver(start_update(880001, 7803)) == 200
            await answers_settle_at(answers + 1)
            statuses = await asyncio.gather(*(deliver(start_update(880002, 7803)) for _ in range(2)))
            assert statuses == [200, 200]
            await answers_settle_at(answers + 2)
    finally:
        await running.stop()
    async with clean_engine.connect() as connection:
        taken = await connection.scalar(
            select(func.count())
            .select_from(ProcessedUpdate)
            .where(ProcessedUpdate.update_id.in_([880001, 880002]))
        )
    assert taken == 2
