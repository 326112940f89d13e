"""A province's report from the daily rollups equals the same report read live, on both backends.

The hand-built December (tests/reports/december.py) plus complaints that test the rollups' edges, all
rejected: one received at 00:30 WIB on 1 December (still 30 November in UTC), one at 23:30 WIB on 30
November, and a second one on 15 December (the day C7 came in). C3, resolved on 29 December, is auto-closed
in January and C6 rejected in January: final after the period. The migration that created the rollups must
fill them from the complaints alone.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, date, time
from typing import Any

import pytest
from alembic import command
from sqlalchemy import func, select
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from storage import models
from storage.database import alembic_config, migrate
from storage.reports.figures import Period, Report, build_report
from storage.reports.rollups import FINAL_STATES, rebuild, recount_if_stale
from storage.scheduler import SYSTEM
from tests.conftest import World
from tests.reports.december import CALENDAR, DECEMBER, NOW, Builder, build_december, wib
from workflow.calendar import WorkingCalendar
from workflow.definitions import LAPORGUB, T

ROLLUPS = (models.ReportDayMix, models.ReportDaySlots, models.ReportDayCompletions)
PERIODS = (
    DECEMBER,
    Period(date(2026, 1, 1), date(2026, 12, 31)),
    Period(date(2026, 11, 30), date(2026, 11, 30)),
    Period(date(2026, 12, 1), date(2026, 12, 10)),
)


@pytest.fixture
async def finished_late(world: World) -> World:
    await build_december(world)
    b = Builder(world)
    for at in (wib(12, 1, 0, 30), wib(11, 30, 23, 30), wib(12, 15, 14)):
        complaint = await b.file(at)
        await b.walk(complaint, (at.replace(hour=15), "province", T.REJECT, {"reason": "Bukan LaporGub"}))
    c3 = await number(world, wib(12, 23, 10))
    world.clock.now = wib(1, 13, 9, year=2027).astimezone(UTC)
    await world.complaints.fire(c3.id, SYSTEM, T.AUTO_CLOSE, seen_version=c3.version)
    c6 = await number(world, wib(12, 31, 10))
    await b.walk(c6, (wib(1, 4, 9, year=2027), "province", T.REJECT, {"reason": "Bukan LaporGub"}))
    return world


async def number(world: World, received: Any) -> Any:
    async with world.complaints.sessions() as session:
        complaint_id = await session.scalar(
            select(models.Complaint.id).where(models.Complaint.received_at == received.astimezone(UTC))
        )
    complaint = await world.complaints.get(complaint_id)
    assert complaint is not None
    return complaint


async def report(
    world: World, period: Period, *, from_rollups: bool, calendar: WorkingCalendar = CALENDAR
) -> Report:
    return await build_report(
        world.complaints.sessions,
        calendar,
        world.orgs["JATENG"],
        period,
        now=NOW.astimezone(UTC),
        from_rollups=from_rollups,
    )


async def rollup_rows(engine: AsyncEngine) -> dict[str, set[tuple[Any, ...]]]:
    async with engine.connect() as connection:
        return {
            model.__tablename__: {tuple(row) for row in await connection.execute(select(model.__table__))}
            for model in ROLLUPS
        }


async def assert_rollups_match_live(world: World, calendar: WorkingCalendar = CALENDAR) -> None:
    for period in PERIODS:
        rolled = await report(world, period, from_rollups=True, calendar=calendar)
        live = await report(world, period, from_rollups=False, calendar=calendar)
        assert rolled == live, period
        assert list(rolled.by_state.items()) == list(live.by_state.items())
        assert list(rolled.by_channel.items()) == list(live.by_channel.items())


async def test_the_province_report_from_rollups_equals_the_live_one(finished_late: World) -> None:
    december = await report(finished_late, DECEMBER, from_rollups=True)
    # C6 rejected and C3 closed in January count as they are now; 00:30 WIB on 1 December is December.
    assert december.total == 9
    assert list(december.by_state.items()) == [("at_city", 1), ("closed", 4), ("rejected", 4)]
    assert dict(december.days_to_complete) == {1: 1, 2: 2, 4: 1}
    assert (december.completed, december.overdue_now, december.ratings.count) == (4, 1, 3)
    november_30 = await report(finished_late, PERIODS[2], from_rollups=True)
    assert (november_30.total, dict(november_30.by_state)) == (2, {"resolved": 1, "rejected": 1})
    await assert_rollups_match_live(finished_late)


async def test_rollups_count_each_finished_complaint_once_by_its_wib_day(
    finished_late: World, clean_engine: AsyncEngine
) -> None:
    rows = await rollup_rows(clean_engine)
    counted = sum(row[-1] for row in rows["report_day_mix"])
    assert counted == sum(row[-1] for row in rows["report_day_slots"])
    async with finished_late.complaints.sessions() as session:
        finished = await session.scalar(
            select(func.count()).where(
                models.Complaint.kind == "laporgub", models.Complaint.state.in_(FINAL_STATES)
            )
        )
    assert counted == finished == 9  # 4 closed and 4 rejected in December, 1 rejected on 30 November
    assert {
        (date(2026, 11, 30), "rejected", "telegram", 0, 1),
        (date(2026, 12, 1), "rejected", "telegram", 0, 1),  # received 17:30 UTC on 30 November
        (date(2026, 12, 1), "closed", "telegram", 5, 1),  # C1
        (date(2026, 12, 15), "rejected", "telegram", 0, 2),  # C7 and the second one that day
    } <= rows["report_day_mix"]
    # C2 came in at 17:00 on 3 December, after the office closed, and was approved on 8 December.
    assert (date(2026, 12, 3), 16 * 3600, True, date(2026, 12, 8), 1) in rows["report_day_completions"]


async def test_the_migration_and_rebuild_fill_the_rollups_from_the_complaints(
    finished_late: World, clean_engine: AsyncEngine
) -> None:
    engine = clean_engine
    kept_up = await rollup_rows(engine)

    def downgrade(connection: Connection) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.downgrade(config, "0005")

    try:
        async with engine.begin() as connection:
            await connection.run_sync(downgrade)
    finally:
        await migrate(engine)  # 0006 again: creates the rollups and backfills them
    assert await rollup_rows(engine) == kept_up
    await assert_rollups_match_live(finished_late)

    async with engine.begin() as connection:
        await rebuild(connection, CALENDAR)
    assert await rollup_rows(engine) == kept_up


async def test_a_new_office_close_reads_completions_live_until_they_are_counted_again(
    finished_late: World, clean_engine: AsyncEngine
) -> None:
    later = WorkingCalendar(office_close=time(17, 30))  # C2, received at 17:00 on 3 December, is now on time
    before = await report(finished_late, DECEMBER, from_rollups=True)
    changed = await report(finished_late, DECEMBER, from_rollups=True, calendar=later)
    assert dict(changed.days_to_complete) != dict(before.days_to_complete)
    await assert_rollups_match_live(finished_late, later)

    assert await recount_if_stale(clean_engine, later) is True
    splits = {row[1] for row in (await rollup_rows(clean_engine))["report_day_completions"]}
    assert splits == {17 * 3600 + 30 * 60}
    await assert_rollups_match_live(finished_late, later)
    assert await recount_if_stale(clean_engine, later) is False


def test_the_unfinished_filter_names_the_final_states() -> None:
    assert LAPORGUB.final_states == {"closed", "rejected"}
    assert models.UNFINISHED_FILTER == "state NOT IN ('closed', 'rejected')"


async def test_workers_starting_together_recount_once(
    finished_late: World, clean_engine: AsyncEngine
) -> None:
    if clean_engine.dialect.name != "postgresql":
        pytest.skip("several workers share a PostgreSQL database; SQLite serves one process")
    later = WorkingCalendar(office_close=time(17, 30))
    recounted = await asyncio.gather(*(recount_if_stale(clean_engine, later) for _ in range(3)))
    assert sorted(recounted) == [False, False, True]
    await assert_rollups_match_live(finished_late, later)
