"""Migration 0015 on existing data (SQLite and PostgreSQL): complaints whose reporter has no Telegram account
(recorded by an officer) are answered for by officers; every other complaint's complainant answers in the
bot."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.database import create_engine, migrate

REPORTER = (
    "INSERT INTO reporters (id, telegram_id, full_name, nik, phone, address, language, created_at, "
    "updated_at) VALUES (:id, :telegram_id, 'Karsinah', '3375014507900003', '+6281234561234', "
    "'Jl. Merdeka', 'id', :at, :at)"
)
COMPLAINT = (
    "INSERT INTO complaints (id, tracking_number, kind, state, version, reporter_id, channel, confidential, "
    "subject, chronology, event_date, event_place, received_at, deadline, updated_at) VALUES (:id, :number, "
    "'laporgub', 'resolved', 7, :reporter_id, :channel, false, 'Jalan rusak', 'Sejak seminggu lalu.', "
    "'2026-11-20', 'Jl. Hayam Wuruk', :at, :at, :at)"
)


async def _check(engine: AsyncEngine) -> None:
    await migrate(engine, "0014")
    at = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)
    async with engine.begin() as connection:
        await connection.execute(text(REPORTER), {"id": 1, "telegram_id": None, "at": at})
        await connection.execute(text(REPORTER), {"id": 2, "telegram_id": 9001, "at": at})
        for complaint_id, reporter_id, channel in ((1, 1, "telephone"), (2, 2, "telegram")):
            await connection.execute(
                text(COMPLAINT),
                {
                    "id": complaint_id,
                    "number": f"LG-2026-00000{complaint_id}",
                    "reporter_id": reporter_id,
                    "channel": channel,
                    "at": at,
                },
            )
    await migrate(engine)
    async with engine.connect() as connection:
        rows = await connection.execute(text("SELECT id, complainant_in_bot FROM complaints ORDER BY id"))
        assert [(row[0], bool(row[1])) for row in rows] == [(1, False), (2, True)]


async def test_0015_on_sqlite(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'old.db'}")
    try:
        await _check(engine)
    finally:
        await engine.dispose()


async def test_0015_on_postgresql(fresh_postgres: str) -> None:
    engine = create_engine(fresh_postgres)
    try:
        await _check(engine)
    finally:
        await engine.dispose()
