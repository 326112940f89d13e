"""The webhook endpoint takes updates only from whoever knows the secret Telegram was given."""

from __future__ import annotations

import aiohttp
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app.settings import Mode
from bot.dev.local_api import LocalBotApi
from tests.conftest import World
from tests.e2e.chat import Reporter
from tests.e2e.conftest import WEBHOOK_SECRET, RunningBot

UPDATE = {
    "update_id": 990001,
    "message": {
        "message_id": 1,
        "date": 1795000000,
        "chat": {"id": 7801, "type": "private", "first_name": "Intruder"},
        "from": {"id": 7801, "is_bot": False, "first_name": "Intruder"},
        "text": "/start",
    },
}


async def test_a_request_without_the_right_secret_gets_401(
    local_api: LocalBotApi, clean_engine: AsyncEngine, world: World
) -> None:
    running = RunningBot(local_api, clean_engine, world, Mode.WEBHOOK)
    await running.start()
    try:
        url = running.settings.webhook_url
        info = await _webhook_info(local_api)
        assert info["url"] == url
        async with aiohttp.ClientSession() as http:
            for headers in ({}, {"X-Telegram-Bot-Api-Secret-Token": "wrong"}):
                async with http.post(url, json=UPDATE, headers=headers) as response:
                    assert response.status == 401
        # Nothing reached the bot: it never answered the forged /start.
        assert local_api.requests(method="sendMessage") == []

        # Telegram (here: the local server) sends the secret, and its updates are handled.
        person = Reporter(local_api.user(7802, "Indah"))
        await person.command("/start")
        await person.expect_key("welcome")
        sent = local_api.requests(method="sendMessage")
        assert [record.chat_id for record in sent] == [7802]
    finally:
        await running.stop()
    assert WEBHOOK_SECRET not in running.settings.model_dump_json()


async def _webhook_info(local_api: LocalBotApi) -> dict:
    async with (
        aiohttp.ClientSession() as http,
        http.get(f"{local_api.base_url}/bot{local_api.world.find_bot().token}/getWebhookInfo") as response,
    ):
        return (await response.json())["result"]
