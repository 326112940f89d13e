"""Query latencies at province scale: N complaints with 10 events each in a throwaway PostgreSQL database.

    python -m bench.bench_queries --complaints 1000000            # the full run (about 5 minutes)
    python -m bench.bench_queries --complaints 1000000 --years 2  # 481,450 of them in the report's year
    python -m bench.bench_queries --complaints 20000              # what CI can afford

Prints p50/p99 in milliseconds for one organisation's queue page, a reporter's list, a complaint's card
and a year's /rekap at province scope, measured through the real services (ComplaintService, build_report);
and a picker's suggested targets (issue 17, `_measure_suggestions`): the office's history read whole from the
event log, caught up after a return, and taken from the copy a process keeps.
The database is created from the migrations, loaded with COPY (asyncpg's copy_records_to_table; the
migrations' plain indexes are dropped during the load and rebuilt after, as a bulk load would), the report's
daily rollups counted from the loaded rows, vacuumed and analysed, then dropped. The year report is read once
more without the rollups, to show what they save and that the figures are the same. Not a test: it asserts
nothing, it reports.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, date, datetime
from typing import Any

import asyncpg
from sqlalchemy import select
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bench.dataset import NOW, Dataset, Organisations
from bench.routing import KEYWORDS, load
from storage.complaints import ComplaintService
from storage.database import create_engine, migrate, session_factory
from storage.reports.figures import Report, build_report
from storage.reports.period import Period
from storage.reports.rollups import rebuild_sql
from storage.routing_history import HISTORY, IN_FLIGHT_SECONDS, RoutingHistory
from workflow.actors import Organisation, OrgKind, Role
from workflow.calendar import WorkingCalendar
from workflow.suggestions import suggest_targets

DEFAULT_ADMIN_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
CHUNK = 20_000  # complaints per COPY batch


async def main() -> None:
    options = _arguments()
    admin_url = make_url(options.database_url)
    if options.reuse:
        url = admin_url.set(database=options.reuse)
        await _measure(options, url.render_as_string(hide_password=False), _dsn(url))
        return
    name = f"laporgub_bench_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = await asyncpg.connect(_dsn(admin_url))
    await admin.execute(f'CREATE DATABASE "{name}"')
    url = admin_url.set(database=name)
    try:
        started = time.perf_counter()
        await _build(options, url.render_as_string(hide_password=False), _dsn(url))
        await _measure(options, url.render_as_string(hide_password=False), _dsn(url))
        print(f"total {time.perf_counter() - started:.0f} s")
    finally:
        if options.keep:
            print(f"kept database {name}: measure it again with --reuse {name}")
        else:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def _build(options: argparse.Namespace, url: str, dsn: str) -> None:
    engine = create_engine(url)
    await migrate(engine)
    await engine.dispose()
    started = time.perf_counter()
    connection = await asyncpg.connect(dsn)
    try:
        orgs = await _load_organisations(connection)
        dataset = Dataset(orgs, WorkingCalendar(), options.complaints, options.years, seed=options.seed)
        indexes = await _drop_plain_indexes(connection)
        await _load(connection, dataset)
        await _load_similar_texts(connection, options.complaints)
        loaded = time.perf_counter()
        # The service counts a complaint into the report's rollups as it finishes; COPY bypasses the
        # service, so the rollups are counted from the loaded rows, as the migration that made them does.
        async with connection.transaction():
            for statement in rebuild_sql("postgresql", WorkingCalendar().office_close):
                await connection.execute(statement)
        counted = time.perf_counter()
        await _restore(connection, indexes)
        await connection.execute("VACUUM ANALYZE")
        await connection.execute("CHECKPOINT")  # so that the load's writes do not land in the timings
        ready = time.perf_counter()
        sizes = await connection.fetch(
            "SELECT relname, pg_size_pretty(pg_total_relation_size(oid)) AS size FROM pg_class "
            "WHERE relname IN ('complaints', 'complaint_events', 'report_day_mix', 'report_day_slots', "
            "'report_day_completions') ORDER BY relname"
        )
    finally:
        await connection.close()
    print(
        f"loaded {options.complaints:,} complaints, {dataset.events_written:,} events "
        f"in {loaded - started:.0f} s; rollups {counted - loaded:.0f} s; "
        f"indexes and VACUUM ANALYZE {ready - counted:.0f} s; "
        + ", ".join(f"{row['relname']} {row['size']}" for row in sizes)
    )


async def _measure(options: argparse.Namespace, url: str, dsn: str) -> None:
    connection = await asyncpg.connect(dsn)
    try:
        orgs = await _read_organisations(connection)
        complaints = await connection.fetchval("SELECT max(id) FROM complaints")
        reporters = await connection.fetchval("SELECT max(id) FROM reporters")
    finally:
        await connection.close()
    engine = create_engine(url, pool_size=8)
    sessions = session_factory(engine)
    calendar = WorkingCalendar()
    service = ComplaintService(sessions, calendar)
    pick = random.Random(options.seed + 1)
    queues = [(org, Role.PROVINCE) for org in orgs.province_only]
    queues += [(org, Role.CITY) for org in orgs.cities] + [(org, Role.OPD) for org in orgs.opds]
    year = Period(date(NOW.year, 1, 1), date(NOW.year, 12, 31))
    province = Organisation(orgs.province, OrgKind.PROVINCE, "JATENG", "Pemerintah Provinsi Jawa Tengah")

    async def queue_page() -> object:
        org, role = pick.choice(queues)
        return await service.queue(org, role, limit=10)

    async def reporter_list() -> object:
        return await service.reporter_complaints(pick.randint(1, reporters), limit=20)

    async def card() -> object:
        return await service.card(pick.randint(1, complaints))

    async def year_report() -> Report:
        return await build_report(sessions, calendar, province, year, now=NOW)

    print(f"load average before: {_load_average()}")
    print(f"{'query':<28}{'runs':>6}{'p50 ms':>10}{'p99 ms':>10}{'max ms':>10}")
    try:
        for label, action, runs in (
            ("queue page (10 of a queue)", queue_page, options.runs),
            ("reporter's list (20)", reporter_list, options.runs),
            ("complaint card", card, options.runs),
            (f"year report {NOW.year}, province", year_report, options.report_runs),
        ):
            timings = await _time(action, runs)
            print(
                f"{label:<28}{runs:>6}{_percentile(timings, 50):>10.1f}{_percentile(timings, 99):>10.1f}"
                f"{max(timings):>10.1f}"
            )
        await _measure_similar(sessions, calendar, dsn, options, pick)
        report = await year_report()
        print(f"  the year report covered {report.total:,} complaints, {report.completed:,} completed")
        started = time.perf_counter()
        live = await build_report(sessions, calendar, province, year, now=NOW, from_rollups=False)
        took = (time.perf_counter() - started) * 1000
        same = "the same figures" if live == report else "DIFFERENT FIGURES"
        print(f"  the same report read live, without the rollups: {took:.0f} ms, {same}")
        await _measure_suggestions(sessions, orgs, options, pick, dsn)
        print(f"load average after: {_load_average()}")
    finally:
        await engine.dispose()


# -- suggested targets (issue 17) ------------------------------------------------------------------------


async def _measure_suggestions(
    sessions: async_sessionmaker[AsyncSession],
    orgs: Organisations,
    options: argparse.Namespace,
    pick: random.Random,
    dsn: str,
) -> None:
    """A picker's suggestions for a complaint at a city, as `bot.handlers.admin.pickers.suggestions_for` asks.

    "whole read" reads the office's latest decisions from the event log (a process's first picker for that
    office); "after a return" is the picker after one of the office's forwards came back (written, untimed,
    before each run: the kept history catches up with the log, the return counted, and is prepared again);
    "kept" takes them from the process's copy (`RoutingHistory`), as most pickers do. Each query's text is
    one of the routing set's complaints with a word of its own added, so that no cached stemming of an
    earlier query helps it.
    """
    texts = [(item.text, item.case.place) for item in load()]
    counter = iter(range(10**9))

    def query() -> tuple[str, str]:
        text, place = pick.choice(texts)
        return f"{text} kata{next(counter)}", place

    history = RoutingHistory(sessions)
    sizes: list[int] = []

    async def suggestion(office: int) -> object:
        decisions = await history.of(office)
        sizes.append(len(decisions.history))
        text, place = query()
        return suggest_targets(text, place, decisions, KEYWORDS, limit=3)

    async def whole_read() -> object:
        office = pick.choice(orgs.cities)
        history.reset(office)
        return await suggestion(office)

    async def kept() -> object:
        return await suggestion(pick.choice(orgs.cities))

    connection = await asyncpg.connect(dsn)
    try:
        # Each city read whole twice, IN_FLIGHT_SECONDS apart: from then on its reads are catch-ups.
        for office in orgs.cities:
            await history.of(office)
        await asyncio.sleep(IN_FLIGHT_SECONDS + 1)
        history.reset(*orgs.cities)
        for office in orgs.cities:
            await history.of(office)

        async def returned() -> int:
            office = pick.choice(orgs.cities)
            await connection.execute(_RETURN_ONE, office, pick.randrange(50), NOW)
            history.forget(office)
            return office

        rows = []
        for label, action in (("suggestion, whole read", whole_read), ("suggestion, kept", kept)):
            sizes.clear()
            rows.append((label, await _time(action, options.runs)))
        sizes.clear()
        for _ in range(min(100, options.runs)):
            await suggestion(await returned())
        caught_up = []
        for _ in range(options.runs):
            office = await returned()
            started = time.perf_counter()
            await suggestion(office)
            caught_up.append((time.perf_counter() - started) * 1000)
        rows.insert(1, ("suggestion, after a return", caught_up))
    finally:
        await connection.close()
    for label, timings in rows:
        print(
            f"{label:<28}{options.runs:>6}{_percentile(timings, 50):>10.1f}{_percentile(timings, 99):>10.1f}"
            f"{max(timings):>10.1f}"
        )
    print(f"  each city's history: {min(sizes)}–{max(sizes)} final decisions (at most {HISTORY})")


# One of the city's latest 50 forwards sent back to it by the agency it went to, as an agency's return is.
_RETURN_ONE = """
INSERT INTO complaint_events (complaint_id, version, trigger, from_state, to_state, actor_role, actor_name,
                              org_id, to_org_id, reason, at)
SELECT f.complaint_id,
       (SELECT max(version) + 1 FROM complaint_events v WHERE v.complaint_id = f.complaint_id),
       'return_to_city', 'at_opd', 'at_city', 'opd', 'bench', f.to_org_id, f.org_id, 'bench',
       $3
FROM (SELECT complaint_id, org_id, to_org_id FROM complaint_events
      WHERE org_id = $1 AND trigger = 'forward' ORDER BY id DESC LIMIT 1 OFFSET $2) AS f
"""


async def _time(action: Callable[[], Awaitable[object]], runs: int) -> list[float]:
    for _ in range(min(100, runs)):  # warm the pool, the caches and the prepared statements
        await action()
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        await action()
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def _load_average() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def _percentile(values: list[float], share: float) -> float:
    return (
        statistics.quantiles(values, n=100, method="inclusive")[int(share) - 1]
        if len(values) > 1
        else values[0]
    )


# -- loading ----------------------------------------------------------------------------------------


async def _load_organisations(connection: asyncpg.Connection) -> Organisations:
    now = datetime.now(UTC)
    rows: list[tuple[Any, ...]] = [
        (1, "JATENG", "Pemerintah Provinsi Jawa Tengah", "province", None, True, now)
    ]
    cities: list[int] = []
    opds: dict[int, list[int]] = {}
    next_id = 2
    for city in range(35):
        city_id = next_id
        cities.append(city_id)
        rows.append((city_id, f"CITY-{city:02d}", f"Dinkominfo Kab/Kota {city:02d}", "city", 1, True, now))
        next_id += 1
        opds[city_id] = []
        for opd in range(20):
            rows.append(
                (
                    next_id,
                    f"OPD-{city:02d}-{opd:02d}",
                    f"OPD {opd:02d} Kab/Kota {city:02d}",
                    "opd",
                    city_id,
                    True,
                    now,
                )
            )
            opds[city_id].append(next_id)
            next_id += 1
    await connection.copy_records_to_table(
        "organisations",
        records=rows,
        columns=["id", "code", "name", "kind", "parent_id", "active", "created_at"],
    )
    await connection.execute("SELECT setval('organisations_id_seq', $1)", next_id)
    return Organisations(province=1, cities=cities, opds_of=opds)


async def _read_organisations(connection: asyncpg.Connection) -> Organisations:
    rows = await connection.fetch("SELECT id, kind, parent_id FROM organisations ORDER BY id")
    province = next(row["id"] for row in rows if row["kind"] == "province")
    cities = [row["id"] for row in rows if row["kind"] == "city"]
    opds: dict[int, list[int]] = {city: [] for city in cities}
    for row in rows:
        if row["kind"] == "opd":
            opds[row["parent_id"]].append(row["id"])
    return Organisations(province=province, cities=cities, opds_of=opds)


async def _drop_plain_indexes(connection: asyncpg.Connection) -> list[str]:
    """Indexes that back no constraint: rebuilt in one pass after the load instead of row by row."""
    rows = await connection.fetch(
        """
        SELECT i.indexname, i.indexdef FROM pg_indexes i
        WHERE i.schemaname = 'public' AND i.tablename IN ('complaints', 'complaint_events')
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
        """
    )
    for row in rows:
        await connection.execute(f'DROP INDEX "{row["indexname"]}"')
    return [row["indexdef"] for row in rows]


async def _restore(connection: asyncpg.Connection, indexes: list[str]) -> None:
    await connection.execute("SET maintenance_work_mem = '1GB'")
    for definition in indexes:
        await connection.execute(definition)


async def _load(connection: asyncpg.Connection, dataset: Dataset) -> None:
    # The generator writes consistent rows by construction: skip the per-row foreign-key triggers.
    await connection.execute("SET session_replication_role = replica")
    await connection.copy_records_to_table(
        "reporters", records=dataset.reporter_rows(), columns=Dataset.REPORTER_COLUMNS
    )
    for complaints, events in _chunks(dataset):
        await connection.copy_records_to_table(
            "complaints", records=complaints, columns=Dataset.COMPLAINT_COLUMNS
        )
        await connection.copy_records_to_table(
            "complaint_events", records=events, columns=Dataset.EVENT_COLUMNS
        )
    await connection.execute("SET session_replication_role = DEFAULT")
    for table in ("reporters", "complaints", "complaint_events"):
        await connection.execute(f"SELECT setval('{table}_id_seq', (SELECT max(id) FROM {table}))")
    await connection.execute(
        "INSERT INTO tracking_counters (prefix, year, last) "
        "SELECT 'LG', extract(year FROM received_at)::int, count(*) FROM complaints GROUP BY 2"
    )


# -- the similar list (issue 17) -----------------------------------------------------------------------------

# Variants of each labelled complaint: the same words with another neighbourhood, so that a place word is held
# by a share of the complaints a real province would have, not by one in 224.
SIMILAR_VARIANTS = 40
NEIGHBOURHOODS = [
    f"{a}{b}"
    for a in ("Kra", "Pa", "Su", "Ti", "Wo", "Ba", "Ke", "Mu")
    for b in ("dang", "nten", "rejo", "sari", "wetan")
]


def _similar_texts() -> list[tuple[str, str, str]]:
    """Subject, chronology and place of the routing set's complaints, each in `SIMILAR_VARIANTS` places."""
    from bench.routing import load

    texts = []
    for case in (item.case for item in load()):
        for variant in range(SIMILAR_VARIANTS):
            where = (
                f"{case.place}, RT {variant % 9 + 1:02d} Kel. {NEIGHBOURHOODS[variant % len(NEIGHBOURHOODS)]}"
            )
            texts.append((case.subject, case.chronology, where))
    return texts


async def _load_similar_texts(connection: asyncpg.Connection, complaints: int) -> None:
    """Give the loaded complaints the labelled set's words (complaint `id` takes text `id % len(texts)`) and
    their stored terms, as filing does (storage/duplicates.py); the generated data set has five subjects."""
    from storage.duplicates import terms_of

    started = time.perf_counter()
    texts = _similar_texts()
    await connection.execute(
        "CREATE TEMP TABLE similar_texts (idx int PRIMARY KEY, subject text, chronology text, place text)"
    )
    await connection.copy_records_to_table(
        "similar_texts", records=[(i, *text) for i, text in enumerate(texts)]
    )
    await connection.execute("CREATE TEMP TABLE similar_terms (idx int, term text)")
    await connection.copy_records_to_table(
        "similar_terms", records=[(i, term) for i, text in enumerate(texts) for term in terms_of(*text)]
    )
    await connection.execute("DROP INDEX IF EXISTS ix_complaint_terms_term")
    await connection.execute(
        "UPDATE complaints c SET subject = t.subject, chronology = t.chronology, event_place = t.place "
        "FROM similar_texts t WHERE t.idx = c.id % $1",
        len(texts),
    )
    await connection.execute(
        "INSERT INTO complaint_terms (complaint_id, term) SELECT c.id, t.term FROM complaints c "
        "JOIN similar_terms t ON t.idx = c.id % $1",
        len(texts),
    )
    await connection.execute("SET maintenance_work_mem = '1GB'")
    await connection.execute("CREATE INDEX ix_complaint_terms_term ON complaint_terms (term, complaint_id)")
    terms = await connection.fetchval("SELECT count(*) FROM complaint_terms")
    print(
        f"similar list: {len(texts):,} texts over {complaints:,} complaints, {terms:,} stored terms "
        f"in {time.perf_counter() - started:.0f} s"
    )


async def _measure_similar(
    sessions: Any, calendar: WorkingCalendar, dsn: str, options: argparse.Namespace, pick: random.Random
) -> None:
    """The similar list of a complaint that has just reached an office, alone and as part of its card."""
    from storage import duplicates, models

    connection = await asyncpg.connect(dsn)
    try:
        arrived = [
            row["id"]
            for row in await connection.fetch(
                "SELECT id FROM complaints WHERE state IN ('at_province', 'at_city', 'at_opd') ORDER BY id"
            )
        ]
    finally:
        await connection.close()
    if not arrived:
        print("  no complaint waiting at an office: the similar list was not measured")
        return
    service = ComplaintService(sessions, calendar, clock=lambda: NOW)
    found: list[int] = []

    complaint = models.Complaint
    # What similar_to reads of the complaint itself; the card has it from its own statement.
    columns = select(
        complaint.id,
        complaint.kind,
        complaint.duplicate_of_id,
        complaint.city_org_id,
        complaint.subject,
        complaint.chronology,
        complaint.event_place,
        complaint.latitude,
        complaint.longitude,
    )

    async def similar_list() -> object:
        async with sessions() as session:
            row = (await session.execute(columns.where(complaint.id == pick.choice(arrived)))).one()
            listed = await duplicates.similar_to(session, row, NOW)
            found.append(len(listed))
            return listed

    async def card_with_similar() -> object:
        return await service.card(pick.choice(arrived))

    for label, action in (("similar list", similar_list), ("card with similar list", card_with_similar)):
        timings = await _time(action, options.runs)
        print(
            f"{label:<28}{options.runs:>6}{_percentile(timings, 50):>10.1f}{_percentile(timings, 99):>10.1f}"
            f"{max(timings):>10.1f}"
        )
    print(
        f"  over {len(arrived):,} complaints waiting at an office; "
        f"{sum(1 for n in found if n) / len(found):.0%} of the lists named an earlier complaint"
    )


def _chunks(dataset: Dataset) -> Iterator[tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]]:
    for first in range(1, dataset.complaints + 1, CHUNK):
        yield dataset.chunk(first, min(first + CHUNK, dataset.complaints + 1))


def _dsn(url: URL) -> str:
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    dataset_arguments(parser, complaints=1_000_000, years=10)
    parser.add_argument("--runs", type=int, default=500, help="timed runs of each small query")
    parser.add_argument("--report-runs", type=int, default=20, help="timed runs of the year report")
    return parser.parse_args()


def dataset_arguments(parser: argparse.ArgumentParser, *, complaints: int, years: int) -> None:
    """The options of the generated data set and of the database it is loaded into."""
    parser.add_argument("--complaints", type=int, default=complaints)
    parser.add_argument(
        "--years", type=int, default=years, help="complaints are spread evenly over this many years up to now"
    )
    parser.add_argument("--seed", type=int, default=20261225)
    parser.add_argument(
        "--database-url",
        default=os.environ.get("TEST_DATABASE_URL", DEFAULT_ADMIN_URL),
        help="a PostgreSQL server where the benchmark may create and drop its own database",
    )
    parser.add_argument("--keep", action="store_true", help="keep the database, to measure again or look at")
    parser.add_argument("--reuse", metavar="DATABASE", help="measure a database kept by an earlier --keep")


if __name__ == "__main__":
    asyncio.run(main())
