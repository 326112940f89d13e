from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import delete, update
from sqlalchemy.ext.asyncio import AsyncEngine

from storage import models
from storage.complaints import ComplaintService
from storage.database import create_engine, migrate, session_factory
from storage.directory import Directory
from storage.models import Base
from storage.personal_data import configure as configure_personal_data
from storage.personal_data import parse_keys
from storage.views import AdminInfo, ReporterInfo
from tests.backends import (
    BACKENDS,
    PostgresUnavailable,
    drop_orphaned_databases,
    migrated_database,
    postgres_database,
)
from workflow.actors import Actor, Organisation, OrgKind, Role
from workflow.calendar import WorkingCalendar
from workflow.complaint import ComplaintDraft
from workflow.identity import Identity

# Ctrl-C and SIGTERM stop the run at once, cleanups run (tests/stopping.py).
pytest_plugins = ["tests.stopping"]


def pytest_sessionstart(session: pytest.Session) -> None:
    if "PYTEST_XDIST_WORKER" not in os.environ:  # once per run, before any worker creates a database
        asyncio.run(drop_orphaned_databases())


@pytest.fixture(scope="session", params=BACKENDS)
async def engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[AsyncEngine]:
    """One migrated database per backend for the whole run; `clean_db` empties it between tests."""
    backend: str = request.param
    try:
        async with migrated_database(backend, Path(tmp_path_factory.mktemp("db"))) as engine:
            yield engine
    except PostgresUnavailable as error:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI needs PostgreSQL: {error}")
        pytest.skip(f"PostgreSQL tests skipped: {error}")


@pytest.fixture
async def clean_engine(engine: AsyncEngine) -> AsyncIterator[AsyncEngine]:
    yield engine
    async with engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            await connection.execute(delete(table))


class FakeClock:
    """The time the services see; tests move it instead of sleeping."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass
class World:
    """A province with two cities and their agencies, one admin per seat, and a reporter."""

    clock: FakeClock
    directory: Directory
    complaints: ComplaintService
    orgs: dict[str, Organisation]
    admins: dict[str, AdminInfo]
    reporter: ReporterInfo

    def actor(self, seat: str) -> Actor:
        return self.admins[seat].as_actor()

    @staticmethod
    def reporter_identity_of_other() -> Identity:
        return Identity("Slamet Riyadi", "3375020304850003", "+6285712345602", "Panjang Wetan RT 03 RW 07")


# Every test's personal data is encrypted at rest, as in production; processes the tests start inherit the
# key through the environment.
TEST_PERSONAL_DATA_KEY = "kR3ZRtZkT3aO7bKqk4oOkP9S3Cqz6yQbYt8v1W7mF0E="
os.environ.setdefault("PERSONAL_DATA_KEYS", TEST_PERSONAL_DATA_KEY)
configure_personal_data(parse_keys(os.environ["PERSONAL_DATA_KEYS"]))


# Wednesday 25 November 2026, 10:00 WIB.
START = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)


@pytest.fixture
async def world(clean_engine: AsyncEngine) -> World:
    sessions = session_factory(clean_engine)
    clock = FakeClock(START)
    directory = Directory(sessions)
    complaints = ComplaintService(sessions, WorkingCalendar(), clock=clock)
    tree = [
        ("JATENG", "Pemerintah Provinsi Jawa Tengah", OrgKind.PROVINCE, None),
        ("KOTA-PKL", "Dinkominfo Kota Pekalongan", OrgKind.CITY, "JATENG"),
        ("KAB-BATANG", "Diskominfo Kabupaten Batang", OrgKind.CITY, "JATENG"),
        ("PKL-DPUPR", "Dinas Pekerjaan Umum dan Penataan Ruang Kota Pekalongan", OrgKind.OPD, "KOTA-PKL"),
        ("PKL-DLH", "Dinas Lingkungan Hidup Kota Pekalongan", OrgKind.OPD, "KOTA-PKL"),
        ("BTG-DPU", "Dinas Pekerjaan Umum Kabupaten Batang", OrgKind.OPD, "KAB-BATANG"),
    ]
    orgs = {}
    for code, name, kind, parent in tree:
        orgs[code] = await directory.add_organisation(code=code, name=name, kind=kind, parent_code=parent)
    seats = [
        ("province", 1001, Role.PROVINCE, "JATENG"),
        ("province2", 1002, Role.PROVINCE, "JATENG"),
        ("city", 2001, Role.CITY, "KOTA-PKL"),
        ("city2", 2002, Role.CITY, "KOTA-PKL"),
        ("batang", 2101, Role.CITY, "KAB-BATANG"),
        ("opd", 3001, Role.OPD, "PKL-DPUPR"),
        ("dlh", 3101, Role.OPD, "PKL-DLH"),
        ("batang_opd", 3201, Role.OPD, "BTG-DPU"),
        ("officer", 4001, Role.OFFICER, "KOTA-PKL"),
        ("official", 5001, Role.OFFICIAL, "KOTA-PKL"),
    ]
    admins = {}
    for seat, telegram_id, role, org in seats:
        admins[seat] = await directory.add_admin(
            telegram_id=telegram_id, role=role, org_code=org, full_name=f"Admin {seat}"
        )
    reporter = await directory.save_reporter(
        telegram_id=9001,
        identity=Identity("Rina Marlina", "3375014507900002", "+6281234567801", "Jl. Sriwijaya No. 12"),
    )
    return World(clock, directory, complaints, orgs, admins, reporter)


def draft_for(reporter: ReporterInfo, **changes: object) -> ComplaintDraft:
    fields: dict[str, object] = {
        "reporter_id": reporter.id,
        "subject": "Jalan berlubang di Jl. Hayam Wuruk",
        "chronology": "Sejak dua minggu lalu ada lubang besar di depan toko batik dekat perempatan.",
        "event_date": date(2026, 11, 20),
        "event_place": "Jl. Hayam Wuruk, Pekalongan Timur",
    }
    fields.update(changes)
    return ComplaintDraft(**fields)  # type: ignore[arg-type]


@pytest.fixture
async def fresh_postgres() -> AsyncIterator[str]:
    """The URL of an empty PostgreSQL database of this test's own (no schema: the test migrates it)."""
    try:
        async with postgres_database() as url:
            yield url
    except PostgresUnavailable as error:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI needs PostgreSQL: {error}")
        pytest.skip(f"PostgreSQL tests skipped: {error}")


@pytest.fixture
async def migrated_postgres(fresh_postgres: str) -> AsyncIterator[AsyncEngine]:
    """An engine on a PostgreSQL database of this test's own, migrated to the head."""
    engine = create_engine(fresh_postgres)
    await migrate(engine)
    yield engine
    await engine.dispose()


async def give_duty_words(world: World) -> None:
    """The registry's duty keywords on the world's agencies (here DPUPR also keeps the street lights, as in
    many a city): what tells two complaints' matters apart (storage.duplicates.registry_keywords)."""
    from bot.dev.sandbox.seed import REGISTRY_FILE
    from storage.registry import routing_keywords

    registry = routing_keywords(REGISTRY_FILE.read_text(encoding="utf-8"), "KOTA-PEKALONGAN")
    words = {"PKL-DPUPR": registry["PKL-DPUPR"] + registry["PKL-DINHUB"], "PKL-DLH": registry["PKL-DLH"]}
    async with world.directory.sessions.begin() as session:
        for code, duties in words.items():
            named = models.Organisation.code == code
            await session.execute(update(models.Organisation).where(named).values(keywords=list(duties)))
