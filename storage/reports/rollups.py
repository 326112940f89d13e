"""Daily rollups of finished complaints: what a province's report reads instead of a year of rows.

A LaporGub complaint in a final state (closed or rejected) never changes again: no step leaves those states,
and the rating comes with the step that closes. So what the report groups it by is counted once, when it
gets there: `record_finished` adds it to three narrow tables keyed by its WIB receipt day
(`models.ReportDayMix`, `ReportDaySlots`, `ReportDayCompletions`), in the transaction of that step, through
an upsert both backends know (`INSERT ... ON CONFLICT DO UPDATE`).

A province's report (`storage.reports.figures`) sums the rollups over the period's days and adds the
unfinished complaints, read live through the partial index `ix_complaints_unfinished`; a period is whole WIB
days, so "received in the period" is the same question for both. A city's or an OPD's report keeps the live
queries: which complaints reached the scope depends on the events, and a city's or an OPD's share of a year is
small.

Working days to complete depend on whether a complaint came in before the office closed (OFFICE_CLOSE), so
each completions row records the closing time its receipt day was split at. Rows split at another time than
the calendar's are never mixed in: the report then reads completions live (correct, slower), until
`recount_if_stale`, run at start-up, counts the rollups again with the configured time.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import time
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

from storage import models
from storage.database import MIGRATION_LOCK_KEY, upsert_insert
from storage.reports.period import Period
from storage.reports.queries import elapsed_counts, fetch_rows
from workflow.calendar import WorkingCalendar, to_wib
from workflow.definitions import LAPORGUB, ComplaintKind

FINAL_STATES = LAPORGUB.final_states
_NONE = 0  # stands for "no rating" and "no organisation" in the rollups' keys, which cannot hold NULL


def is_finished(kind: str, state: str) -> bool:
    return kind == ComplaintKind.LAPORGUB and state in FINAL_STATES


async def record_finished(
    session: AsyncSession, complaint: models.Complaint, calendar: WorkingCalendar
) -> None:
    """Count a complaint that has just reached a final state into the rollups of its receipt day."""
    received = to_wib(complaint.received_at)
    day = received.date()
    await _count_up(
        session,
        models.ReportDayMix,
        received_day=day,
        state=complaint.state,
        channel=complaint.channel,
        rating=complaint.rating or _NONE,
    )
    await _count_up(
        session,
        models.ReportDaySlots,
        received_day=day,
        city_org_id=complaint.city_org_id or _NONE,
        opd_org_id=complaint.opd_org_id or _NONE,
    )
    if complaint.resolved_at is not None:
        await _count_up(
            session,
            models.ReportDayCompletions,
            received_day=day,
            office_close_s=_seconds(calendar.office_close),
            after_office_close=received.time() >= calendar.office_close,
            resolved_day=to_wib(complaint.resolved_at).date(),
        )


async def _count_up(session: AsyncSession, model: type[models.Base], **key: Any) -> None:
    table = models.table_of(model)
    statement = upsert_insert(session.get_bind().dialect.name, table).values(**key, complaints=1)
    await session.execute(
        statement.on_conflict_do_update(index_elements=list(key), set_={"complaints": table.c.complaints + 1})
    )


async def record_late_rating(session: AsyncSession, complaint: models.Complaint) -> None:
    """A rating given after the complaint closed (the reporter confirmed receipt first, then pressed a star):
    the complaint was counted as unrated when it closed, so its count moves to its rating, in the
    transaction that stores the rating."""
    assert complaint.rating is not None
    table = models.table_of(models.ReportDayMix)
    key = {
        "received_day": to_wib(complaint.received_at).date(),
        "state": complaint.state,
        "channel": complaint.channel,
    }
    unrated = [table.c[name] == value for name, value in key.items()] + [table.c.rating == _NONE]
    await session.execute(table.update().where(*unrated).values(complaints=table.c.complaints - 1))
    await session.execute(table.delete().where(*unrated, table.c.complaints <= 0))
    await _count_up(session, models.ReportDayMix, **key, rating=complaint.rating)


@dataclass(frozen=True)
class FinishedFigures:
    """The finished complaints received in a period, grouped as `storage.reports.figures.build_report`
    needs."""

    mix: Counter[tuple[Any, ...]]  # (state, channel, rating or None) -> complaints
    slots: Counter[tuple[Any, ...]]  # (city id or None, opd id or None) -> complaints
    # Working days to complete -> completed complaints; None when some were counted at another office close.
    days: Counter[int] | None


async def finished_figures(
    session: AsyncSession, calendar: WorkingCalendar, period: Period
) -> FinishedFigures:
    mix = await _summed(session, models.ReportDayMix, period, "state", "channel", "rating")
    slots = await _summed(session, models.ReportDaySlots, period, "city_org_id", "opd_org_id")
    completions = await _summed(
        session,
        models.ReportDayCompletions,
        period,
        "received_day",
        "office_close_s",
        "after_office_close",
        "resolved_day",
    )
    close = _seconds(calendar.office_close)
    return FinishedFigures(
        mix=Counter({(state, channel, rating or None): n for (state, channel, rating), n in mix.items()}),
        slots=Counter({(city or None, opd or None): n for (city, opd), n in slots.items()}),
        days=(
            elapsed_counts(
                calendar, period, [(day, late, done, n) for (day, _, late, done), n in completions.items()]
            )
            if all(split == close for _, split, _, _ in completions)
            else None
        ),
    )


async def _summed(
    session: AsyncSession, model: type[models.Base], period: Period, *names: str
) -> Counter[tuple[Any, ...]]:
    table = models.table_of(model)
    columns = [table.c[name] for name in names]
    query = (
        select(*columns, func.sum(table.c.complaints))
        .where(table.c.received_day >= period.first_day, table.c.received_day <= period.last_day)
        .group_by(*columns)
    )
    counts: Counter[tuple[Any, ...]] = Counter()
    for row in await fetch_rows(session, query):
        counts[tuple(row[:-1])] += int(row[-1])
    return counts


# -- rebuilding from the complaints -----------------------------------------------------------------


def rebuild_sql(dialect: str, office_close: time) -> list[str]:
    """Statements that empty the rollups and count every finished complaint into them again.

    On PostgreSQL the rollups are locked first: a complaint finishing meanwhile waits, and is counted after
    the recount has read the complaints (the lock is taken before any of them reads)."""

    def day(column: str) -> str:
        if dialect == "postgresql":
            return f"CAST(({column} AT TIME ZONE 'UTC') + INTERVAL '7 hours' AS DATE)"
        return f"date({column}, '+7 hours')"

    close = office_close.strftime("%H:%M:%S")
    if dialect == "postgresql":
        after_close = f"CAST((received_at AT TIME ZONE 'UTC') + INTERVAL '7 hours' AS TIME) >= TIME '{close}'"
    else:
        after_close = f"time(received_at, '+7 hours') >= '{close}'"
    states = ", ".join(f"'{state}'" for state in sorted(FINAL_STATES))
    finished = f"kind = '{ComplaintKind.LAPORGUB.value}' AND state IN ({states})"
    received = day("received_at")
    lock = ["LOCK TABLE report_day_mix, report_day_slots, report_day_completions IN EXCLUSIVE MODE"]
    return [
        *(lock if dialect == "postgresql" else []),
        "DELETE FROM report_day_mix",
        "DELETE FROM report_day_slots",
        "DELETE FROM report_day_completions",
        "INSERT INTO report_day_mix (received_day, state, channel, rating, complaints) "
        f"SELECT {received}, state, channel, coalesce(rating, 0), count(*) FROM complaints "
        f"WHERE {finished} GROUP BY {received}, state, channel, coalesce(rating, 0)",
        "INSERT INTO report_day_slots (received_day, city_org_id, opd_org_id, complaints) "
        f"SELECT {received}, coalesce(city_org_id, 0), coalesce(opd_org_id, 0), count(*) FROM complaints "
        f"WHERE {finished} GROUP BY {received}, coalesce(city_org_id, 0), coalesce(opd_org_id, 0)",
        "INSERT INTO report_day_completions "
        "(received_day, office_close_s, after_office_close, resolved_day, complaints) "
        f"SELECT {received}, {_seconds(office_close)}, {after_close}, {day('resolved_at')}, count(*) "
        "FROM complaints "
        f"WHERE {finished} AND resolved_at IS NOT NULL "
        f"GROUP BY {received}, {after_close}, {day('resolved_at')}",
    ]


async def rebuild(connection: AsyncConnection, calendar: WorkingCalendar) -> None:
    """Recount the rollups from the complaints, in the caller's transaction."""
    for statement in rebuild_sql(connection.dialect.name, calendar.office_close):
        await connection.execute(text(statement))


async def recount_if_stale(engine: AsyncEngine, calendar: WorkingCalendar) -> bool:
    """Count the rollups again if some completions were split at another closing time than the calendar's
    (OFFICE_CLOSE changed); True when it did. Meant for start-up, after the migrations: workers starting
    together take the migrations' advisory lock on PostgreSQL, so one recounts and the others find it done."""
    table = models.ReportDayCompletions.__table__
    stale = select(table.c.received_day).where(table.c.office_close_s != _seconds(calendar.office_close))
    async with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            await connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
        if (await connection.execute(stale.limit(1))).first() is None:
            return False
        await rebuild(connection, calendar)
        return True


def _seconds(moment: time) -> int:
    return moment.hour * 3600 + moment.minute * 60 + moment.second
