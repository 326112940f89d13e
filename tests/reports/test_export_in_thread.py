"""An export read and written in a worker thread, on its own engine, is the export of the bot's own engine."""

from __future__ import annotations

import io
from datetime import UTC

from openpyxl import load_workbook
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from bot.ui.report_rendering import to_csv, to_xlsx
from bot.ui.report_rendering.documents import _second_engine_url, export_in_thread
from storage.database import session_factory
from storage.reports.figures import build_report, complaint_rows
from tests.conftest import World
from tests.reports.december import CALENDAR, DECEMBER, NOW, build_december


def cells(document: bytes) -> dict[str, list[tuple[object, ...]]]:
    book = load_workbook(io.BytesIO(document), read_only=True)
    return {name: list(book[name].iter_rows(values_only=True)) for name in book.sheetnames}


async def test_the_threaded_export_is_the_same_document(world: World, clean_engine: AsyncEngine) -> None:
    await build_december(world)
    now = NOW.astimezone(UTC)
    sessions, scope = world.complaints.sessions, world.orgs["JATENG"]
    assert _second_engine_url(sessions) is not None  # a file or a server: read on a second engine
    rows = await complaint_rows(sessions, CALENDAR, scope, DECEMBER, now=now)
    report = await build_report(sessions, CALENDAR, scope, DECEMBER, now=now)
    assert len(rows) == 7

    csv = await export_in_thread(sessions, CALENDAR, scope, DECEMBER, "csv", "id", now=now)
    assert csv == to_csv(rows, "id")
    xlsx = await export_in_thread(sessions, CALENDAR, scope, DECEMBER, "xlsx", "en", now=now)
    assert cells(xlsx) == cells(to_xlsx(report, rows, "en"))


async def test_an_in_memory_database_is_read_on_the_bot_engine() -> None:
    engine = create_async_engine("sqlite+aiosqlite://")
    try:
        assert _second_engine_url(session_factory(engine)) is None
    finally:
        await engine.dispose()
