"""Two sender processes' worth of senders, on PostgreSQL, sharing one rate limit through Redis: together
they stay within the server's rates, and every message arrives once, in order."""

from __future__ import annotations

import asyncio
import os
import uuid

import pytest
from aiogram import Bot
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.dev.local_api import LocalBotApi
from bot.notices.sender import OutboxSender
from bot.notices.shared_rate import RedisRateGate
from tests.backends import redis_url
from tests.sender.test_outbox_sender import (
    CHATS,
    FAST,
    PER_CHAT,
    assert_no_rate_exceeded,
    bot,
    deliver_with,
    fill_outbox,
    local_api,
    texts_received,
)

__all__ = ["bot", "local_api"]  # fixtures

REDIS_URL = redis_url("TEST_REDIS_URL", 15)


@pytest.fixture
async def redis_url() -> str:
    from redis.asyncio import Redis

    client = Redis.from_url(REDIS_URL)
    try:
        await client.ping()
    except OSError as error:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI needs Redis: {error}")
        pytest.skip(f"Redis at {REDIS_URL} unreachable: {error}")
    finally:
        await client.aclose()
    return REDIS_URL


async def test_two_senders_together_keep_within_the_rates(
    clean_engine: AsyncEngine, local_api: LocalBotApi, bot: Bot, redis_url: str
) -> None:
    if clean_engine.dialect.name != "postgresql":
        pytest.skip("competing senders are a PostgreSQL deployment")
    outbox = await fill_outbox(clean_engine)
    scope = f"test-{uuid.uuid4().hex[:8]}"
    # Each alone at the server's rates (45/s of 50, one per 0.22 s of 5/s): together only if they share.
    gates = [RedisRateGate.from_url(redis_url, scope, global_rate=45.0, per_chat_interval=0.22) for _ in "ab"]
    senders = [
        OutboxSender(outbox, deliver_with(bot), gate=gate, settings=FAST, sender_id=f"sender-{name}")
        for gate, name in zip(gates, "ab", strict=True)
    ]
    try:
        await asyncio.gather(*(sender.drain(within=60) for sender in senders))
    finally:
        for gate in gates:
            await gate.close()
    for chat in CHATS:
        assert texts_received(local_api, chat) == [f"pesan {n} untuk {chat}" for n in range(PER_CHAT)]
    assert_no_rate_exceeded(local_api)
    sends = local_api.requests("sendMessage", ok=True)
    assert len(sends) == len(CHATS) * PER_CHAT
