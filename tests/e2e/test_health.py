"""Polling mode's /healthz, /readyz and /metrics (HEALTH_PORT), against the local Bot API server."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from datetime import timedelta

import aiohttp
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app.runner import run
from bot.app.settings import Settings
from bot.dev.local_api import LocalBotApi
from storage import models
from storage.database import session_factory
from storage.models import utcnow
from tests.conftest import World, draft_for
from tests.e2e.chat import Reporter
from tests.e2e.conftest import TEST_SENDER, TOKEN, free_port


def sample(exposition: str, name: str, missing: float | None = None) -> float:
    for line in exposition.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[-1])
    if missing is not None:
        return missing
    raise AssertionError(f"{name} not in:\n{exposition}")


@pytest.fixture
async def health_url(local_api: LocalBotApi, clean_engine: AsyncEngine) -> AsyncIterator[str]:
    port = free_port()
    settings = Settings(
        _env_file=None,
        bot_token=TOKEN,
        telegram_api_base=local_api.base_url,
        database_url=clean_engine.url.render_as_string(hide_password=False),
        scheduler_interval_seconds=0.2,
        health_port=port,
        sender_in_bot=False,  # nothing delivers: the outbox can be seen stuck
        **TEST_SENDER,
    )
    bot = asyncio.create_task(run(settings))
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        async with aiohttp.ClientSession() as http:
            while True:
                assert not bot.done(), bot.exception()
                with contextlib.suppress(aiohttp.ClientError):
                    async with http.get(url + "/healthz") as response:
                        if response.status == 200:
                            break
                assert time.monotonic() < deadline, "no /healthz"
                await asyncio.sleep(0.1)
        yield url
    finally:
        bot.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await bot


async def get(url: str) -> tuple[int, str]:
    async with aiohttp.ClientSession() as http, http.get(url) as response:
        return response.status, await response.text()


async def test_polling_serves_health_readiness_and_metrics(
    health_url: str, local_api: LocalBotApi, clean_engine: AsyncEngine, world: World
) -> None:
    assert await get(health_url + "/healthz") == (200, '{"status": "ok"}')
    status, body = await get(health_url + "/readyz")
    assert (status, body) == (200, '{"status": "ready"}')

    _, before = await get(health_url + "/metrics")
    handled_before = (
        sample(before, 'laporgub_updates_total{outcome="handled"}') if "outcome=" in before else 0.0
    )
    reporter = Reporter(local_api.user(7801, "Siti"))
    await reporter.command("/start")
    await reporter.expect_key("welcome")
    world.clock.now = utcnow() - timedelta(days=10)
    await world.complaints.submit(draft_for(world.reporter), world.reporter.as_actor())

    deadline = time.monotonic() + 10
    while True:
        _, body = await get(health_url + "/metrics")
        if sample(body, 'laporgub_updates_total{outcome="handled"}') >= handled_before + 1:
            break
        assert time.monotonic() < deadline
        await asyncio.sleep(0.1)
    assert sample(body, 'laporgub_complaints{kind="laporgub",state="at_province"}') == 1
    assert sample(body, 'laporgub_complaints_overdue{kind="laporgub",state="at_province"}') == 1
    assert sample(body, "laporgub_scheduler_last_pass_timestamp_seconds") > time.time() - 60
    assert sample(body, "laporgub_outbox_pending") >= 1
    assert "laporgub_update_handling_seconds_bucket" in body


async def test_a_stuck_outbox_makes_the_process_not_ready(health_url: str, clean_engine: AsyncEngine) -> None:
    async with session_factory(clean_engine).begin() as session:
        session.add(
            models.OutboxMessage(
                chat_id=42,
                kind="test",
                payload={},
                next_attempt_at=utcnow(),
                created_at=utcnow() - timedelta(minutes=11),
                dedupe_key="health:stuck",
            )
        )
    status, body = await get(health_url + "/readyz")
    assert status == 503
    assert "outbox stuck" in body
    assert (await get(health_url + "/healthz"))[0] == 200
    _, metrics = await get(health_url + "/metrics")
    assert sample(metrics, "laporgub_outbox_oldest_pending_age_seconds") >= 660
