"""The throughput bench at a tiny size: it must run end to end and every complaint it files must go through
all seven steps. Its figures are only checked to be printed and positive; speed is the bench's business."""

from __future__ import annotations

import math
import os
from dataclasses import replace

import pytest

from bench.throughput import Report, Sizes, render, run
from tests.backends import PostgresUnavailable

TINY = Sizes(
    echo_single=10,
    echo_updates=50,
    ptb_updates=30,
    durable_updates=50,
    single=1,
    saturated=2,
    concurrency=3,
    half=1,
    open_conversations=20,
    open_via_bot=10,
    notifications=5,
    sender_rate=20.0,
    lanes=2,
    province_admins=2,
    profile=False,
    stats_settle_s=0.6,  # the figures are not checked here, and each phase would wait 10.5 s for them
)


async def run_or_skip(sizes: Sizes) -> Report:
    try:
        return await run(sizes, out=lambda _line: None)
    except PostgresUnavailable as error:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI needs PostgreSQL: {error}")
        pytest.skip(f"PostgreSQL unavailable: {error}")


async def test_a_tiny_run_files_every_complaint_through_the_seven_steps_and_prints_the_figures() -> None:
    report = await run_or_skip(TINY)

    # warm-up + one at a time + saturated + half
    assert len(report.numbers) == 1 + TINY.single + TINY.saturated + TINY.half
    assert len(set(report.numbers)) == len(report.numbers)
    assert report.unfinished == []

    figures = [
        *(value for echo in report.echoes for value in (echo.drain.updates_per_s, echo.peak_rss_mb)),
        *(echo.single.p99_ms for echo in report.echoes),
        *(phase.updates_per_s for phase in report.ours),
        *(phase.latencies.p99_ms for phase in report.ours),
        report.phase("saturated").complaints_per_s,
        report.our_peak_rss_mb,
    ]
    assert all(value > 0 and math.isfinite(value) for value in figures), figures
    assert [echo.name for echo in report.echoes] == [
        "aiogram echo",
        "python-telegram-bot echo",
        "aiogram echo + update marks",
        "aiogram echo + marks + conversation",
    ]
    assert report.open_conversations == TINY.open_conversations
    assert report.sender is not None
    assert report.sender.sent == TINY.notifications
    assert report.sender.achieved > 0

    printed = render(report)
    for line in (
        "updates/s",
        "p99 ms",
        "peak RSS",
        "ours saturated / aiogram echo drain",
        "ours saturated / aiogram echo + marks + conversation drain",
        "sender:",
        "targets:",
        # Issue 15's figures, each with its target.
        "PostgreSQL transactions per update of ours <= 3",
        "bot CPU per update (sender inside) <= 2x the durable floor's",
        "ours saturated >= 50% of the durable floor's drain",
        "one update in flight, p50 <= 1.5x the durable floor's",
    ):
        assert line in printed
    assert f"through all seven steps {len(report.numbers)}" in printed


async def test_a_tiny_run_with_the_sender_in_a_process_of_its_own_takes_every_complaint_through() -> None:
    """Cards reach the admins only through the other process (woken by PostgreSQL's notifications)."""
    sizes = replace(TINY, echo=False, durable=False, sender_apart=True)
    report = await run_or_skip(sizes)
    assert len(report.numbers) == 1 + TINY.single + TINY.saturated + TINY.half
    assert report.unfinished == []
    assert "the outbox sender in a process of its own" in render(report)
