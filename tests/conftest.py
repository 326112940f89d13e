from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from itertools import islice
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


# The tests that take longest, with their seconds in a full `-n 2` run at load 6 (issue 15): each group (a
# module, or one test) starts at the head of a worker's share, so that they overlap each other and the many
# short tests instead of one of them starting near the end. A module stays whole where its tests share a
# module fixture (test_install.py's wheel). Names no longer found are ignored.
SLOW_FIRST = {
    "tests/chaos/test_chaos.py": 175,
    "tests/ops/test_install.py": 108,
    "tests/bench/test_throughput_smoke.py::test_a_tiny_run_files_every_complaint": 88,
    "tests/bench/test_throughput_smoke.py::test_a_tiny_run_with_the_sender": 48,
    "tests/interrupt/test_ctrl_c.py": 46,
    "tests/e2e/test_surviving_a_kill.py": 44,
    "tests/e2e/test_unit_of_work.py": 41,
    "tests/e2e/test_workers.py": 34,
    "tests/e2e/test_notifications_process.py": 34,
    "tests/sandbox/test_main.py": 31,
    "tests/e2e/test_notifications_chaos.py": 30,
    "tests/cli/test_cli.py": 27,
    "tests/e2e/test_main.py": 26,
    "tests/sandbox/test_demo.py": 25,
}


def worker_shares(count: int, workers: int) -> list[int]:
    """How many of `count` tests each of `workers` is first given by `--dist worksteal` (its first split)."""
    shares: list[int] = []
    for index in range(workers):
        shares.append((count - sum(shares)) // (workers - index))
    return shares


def slow_first(items: list[pytest.Item], workers: int) -> list[pytest.Item]:
    """`items` with the SLOW_FIRST groups at the heads of the workers' shares, the longest first, spread so
    that each worker's slow seconds are about even; the other tests keep their order. Work stealing takes
    from the tail of a worker's share, so a group at its head runs there, whole, first."""
    groups: list[tuple[int, list[pytest.Item]]] = []
    taken: set[int] = set()
    for prefix, seconds in SLOW_FIRST.items():
        group = [item for item in items if item.nodeid.startswith(prefix) and id(item) not in taken]
        if group:
            groups.append((seconds, group))
            taken.update(id(item) for item in group)
    if not groups or workers < 2:
        return items
    heads: list[list[pytest.Item]] = [[] for _ in range(workers)]
    loads = [0] * workers
    for seconds, group in sorted(groups, key=lambda entry: -entry[0]):
        lightest = loads.index(min(loads))
        heads[lightest] += group
        loads[lightest] += seconds
    rest = iter([item for item in items if id(item) not in taken])
    ordered: list[pytest.Item] = []
    for head, share in zip(heads, worker_shares(len(items), workers), strict=True):
        ordered += head
        ordered += islice(rest, max(0, share - len(head)))
    ordered += list(rest)
    return ordered


@pytest.hookimpl(trylast=True)  # after pytest has grouped the tests by their fixtures
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "0"))  # set in pytest-xdist's workers
    items[:] = slow_first(items, workers)


def pytest_sessionstart(session: pytest.Session) -> None:
    if "PYTEST_XDIST_WORKER" not in os.environ:  # once per run, before any worker creates a database
        asyncio.run(drop_orphaned_databases())


class MigratedDatabases:
    """The session's migrated database of each backend, made when first asked for and kept to the end of the
    run. pytest tears a parametrized session fixture down whenever the next test wants the other parameter,
    which under pytest-xdist's work stealing happens again and again; the databases outlive those switches."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.stack = AsyncExitStack()
        self.engines: dict[str, AsyncEngine] = {}
        self.unavailable: dict[str, PostgresUnavailable] = {}

    async def get(self, backend: str) -> AsyncEngine:
        if backend in self.unavailable:
            raise self.unavailable[backend]
        if backend not in self.engines:
            try:
                self.engines[backend] = await self.stack.enter_async_context(
                    migrated_database(backend, self.workdir)
                )
            except PostgresUnavailable as error:
                self.unavailable[backend] = error
                raise
        return self.engines[backend]


@pytest.fixture(scope="session")
async def migrated_databases(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[MigratedDatabases]:
    databases = MigratedDatabases(Path(tmp_path_factory.mktemp("db")))
    async with databases.stack:
        yield databases


@pytest.fixture(scope="session", params=BACKENDS)
async def engine(request: pytest.FixtureRequest, migrated_databases: MigratedDatabases) -> AsyncEngine:
    """One migrated database per backend for the whole run; `clean_engine` empties it between tests."""
    try:
        return await migrated_databases.get(request.param)
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
