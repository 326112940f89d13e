"""Hardening: what bad input of every kind gets, through the real dispatcher on both databases.

Property tests run a bounded number of examples by default (profile "ci"); HYPOTHESIS_PROFILE=long runs
many more (README, "Bad input").
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator

import pytest
from hypothesis import HealthCheck, settings
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.dev.local_api import LocalBotApi
from tests.conftest import World
from tests.e2e.conftest import local_api, mode, running_bot
from tests.hardening.harness import Feed

__all__ = ["feed", "local_api", "mode", "running_bot"]

# Examples share the test's database and server (a fixture per test, not per example): each one is a new
# update on top of the previous ones, as in a real chat.
_COMMON = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
}
settings.register_profile("ci", max_examples=60, **_COMMON)
settings.register_profile("long", max_examples=2000, **_COMMON)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture
async def feed(local_api: LocalBotApi, clean_engine: AsyncEngine, world: World) -> AsyncIterator[Feed]:
    running = Feed(local_api, clean_engine, world)
    await running.start()
    yield running
    await running.stop()
