"""Prometheus metrics (`prometheus-client`), served at `/metrics`.

Counted in the process: updates handled and failed, the time handlers take, the scheduler's last pass.
Under several gunicorn workers set PROMETHEUS_MULTIPROC_DIR to an empty directory writable by all of them
(bot/app/gunicorn_conf.py clears it at start and removes a dead worker's files): every worker then writes its
counts there and any worker's `/metrics` adds them up. Read from the database at each scrape (the same from
every worker): complaints per state, overdue complaints, and the outbox.
"""

from __future__ import annotations

import os
import time
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import REGISTRY, Collector
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.models import utcnow
from storage.monitoring import Figures, read_figures

MULTIPROCESS_DIR = "PROMETHEUS_MULTIPROC_DIR"

UPDATES = Counter("laporgub_updates", "Telegram updates handled, by outcome (handled, failed)", ["outcome"])
HANDLING_SECONDS = Histogram(
    "laporgub_update_handling_seconds",
    "Time from taking an update to the end of its handlers",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
SCHEDULER_LAST_PASS = Gauge(
    "laporgub_scheduler_last_pass_timestamp_seconds",
    "When a scheduler last finished a pass (Unix time); alert on time() minus this",
    multiprocess_mode="max",
)


class CountUpdates(BaseMiddleware):
    """Counts each update handled or failed and times its handlers."""

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        started = time.perf_counter()
        try:
            result = await handler(event, data)
        except BaseException:
            UPDATES.labels(outcome="failed").inc()
            raise
        finally:
            HANDLING_SECONDS.observe(time.perf_counter() - started)
        UPDATES.labels(outcome="handled").inc()
        return result


def scheduler_passed() -> None:
    SCHEDULER_LAST_PASS.set(time.time())


class _Read(Collector):
    def __init__(self, families: list[Metric]) -> None:
        self.families = families

    def collect(self) -> Iterable[Metric]:
        return self.families


def database_families(figures: Figures) -> list[Metric]:
    complaints = GaugeMetricFamily(
        "laporgub_complaints", "Complaints by kind and state", labels=["kind", "state"]
    )
    for (kind, state), count in sorted(figures.by_state.items()):
        complaints.add_metric([kind, state], count)
    overdue = GaugeMetricFamily(
        "laporgub_complaints_overdue",
        "Unfinished complaints past their deadline, by kind and state",
        labels=["kind", "state"],
    )
    for (kind, state), count in sorted(figures.overdue.items()):
        overdue.add_metric([kind, state], count)
    now = utcnow()
    age = figures.outbox.oldest_pending_age(now)
    return [
        complaints,
        overdue,
        GaugeMetricFamily(
            "laporgub_outbox_pending", "Notices waiting to be sent", value=figures.outbox.pending
        ),
        GaugeMetricFamily(
            "laporgub_outbox_failed", "Notices Telegram refused for good", value=figures.outbox.failed
        ),
        GaugeMetricFamily(
            "laporgub_outbox_oldest_pending_age_seconds",
            "Age of the oldest notice waiting to be sent (0: none waiting)",
            value=0.0 if age is None else age.total_seconds(),
        ),
    ]


def process_registry() -> CollectorRegistry:
    if os.environ.get(MULTIPROCESS_DIR):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]  # prometheus_client: unannotated
        return registry
    return REGISTRY


async def render(engine: AsyncEngine) -> bytes:
    figures = await read_figures(engine, utcnow())
    read = CollectorRegistry()
    read.register(_Read(database_families(figures)))
    return generate_latest(process_registry()) + generate_latest(read)
