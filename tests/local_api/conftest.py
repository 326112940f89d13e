"""Fixtures: a fresh local Bot API per test, raw HTTP access to it, and an aiogram Bot pointed at it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession

from bot.dev.local_api import LocalBotApi, ServerConfig, SimUser
from tests.local_api.helpers import BOT_USERNAME, TOKEN, USER_ID, ApiCall


@pytest.fixture
async def local_api() -> AsyncIterator[LocalBotApi]:
    api = LocalBotApi(ServerConfig.for_tests())
    api.add_bot(TOKEN, BOT_USERNAME, "LaporGub Test")
    await api.start()
    yield api
    await api.stop()


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
def call(local_api: LocalBotApi, http: aiohttp.ClientSession) -> ApiCall:
    """``await call("sendMessage", chat_id=1, text="x")`` → (HTTP status, decoded JSON), sent as JSON."""

    async def invoke(
        method: str, *, token: str = TOKEN, verb: str = "POST", **params: Any
    ) -> tuple[int, dict[str, Any]]:
        url = f"{local_api.base_url}/bot{token}/{method}"
        if verb == "GET":
            request = http.get(url, params={key: str(value) for key, value in params.items()})
        else:
            request = http.post(url, json=params)
        async with request as response:
            return response.status, await response.json()

    return invoke


@pytest.fixture
async def user(local_api: LocalBotApi) -> SimUser:
    """A person who has started the bot, so the bot may write to them."""
    person = local_api.user(USER_ID, "Budi", username="budi_santoso", language_code="id")
    await person.send_command("/start")
    return person


@pytest.fixture
async def bot(local_api: LocalBotApi) -> AsyncIterator[Bot]:
    client = Bot(TOKEN, session=AiohttpSession(api=local_api.aiogram_server()))
    yield client
    await client.session.close()
