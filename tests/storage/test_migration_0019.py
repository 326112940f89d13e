"""Migration 0019 on existing data (SQLite and PostgreSQL): the LaporGub complaints filed before it get their
stored words, the same ones filing stores now; service complaints get none; downgrading removes them."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.database import alembic_config, create_engine, migrate
from storage.duplicates import terms_of

REPORTER = (
    "INSERT INTO reporters (id, telegram_id, full_name, nik, phone, address, language, created_at, "
    "updated_at) VALUES (1, 9001, 'Karsinah', '3375014507900003', '+6281234561234', 'Jl. Merdeka', 'id', "
    ":at, :at)"
)
COMPLAINT = (
    "INSERT INTO complaints (id, tracking_number, kind, state, version, reporter_id, channel, confidential, "
    "subject, chronology, event_date, event_place, received_at, deadline, updated_at) VALUES (:id, :number, "
    ":kind, 'at_city', 2, 1, 'telegram', false, :subject, :chronology, '2026-11-20', :place, :at, :at, :at)"
)
OLD = [
    (
        1,
        "laporgub",
        "Lampu jalan mati di Jl. Seruni",
        "Empat lampu PJU padam sejak dua minggu.",
        "Jl. Seruni",
    ),
    (2, "service", "Antrean loket lama", "Menunggu tiga jam di loket.", "Kantor Dinkominfo"),
]


async def _check(engine: AsyncEngine) -> None:
    await migrate(engine, "0018")
    at = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)
    async with engine.begin() as connection:
        await connection.execute(text(REPORTER), {"at": at})
        for complaint_id, kind, subject, chronology, place in OLD:
            await connection.execute(
                text(COMPLAINT),
                {
                    "id": complaint_id,
                    "number": f"LG-2026-00000{complaint_id}",
                    "kind": kind,
                    "subject": subject,
                    "chronology": chronology,
                    "place": place,
                    "at": at,
                },
            )
    await migrate(engine)
    async with engine.connect() as connection:
        rows = (await connection.execute(text("SELECT complaint_id, term FROM complaint_terms"))).all()
    assert sorted(term for complaint_id, term in rows if complaint_id == 1) == terms_of(*OLD[0][2:])
    assert {"seruni", "lampu"} <= {term for _, term in rows}
    assert all(complaint_id == 1 for complaint_id, _ in rows)

    def downgrade(connection: Connection) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.downgrade(config, "0018")

    async with engine.begin() as connection:
        await connection.run_sync(downgrade)
    async with engine.connect() as connection:
        tables = await connection.run_sync(lambda sync: set(inspect(sync).get_table_names()))
        columns = await connection.run_sync(
            lambda sync: {c["name"] for c in inspect(sync).get_columns("complaints")}
        )
    assert "complaint_terms" not in tables
    assert "duplicate_of_id" not in columns


async def test_0019_on_sqlite(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'old.db'}")
    try:
        await _check(engine)
    finally:
        await engine.dispose()


async def test_0019_on_postgresql(fresh_postgres: str) -> None:
    engine = create_engine(fresh_postgres)
    try:
        await _check(engine)
    finally:
        await engine.dispose()
