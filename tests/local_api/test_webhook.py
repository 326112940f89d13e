"""Webhook delivery: secret header, order, retries with backoff, errors in getWebhookInfo, replies."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiogram import Bot
from aiohttp import web

from bot.dev.local_api import LocalBotApi, SimUser
from tests.local_api.helpers import ApiCall

SECRET = "s3cret_token-1"


class Receiver:
    """A bot's webhook endpoint that can be told to fail its first N deliveries."""

    def __init__(self) -> None:
        self.deliveries: list[dict[str, Any]] = []
        self.secrets: list[str | None] = []
        self.failures_left = 0
        self.reply: dict[str, Any] | None = None
        self.runner: web.AppRunner | None = None
        self.url = ""

    async def handle(self, request: web.Request) -> web.Response:
        self.deliveries.append(await request.json())
        self.secrets.append(request.headers.get("X-Telegram-Bot-Api-Secret-Token"))
        if self.failures_left:
            self.failures_left -= 1
            return web.Response(status=500, text="boom")
        if self.reply is not None:
            return web.json_response(self.reply)
        return web.Response(status=200)

    def texts(self) -> list[str]:
        return [delivery["message"]["text"] for delivery in self.deliveries if "message" in delivery]


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    hook = Receiver()
    app = web.Application()
    app.router.add_post("/hook", hook.handle)
    hook.runner = web.AppRunner(app)
    await hook.runner.setup()
    site = web.TCPSite(hook.runner, "127.0.0.1", 0)
    await site.start()
    hook.url = f"http://127.0.0.1:{hook.runner.addresses[0][1]}/hook"
    yield hook
    await hook.runner.cleanup()


async def test_updates_are_posted_in_order_with_the_secret(
    local_api: LocalBotApi, call: ApiCall, receiver: Receiver
) -> None:
    status, _ = await call("setWebhook", url=receiver.url, secret_token=SECRET)
    assert status == 200
    person = local_api.user(601, "Gita")
    for text in ("satu", "dua", "tiga"):
        await person.send_text(text)
    await local_api.wait_idle()
    assert receiver.texts() == ["satu", "dua", "tiga"]
    assert receiver.secrets == [SECRET] * 3
    _, info = await call("getWebhookInfo")
    assert info["result"]["url"] == receiver.url
    assert info["result"]["pending_update_count"] == 0
    assert "last_error_date" not in info["result"]


async def test_failed_delivery_is_retried_and_recorded(
    local_api: LocalBotApi, call: ApiCall, receiver: Receiver
) -> None:
    receiver.failures_left = 2
    await call("setWebhook", url=receiver.url)
    person = local_api.user(602, "Hadi")
    await person.send_text("pertama")
    await person.send_text("kedua")
    await local_api.wait_idle()
    assert receiver.texts() == ["pertama", "pertama", "pertama", "kedua"]
    _, info = await call("getWebhookInfo")
    assert info["result"]["pending_update_count"] == 0
    assert (
        info["result"]["last_error_message"] == "Wrong response from the webhook: 500 Internal Server Error"
    )
    assert isinstance(info["result"]["last_error_date"], int)


async def test_unreachable_webhook_keeps_updates_pending(local_api: LocalBotApi, call: ApiCall) -> None:
    await call("setWebhook", url="http://127.0.0.1:9/hook")
    await local_api.user(603, "Intan").send_text("halo")
    info: dict[str, Any] = {}
    for _ in range(100):
        _, body = await call("getWebhookInfo")
        info = body["result"]
        if "last_error_message" in info:
            break
        await asyncio.sleep(0.02)
    assert info["pending_update_count"] == 1
    assert info["last_error_message"] == "Connection refused"


async def test_drop_pending_updates_on_set_webhook(
    local_api: LocalBotApi, call: ApiCall, receiver: Receiver
) -> None:
    await local_api.user(604, "Joko").send_text("lama")
    await call("setWebhook", url=receiver.url, drop_pending_updates=True)
    await local_api.user(604, "Joko").send_text("baru")
    await local_api.wait_idle()
    assert receiver.texts() == ["baru"]


async def test_webhook_reply_with_a_method_is_executed(
    local_api: LocalBotApi, call: ApiCall, receiver: Receiver, user: SimUser
) -> None:
    await call("setWebhook", url=receiver.url, drop_pending_updates=True)
    receiver.reply = {"method": "sendMessage", "chat_id": user.id, "text": "dibalas lewat webhook"}
    await user.send_text("tolong")
    reply = await user.wait_for_message()
    assert reply.text == "dibalas lewat webhook"


async def test_webhook_methods_through_aiogram(local_api: LocalBotApi, bot: Bot, receiver: Receiver) -> None:
    assert await bot.set_webhook(receiver.url, secret_token=SECRET)
    info = await bot.get_webhook_info()
    assert info.url == receiver.url
    assert await bot.delete_webhook(drop_pending_updates=True)
    assert (await bot.get_webhook_info()).url == ""


async def test_bad_secret_token_is_refused(call: ApiCall, receiver: Receiver) -> None:
    status, body = await call("setWebhook", url=receiver.url, secret_token="no spaces allowed")
    assert status == 400
    assert json.dumps(body).count("secret token") == 1
