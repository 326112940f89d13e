"""Migration 0022 on existing data (SQLite and PostgreSQL): each relay gets the event of its complaint at its
version, a relay is then unique per complaint and event (several may share a duplicate's version), and
downgrading drops the relays of another complaint's steps before one relay per version comes back."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.database import alembic_config, create_engine, migrate

ROWS = [
    "INSERT INTO organisations (id, code, name, kind, active, created_at) "
    "VALUES (1, 'KOTA-PKL', 'Dinkominfo Kota Pekalongan', 'city', true, :at)",
    "INSERT INTO admins (id, telegram_id, full_name, role, org_id, active, created_at) "
    "VALUES (1, 4001, 'Petugas', 'officer', 1, true, :at)",
    "INSERT INTO reporters (id, telegram_id, full_name, nik, phone, address, language, created_at, "
    "updated_at) VALUES (1, NULL, 'Karsinah', '3375014507900003', '+6281234561234', 'Jl. Merdeka', 'id', "
    ":at, :at)",
    *(
        "INSERT INTO complaints (id, tracking_number, kind, state, version, reporter_id, channel, "
        "confidential, subject, chronology, event_date, event_place, received_at, deadline, updated_at) "
        f"VALUES ({number}, 'LG-2026-00000{number}', 'laporgub', 'at_city', 2, 1, 'telephone', false, "
        "'Lampu mati', 'Sejak dua minggu.', '2026-11-20', 'Jl. Seruni', :at, :at, :at)"
        for number in (1, 2)
    ),
    *(
        "INSERT INTO complaint_events (id, complaint_id, version, trigger, from_state, to_state, actor_role, "
        f"actor_name, at) VALUES ({event_id}, {complaint_id}, {version}, '{trigger}', 'a', 'b', 'officer', "
        "'Petugas', :at)"
        for event_id, complaint_id, version, trigger in [
            (10, 1, 1, "submit"),
            (11, 1, 2, "dispose"),
            (20, 2, 1, "submit"),
            (21, 2, 2, "forward"),
        ]
    ),
    "INSERT INTO relays (id, complaint_id, complaint_version, officer_admin_id, trigger, created_at) "
    "VALUES (1, 1, 1, 1, 'submit', :at)",
]
RELAY = (
    "INSERT INTO relays (id, complaint_id, complaint_version, event_id, officer_admin_id, trigger, "
    "created_at) VALUES (:id, 1, 2, :event_id, 1, :trigger, :at)"
)


async def _check(engine: AsyncEngine) -> None:
    await migrate(engine, "0021")
    at = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)
    async with engine.begin() as connection:
        for statement in ROWS:
            await connection.execute(text(statement), {"at": at})
    await migrate(engine)
    async with engine.connect() as connection:
        backfilled = (await connection.execute(text("SELECT id, event_id FROM relays"))).all()
    assert backfilled == [(1, 10)]
    # Complaint 1 follows complaint 2: its forward is relayed at complaint 1's version 2, as its own step is.
    async with engine.begin() as connection:
        await connection.execute(text(RELAY), {"id": 2, "event_id": 11, "trigger": "dispose", "at": at})
        await connection.execute(text(RELAY), {"id": 3, "event_id": 21, "trigger": "forward", "at": at})
    with pytest.raises(IntegrityError):
        async with engine.begin() as connection:
            await connection.execute(text(RELAY), {"id": 4, "event_id": 21, "trigger": "forward", "at": at})

    def downgrade(connection: Connection) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.downgrade(config, "0021")

    async with engine.begin() as connection:
        await connection.run_sync(downgrade)
    async with engine.connect() as connection:
        kept = (await connection.execute(text("SELECT id FROM relays ORDER BY id"))).scalars().all()
    assert kept == [1, 2]
    with pytest.raises(IntegrityError):
        async with engine.begin() as connection:
            await connection.execute(
                text(
                    "INSERT INTO relays (id, complaint_id, complaint_version, officer_admin_id, trigger, "
                    "created_at) VALUES (5, 1, 2, 1, 'forward', :at)"
                ),
                {"at": at},
            )


async def test_0022_on_sqlite(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'old.db'}")
    try:
        await _check(engine)
    finally:
        await engine.dispose()


async def test_0022_on_postgresql(fresh_postgres: str) -> None:
    engine = create_engine(fresh_postgres)
    try:
        await _check(engine)
    finally:
        await engine.dispose()
