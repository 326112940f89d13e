"""The /rekap exports of a province's year, and how long the event loop stalls while they are made.

    python -m bench.bench_exports                     # 200,000 complaints over 2 years: ~96,000 in the year
    python -m bench.bench_exports --complaints 20000  # a quick look

Loads a throwaway PostgreSQL database the way `bench.bench_queries` does, then times the parts of a
province's year export done on the event loop, as they once were (the rows and the report read, the XLSX
written), and then the XLSX and CSV exports as the bot makes them now (`bot.ui.report_rendering.documents`:
read and written in a worker thread). Meanwhile a ticker on the loop wakes every 5 ms and records the longest
it waited past that: the longest the bot could not have answered anyone. Not a test: it asserts nothing, it
reports.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import date
from functools import partial
from typing import TypeVar

import asyncpg
from sqlalchemy.engine import make_url

from bench.bench_queries import _build, _dsn, _load_average, dataset_arguments
from bench.dataset import NOW
from bot.ui.report_rendering import to_xlsx
from bot.ui.report_rendering.documents import FORMATS, export_in_thread
from storage.database import create_engine, session_factory
from storage.reports.figures import build_report, complaint_rows
from storage.reports.period import Period
from workflow.actors import Organisation, OrgKind
from workflow.calendar import WorkingCalendar

_T = TypeVar("_T")
TICK_S = 0.005


class LoopWatch:
    """Wakes every TICK_S on the event loop; `longest` is the worst lateness since the last `reset`."""

    def __init__(self) -> None:
        self.longest = 0.0
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._tick())

    def reset(self) -> None:
        self.longest = 0.0

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    async def _tick(self) -> None:
        while True:
            before = time.perf_counter()
            await asyncio.sleep(TICK_S)
            self.longest = max(self.longest, time.perf_counter() - before - TICK_S)


async def main() -> None:
    options = _arguments()
    admin_url = make_url(options.database_url)
    if options.reuse:
        await _measure(admin_url.set(database=options.reuse).render_as_string(hide_password=False))
        return
    name = f"laporgub_bench_exports_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = await asyncpg.connect(_dsn(admin_url))
    await admin.execute(f'CREATE DATABASE "{name}"')
    url = admin_url.set(database=name)
    try:
        await _build(options, url.render_as_string(hide_password=False), _dsn(url))
        await _measure(url.render_as_string(hide_password=False))
    finally:
        if options.keep:
            print(f"kept database {name}: measure it again with --reuse {name}")
        else:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def _measure(url: str) -> None:
    engine = create_engine(url, pool_size=8)
    sessions = session_factory(engine)
    calendar = WorkingCalendar()
    province = Organisation(1, OrgKind.PROVINCE, "JATENG", "Pemerintah Provinsi Jawa Tengah")
    year = Period(date(NOW.year, 1, 1), date(NOW.year, 12, 31))
    watch = LoopWatch()
    watch.start()

    async def timed(label: str, work: Callable[[], Awaitable[_T]], where: str) -> _T:
        watch.reset()
        started = time.perf_counter()
        result = await work()
        took = time.perf_counter() - started
        await asyncio.sleep(2 * TICK_S)  # let the ticker record a stall that ended just now
        print(f"{label:<34}{where:<10}{took:>9.2f}{watch.longest * 1000:>16.0f}")
        return result

    print(f"load average before: {_load_average()}")
    print(f"{'step':<34}{'runs on':<10}{'s':>9}{'loop stall ms':>16}")
    try:
        rows = await timed(
            "rows read on the loop",
            lambda: complaint_rows(sessions, calendar, province, year, now=NOW),
            "loop",
        )
        report = await timed(
            "report read on the loop",
            lambda: build_report(sessions, calendar, province, year, now=NOW),
            "loop",
        )

        async def on_the_loop() -> bytes:
            return to_xlsx(report, rows, "id")

        await timed("XLSX written on the loop", on_the_loop, "loop")
        sizes = {}
        for fmt in FORMATS:
            sizes[fmt] = len(
                await timed(
                    f"{fmt.upper()} export as the bot makes it",
                    partial(export_in_thread, sessions, calendar, province, year, fmt, "id", now=NOW),
                    "thread",
                )
            )
        print(
            f"  {len(rows):,} rows of {year.first_day.year}; XLSX {sizes['xlsx'] / 1e6:.1f} MB, "
            f"CSV {sizes['csv'] / 1e6:.1f} MB"
        )
        print(f"load average after: {_load_average()}")
    finally:
        await watch.stop()
        await engine.dispose()


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    dataset_arguments(parser, complaints=200_000, years=2)
    return parser.parse_args()


if __name__ == "__main__":
    asyncio.run(main())
