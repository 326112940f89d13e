"""The restore drill, on both backends: file, back up, wipe, restore, and the bot goes on — complaints,
events and outbox rows intact, the next complaint numbered after the restored ones."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.attachment_keeper import FileShelf
from storage import models
from storage.backup import BackupError, backup, restore
from storage.complaints import ComplaintService
from storage.database import create_engine, migrate, session_factory
from storage.directory import Directory
from tests.conftest import START, FakeClock, draft_for
from workflow.actors import OrgKind, Role
from workflow.calendar import WorkingCalendar
from workflow.definitions import T
from workflow.identity import Identity

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database of this test's own, on each backend."""
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'drill.sqlite3'}"
    return str(request.getfixturevalue("fresh_postgres"))


async def file_and_dispose(engine: AsyncEngine) -> ComplaintService:
    sessions = session_factory(engine)
    directory = Directory(sessions)
    service = ComplaintService(sessions, WorkingCalendar(), clock=FakeClock(START))
    await directory.add_organisation(code="JATENG", name="Pemprov Jawa Tengah", kind=OrgKind.PROVINCE)
    await directory.add_organisation(
        code="KOTA-PKL", name="Dinkominfo Kota Pekalongan", kind=OrgKind.CITY, parent_code="JATENG"
    )
    province = await directory.add_admin(telegram_id=1001, role=Role.PROVINCE, org_code="JATENG")
    await directory.add_admin(telegram_id=2001, role=Role.CITY, org_code="KOTA-PKL")
    reporter = await directory.save_reporter(
        telegram_id=9001,
        identity=Identity("Rina Marlina", "3375014507900002", "+6281234567801", "Jl. Sriwijaya No. 12"),
    )
    city = await directory.organisation_by_code("KOTA-PKL")
    assert city is not None
    for _ in range(2):
        complaint = await service.submit(draft_for(reporter), reporter.as_actor())
        await service.fire(
            complaint.id,
            province.as_actor(),
            T.DISPOSE,
            seen_version=complaint.version,
            target_org_id=city.id,
        )
    return service


async def contents(engine: AsyncEngine) -> dict[str, list[tuple[object, ...]]]:
    tables = {
        "complaints": select(models.Complaint.id, models.Complaint.tracking_number, models.Complaint.state),
        "events": select(models.ComplaintEvent.id, models.ComplaintEvent.trigger),
        "outbox": select(models.OutboxMessage.id, models.OutboxMessage.chat_id, models.OutboxMessage.kind),
        "reporters": select(models.Reporter.id, models.Reporter.nik),
    }
    async with engine.connect() as connection:
        return {
            name: [tuple(row) for row in await connection.execute(query)] for name, query in tables.items()
        }


async def wipe(engine: AsyncEngine, url: str) -> None:
    if engine.dialect.name == "sqlite":
        await engine.dispose()
        os.unlink(url.split("///", 1)[1])
        return
    async with engine.begin() as connection:
        await connection.execute(text("DROP SCHEMA public CASCADE"))
        await connection.execute(text("CREATE SCHEMA public"))


async def test_the_restore_drill_brings_everything_back_and_the_bot_goes_on(
    database: str, tmp_path: Path
) -> None:
    engine = create_engine(database)
    try:
        await migrate(engine)
        await file_and_dispose(engine)
        before = await contents(engine)
        assert len(before["complaints"]) == 2
        assert before["outbox"]

        shelf = FileShelf(tmp_path / "attachments")
        kept = [shelf.put(b"foto jalan berlubang"), shelf.put(b"%PDF-1.4 hasil perbaikan")]
        archive = await backup(database, tmp_path / "backups" / "laporgub.tar.gz", shelf.root)
        assert archive.backend == engine.dialect.name
        with tarfile.open(archive.path) as tar:
            names = set(tar.getnames())
        suffix = "pgdump" if archive.backend == "postgresql" else "sqlite3"
        assert {"manifest.json", f"database.{suffix}", *(f"attachments/{k[:2]}/{k}" for k in kept)} == names

        await wipe(engine, database)
        shutil.rmtree(shelf.root)
        engine = create_engine(database)
        await restore(database, archive.path, shelf.root)
        assert await contents(engine) == before
        assert [shelf.read(sha256) for sha256 in kept] == [
            b"foto jalan berlubang",
            b"%PDF-1.4 hasil perbaikan",
        ]

        # The bot goes on: it migrates (nothing to do), and the next complaint follows the restored ones.
        await migrate(engine)
        sessions = session_factory(engine)
        reporter = await Directory(sessions).reporter_by_telegram_id(9001)
        assert reporter is not None
        service = ComplaintService(sessions, WorkingCalendar(), clock=FakeClock(START))
        third = await service.submit(draft_for(reporter), reporter.as_actor())
        numbers = [number for _, number, _ in before["complaints"]]
        assert third.tracking_number not in numbers
        assert third.id > max(complaint_id for complaint_id, _, _ in before["complaints"])
    finally:
        await engine.dispose()


async def test_a_damaged_or_foreign_archive_is_refused_before_anything_changes(
    database: str, tmp_path: Path
) -> None:
    engine = create_engine(database)
    try:
        await migrate(engine)
        await file_and_dispose(engine)
        before = await contents(engine)
    finally:
        await engine.dispose()
    archive = (await backup(database, tmp_path / "good.tar.gz")).path
    # Damage the database member (same size, other bytes): the checksum catches it.
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(archive) as source, tarfile.open(damaged, "w:gz") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()  # type: ignore[union-attr]
            if member.name.startswith("database."):
                middle = len(data) // 2
                data = (
                    data[:middle] + bytes(b ^ 0xFF for b in data[middle : middle + 64]) + data[middle + 64 :]
                )
            target.addfile(member, io.BytesIO(data))
    with pytest.raises(BackupError, match="damaged"):
        await restore(database, damaged)
    other = (
        "postgresql+asyncpg://postgres@127.0.0.1/x"
        if database.startswith("sqlite")
        else f"sqlite+aiosqlite:///{tmp_path / 'x.sqlite3'}"
    )
    with pytest.raises(BackupError, match="backup; DATABASE_URL is"):
        await restore(other, archive)
    engine = create_engine(database)
    try:
        assert await contents(engine) == before
    finally:
        await engine.dispose()


def test_the_commands_back_up_and_ask_before_they_restore(tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "BOT_TOKEN")}
    env["PYTHONPATH"] = str(ROOT)
    env["DATABASE_URL"] = f"sqlite+aiosqlite:///{tmp_path / 'ops.sqlite3'}"

    def laporgub(*words: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "bot", *words], cwd=tmp_path, env=env, capture_output=True, text=True,
            timeout=60, check=False,
        )  # fmt: skip

    assert laporgub("backup", "b.tar.gz").returncode == 1  # no database yet
    assert laporgub("migrate").returncode == 0
    done = laporgub("backup", "b.tar.gz")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("backed up the sqlite database at ")
    refused = laporgub("restore", "b.tar.gz")
    assert refused.returncode == 1
    assert "--yes" in refused.stderr
    restored = laporgub("restore", "b.tar.gz", "--yes")
    assert restored.returncode == 0, restored.stderr
