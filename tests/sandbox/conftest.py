"""A sandbox per test on a free port, its own SQLite file and a clock that starts at a chosen moment."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import pytest

from bot.dev.local_api import RateLimits
from bot.dev.sandbox import Sandbox, SandboxClock
from workflow.calendar import WorkingCalendar

# Wednesday 23 December 2026, 10:00 WIB: the next working day is Monday the 28th (joint leave, Christmas,
# weekend in between).
BEFORE_CHRISTMAS = datetime(2026, 12, 23, 3, 0, tzinfo=UTC)
# Telegram-like flood control, loosened only enough that one scripted person never waits on it.
TEST_RATE_LIMITS = RateLimits(
    enabled=True, per_chat_rate=30.0, per_chat_burst=30, global_rate=300.0, global_burst=300
)
WAIT_S = 10.0


class FrozenRealTime:
    """What the sandbox clock believes the real time is; a test moves it instead of sleeping."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def real_time() -> FrozenRealTime:
    return FrozenRealTime(BEFORE_CHRISTMAS)


@pytest.fixture
async def sandbox(tmp_path: Path, real_time: FrozenRealTime) -> AsyncIterator[Sandbox]:
    clock = SandboxClock(WorkingCalendar(), real=real_time)
    async with Sandbox(
        port=0, database=tmp_path / "sandbox.sqlite3", clock=clock, rate_limits=TEST_RATE_LIMITS
    ) as running:
        yield running


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as session:
        yield session
