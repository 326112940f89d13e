"""The card's similar list on the labelled set, through storage: candidates selected in SQL, then scored.

    python -m bench.similar_storage [--seed 17] [--train 0.7] [--database-url postgresql+asyncpg://...]

Files every complaint of bench/data/routing-set.yaml through `ComplaintService.submit` in the order
bench.routing shuffles them (seed 17), one an hour, disposes each to Kota Pekalongan, and reads the similar
list its card would show (`storage.duplicates.similar_to`) for the test part. Prints duplicate precision and
recall with the same definitions as bench.routing (which scores every earlier complaint in memory), on a
throwaway SQLite file and, when reachable, a throwaway PostgreSQL database; and whether both databases
listed exactly the same complaints. Not a test: it reports.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import tempfile
import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import asyncpg
from sqlalchemy.engine import make_url

from bench.routing import REGISTRY, Labelled, load
from storage import duplicates, models, personal_data
from storage.complaints import ComplaintService
from storage.database import create_engine, migrate, session_factory
from storage.directory import Directory
from storage.registry import import_organisations
from workflow.actors import Role
from workflow.calendar import WorkingCalendar
from workflow.complaint import ComplaintDraft
from workflow.definitions import T
from workflow.identity import Identity

DEFAULT_POSTGRES = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
START = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


async def listed_on(url: str, order: Sequence[Labelled], cut: int) -> list[list[str]]:
    """The similar list (the set's keys) of each complaint from `cut` on, filed in `order`."""
    engine = create_engine(url)
    try:
        await migrate(engine)
        sessions = session_factory(engine)
        clock = Clock()
        directory = Directory(sessions)
        service = ComplaintService(sessions, WorkingCalendar(), clock=clock)
        # The office's real registry: its agencies' duty words tell a matter from another, as in production.
        await import_organisations(sessions, REGISTRY.read_text(encoding="utf-8"))
        city = await directory.organisation_by_code("KOTA-PEKALONGAN")
        assert city is not None
        province_org = await directory.province()
        province = await directory.add_admin(telegram_id=1, role=Role.PROVINCE, org_code=province_org.code)
        reporter = await directory.save_reporter(
            telegram_id=None, identity=Identity("Pelapor", "3375014507900002", "+6281234567801", "Pekalongan")
        )
        keys: dict[int, str] = {}
        lists: list[list[str]] = []
        for n, item in enumerate(order):
            clock.now = START + timedelta(hours=n)
            case = item.case
            filed = await service.submit(
                ComplaintDraft(
                    reporter_id=reporter.id,
                    subject=case.subject[:200],
                    chronology=case.chronology,
                    event_date=date(2026, 11, 1),
                    event_place=case.place,
                    latitude=case.lat,
                    longitude=case.lon,
                ),
                reporter.as_actor(),
            )
            keys[filed.id] = case.key
            await service.fire(
                filed.id, province.as_actor(), T.DISPOSE, seen_version=filed.version, target_org_id=city.id
            )
            if n < cut:
                continue
            async with sessions() as session:
                row = await session.get(models.Complaint, filed.id)
                assert row is not None
                found = await duplicates.similar_to(session, row, clock())
            lists.append([keys[item.id] for item in found])
        return lists
    finally:
        await engine.dispose()


def figures(order: Sequence[Labelled], cut: int, lists: list[list[str]]) -> str:
    groups = {item.case.key: item.group for item in order}
    listed = right = asked = found = 0
    for n, keys in enumerate(lists, start=cut):
        item = order[n]
        hits = [key for key in keys if item.group is not None and groups[key] == item.group]
        listed += len(keys)
        right += len(hits)
        if item.group is not None and any(e.group == item.group for e in order[:n]):
            asked += 1
            found += bool(hits)
    precision = right / listed if listed else 1.0
    recall = found / asked if asked else 1.0
    return (
        f"precision {precision:.1%} ({listed} listed), recall {recall:.1%} "
        f"({asked} test complaints with an earlier duplicate)"
    )


async def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--train", type=float, default=0.7)
    parser.add_argument("--database-url", default=os.environ.get("TEST_DATABASE_URL", DEFAULT_POSTGRES))
    args = parser.parse_args(argv)
    if not personal_data.has_keys():
        personal_data.configure([personal_data.new_key()])
    order = list(load())
    random.Random(args.seed).shuffle(order)
    cut = round(len(order) * args.train)
    with tempfile.TemporaryDirectory() as folder:
        sqlite = await listed_on(f"sqlite+aiosqlite:///{Path(folder) / 'similar.db'}", order, cut)
    print(f"SQLite:     {figures(order, cut, sqlite)}")
    admin_url = make_url(args.database_url)
    dsn = admin_url.set(drivername="postgresql").render_as_string(hide_password=False)
    name = f"laporgub_similar_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    try:
        admin = await asyncpg.connect(dsn)
    except (OSError, asyncpg.PostgresError) as error:
        print(f"PostgreSQL not measured: {error}")
        return
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        url = admin_url.set(database=name).render_as_string(hide_password=False)
        postgres = await listed_on(url, order, cut)
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()
    print(f"PostgreSQL: {figures(order, cut, postgres)}")
    same = "the same lists" if postgres == sqlite else "DIFFERENT LISTS"
    print(f"SQLite and PostgreSQL listed {same} for {len(sqlite)} complaints")


if __name__ == "__main__":
    asyncio.run(main())
