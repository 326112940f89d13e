"""With REDIS_URL set, a half-filed complaint lives in Redis, and a restarted bot carries on from there."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app.settings import Mode
from bot.dev.local_api import LocalBotApi
from storage import models
from storage.database import session_factory
from tests.backends import redis_url
from tests.conftest import World
from tests.e2e.chat import Reporter
from tests.e2e.conftest import RunningBot
from tests.e2e.scripts import start_filing

REDIS_URL = redis_url("TEST_REDIS_URL", 15)
PERSON = 7611


@pytest.fixture
async def redis_url() -> str:
    from redis.asyncio import Redis

    client = Redis.from_url(REDIS_URL)
    try:
        await client.ping()
        for key in await client.keys(f"fsm:*{PERSON}*"):
            await client.delete(key)
    except OSError as error:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI needs Redis: {error}")
        pytest.skip(f"Redis at {REDIS_URL} unreachable: {error}")
    finally:
        await client.aclose()
    return REDIS_URL


async def test_filing_continues_from_redis_after_a_restart(
    local_api: LocalBotApi, clean_engine: AsyncEngine, world: World, redis_url: str
) -> None:
    from redis.asyncio import Redis

    running = RunningBot(local_api, clean_engine, world, Mode.WEBHOOK, redis_url=redis_url)
    await running.start()
    try:
        reporter = Reporter(local_api.user(PERSON, "Sekar", phone_number="6281234567897"))
        await start_filing(reporter)
        await reporter.expect_prompt("full_name", 1)
        await reporter.send("Sekar Ayu")
        await reporter.expect_prompt("nik", 2)

        await running.restart()
        client = Redis.from_url(redis_url)
        try:
            states = [await client.get(key) for key in await client.keys(f"fsm:*{PERSON}*:state")]
        finally:
            await client.aclose()
        assert states == [b"Filing:nik"]
        async with session_factory(clean_engine)() as session:
            assert await session.scalar(select(func.count()).select_from(models.FsmRecord)) == 0

        await reporter.send("3375014507900002")
        await reporter.expect_prompt("phone", 3)
    finally:
        await running.stop()
