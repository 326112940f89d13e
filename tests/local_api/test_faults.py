"""Fault injection: shares of 500s and 429s, delays, method filters, seeded determinism."""

from __future__ import annotations

import time

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramRetryAfter, TelegramServerError

from bot.dev.local_api import CHAT_ACTION_METHODS, Faults, LocalBotApi
from tests.local_api.helpers import ApiCall


async def statuses(call: ApiCall, count: int, method: str = "getMe") -> list[int]:
    return [(await call(method))[0] for _ in range(count)]


async def test_500_and_429_at_roughly_the_configured_share(local_api: LocalBotApi, call: ApiCall) -> None:
    local_api.set_faults(error_500_share=0.2, error_429_share=0.1, retry_after=2, seed=7)
    results = await statuses(call, 300)
    assert 0.13 < results.count(500) / 300 < 0.27
    assert 0.05 < results.count(429) / 300 < 0.16
    assert set(results) == {200, 429, 500}
    injected = [record for record in local_api.requests() if record.fault]
    assert len(injected) == results.count(500) + results.count(429)


async def test_fault_bodies_look_like_telegram(local_api: LocalBotApi, call: ApiCall) -> None:
    local_api.set_faults(error_429_share=1.0, retry_after=3)
    assert await call("getMe") == (
        429,
        {
            "ok": False,
            "error_code": 429,
            "description": "Too Many Requests: retry after 3",
            "parameters": {"retry_after": 3},
        },
    )
    local_api.set_faults(error_500_share=1.0)
    assert await call("getMe") == (
        500,
        {"ok": False, "error_code": 500, "description": "Internal Server Error"},
    )


async def test_aiogram_sees_the_injected_errors(local_api: LocalBotApi, bot: Bot) -> None:
    local_api.set_faults(error_500_share=1.0)
    with pytest.raises(TelegramServerError):
        await bot.get_me()
    local_api.set_faults(error_429_share=1.0, retry_after=5)
    with pytest.raises(TelegramRetryAfter) as caught:
        await bot.get_me()
    assert caught.value.retry_after == 5


async def test_delay(local_api: LocalBotApi, call: ApiCall) -> None:
    local_api.set_faults(delay_share=1.0, delay_seconds=0.3)
    started = time.monotonic()
    assert (await call("getMe"))[0] == 200
    assert time.monotonic() - started >= 0.3
    assert local_api.requests()[-1].fault == "delay 0.3s"


async def test_faults_limited_to_some_methods(local_api: LocalBotApi, call: ApiCall) -> None:
    local_api.set_faults(error_500_share=1.0, methods=frozenset({"sendMessage"}))
    assert set(await statuses(call, 5)) == {200}
    assert (await call("sendMessage", chat_id=1, text="x"))[0] == 500


async def test_same_seed_same_sequence(local_api: LocalBotApi, call: ApiCall) -> None:
    local_api.set_faults(Faults(error_500_share=0.5, seed=42))
    first = await statuses(call, 40)
    local_api.set_faults(Faults(error_500_share=0.5, seed=42))
    assert await statuses(call, 40) == first
    local_api.set_faults()
    assert set(await statuses(call, 10)) == {200}


async def test_chat_action_methods_preset_spares_polling(local_api: LocalBotApi, call: ApiCall) -> None:
    local_api.set_faults(error_500_share=1.0, methods=CHAT_ACTION_METHODS)
    assert (await call("getUpdates"))[0] == 200
    assert (await call("answerCallbackQuery", callback_query_id="1"))[0] == 500
