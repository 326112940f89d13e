"""A /rekap export made whole, reading included, away from the bot's event loop.

Writing a province's year (~96,000 rows) takes about a minute of CPU, and reading its rows several seconds
more, most of it Python decoding rows and working out their timings: on the event loop either would stop
the bot answering anyone (`python -m bench.bench_exports` measured a ~4 s stall for the read alone). So
`export_in_thread` does both in a worker thread, reading on a short-lived engine of its own (an engine's
connections belong to the event loop that opened them). Only an in-memory SQLite database, which no second
engine can see, is read on the loop; its documents are still written in the thread.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Literal

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.pool import NullPool

from bot.ui.report_rendering import exports
from storage.database import create_engine, session_factory
from storage.reports.figures import ComplaintRow, Report, build_report, complaint_rows
from storage.reports.period import Period
from workflow.actors import Organisation
from workflow.calendar import WorkingCalendar

ExportFormat = Literal["xlsx", "csv"]
FORMATS: tuple[ExportFormat, ...] = ("xlsx", "csv")


async def export_in_thread(
    sessions: async_sessionmaker[AsyncSession],
    calendar: WorkingCalendar,
    scope: Organisation,
    period: Period,
    fmt: str,
    language: str,
    *,
    now: datetime,
) -> bytes:
    """The XLSX or CSV document of `scope` over `period`, as bytes."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    url = _second_engine_url(sessions)
    if url is None:
        report, rows = await _read(sessions, calendar, scope, period, fmt, now)
        return await asyncio.to_thread(_write, report, rows, fmt, language)
    return await asyncio.to_thread(_read_and_write, url, calendar, scope, period, fmt, language, now)


def _second_engine_url(sessions: async_sessionmaker[AsyncSession]) -> str | None:
    engine = sessions.kw.get("bind")
    if not isinstance(engine, AsyncEngine):
        return None
    url = engine.url
    if url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:"):
        return None
    return url.render_as_string(hide_password=False)


def _read_and_write(
    url: str,
    calendar: WorkingCalendar,
    scope: Organisation,
    period: Period,
    fmt: str,
    language: str,
    now: datetime,
) -> bytes:
    """In the worker thread: its own event loop and engine for the read, then the writing."""

    async def read() -> tuple[Report | None, list[ComplaintRow]]:
        engine = create_engine(url, poolclass=NullPool)  # opened and closed within this one export
        try:
            return await _read(session_factory(engine), calendar, scope, period, fmt, now)
        finally:
            await engine.dispose()

    report, rows = asyncio.run(read())
    return _write(report, rows, fmt, language)


async def _read(
    sessions: async_sessionmaker[AsyncSession],
    calendar: WorkingCalendar,
    scope: Organisation,
    period: Period,
    fmt: str,
    now: datetime,
) -> tuple[Report | None, list[ComplaintRow]]:
    rows = await complaint_rows(sessions, calendar, scope, period, now=now)
    report = await build_report(sessions, calendar, scope, period, now=now) if fmt == "xlsx" else None
    return report, rows


def _write(report: Report | None, rows: list[ComplaintRow], fmt: str, language: str) -> bytes:
    if fmt == "xlsx":
        assert report is not None
        return exports.to_xlsx(report, rows, language)
    return exports.to_csv(rows, language)
