"""Daily rollups of finished complaints: what a province's report reads instead of a year of rows.

A LaporGub complaint in a final state (closed or rejected) never changes again: no step leaves those states,
and the rating comes with the step that closes. So what the report groups it by is counted once, when it
gets there: `record_finished` adds it to three narrow tables keyed by its WIB receipt day
(`models.ReportDayMix`, `ReportDaySlots`, `ReportDayCompletions`), in the transaction of that step, through
an upsert both backends know (`INSERT ... ON CONFLICT DO UPDATE`).

A province's report (`storage.reports`) sums the rollups over the period's days and adds the unfinished
complaints, read live through the partial index `ix_complaints_unfinished`; a period is whole WIB days, so
"received in the period" is the same question for both. A city's or an OPD's report keeps the live queries:
which complaints reached the scope depends on the events, and a city's or an OPD's share of a year is small.

`after_office_close` splits a receipt day at the calendar's `office_close` as it was when the complaint
finished (the migration that created the tables backfilled them at 16:00, the default): after changing the
office's closing time, run `rebuild`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import time
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from storage import models
from storage.report_queries import elapsed_counts, fetch_rows
from workflow.calendar import WorkingCalendar, to_wib
from workflow.definitions import LAPORGUB, ComplaintKind

if TYPE_CHECKING:
    from storage.reports import Period

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
            after_office_close=received.time() >= calendar.office_close,
            resolved_day=to_wib(complaint.resolved_at).date(),
        )


async def _count_up(session: AsyncSession, model: type[models.Base], **key: Any) -> None:
    table = model.__table__
    insert = postgresql.insert if session.bind.dialect.name == "postgresql" else sqlite.insert
    statement = insert(table).values(**key, complaints=1)
    await session.execute(
        statement.on_conflict_do_update(index_elements=list(key), set_={"complaints": table.c.complaints + 1})
    )


@dataclass(frozen=True)
class FinishedFigures:
    """The finished complaints received in a period, grouped as `storage.reports.build_report` needs."""

    mix: Counter[tuple[Any, ...]]  # (state, channel, rating or None) -> complaints
    slots: Counter[tuple[Any, ...]]  # (city id or None, opd id or None) -> complaints
    days: Counter[int]  # working days to complete -> completed complaints


async def finished_figures(
    session: AsyncSession, calendar: WorkingCalendar, period: Period
) -> FinishedFigures:
    mix = await _summed(session, models.ReportDayMix, period, "state", "channel", "rating")
    slots = await _summed(session, models.ReportDaySlots, period, "city_org_id", "opd_org_id")
    completions = await _summed(
        session, models.ReportDayCompletions, period, "received_day", "after_office_close", "resolved_day"
    )
    return FinishedFigures(
        mix=Counter({(state, channel, rating or None): n for (state, channel, rating), n in mix.items()}),
        slots=Counter({(city or None, opd or None): n for (city, opd), n in slots.items()}),
        days=elapsed_counts(calendar, period, [(*key, n) for key, n in completions.items()]),
    )


async def _summed(
    session: AsyncSession, model: type[models.Base], period: Period, *names: str
) -> dict[tuple[Any, ...], int]:
    table = model.__table__
    columns = [table.c[name] for name in names]
    query = (
        select(*columns, func.sum(table.c.complaints))
        .where(table.c.received_day >= period.first_day, table.c.received_day <= period.last_day)
        .group_by(*columns)
    )
    return {tuple(row[:-1]): int(row[-1]) for row in await fetch_rows(session, query)}


# -- rebuilding from the complaints -----------------------------------------------------------------


def rebuild_sql(dialect: str, office_close: time) -> list[str]:
    """Statements that empty the rollups and count every finished complaint into them again."""

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
    return [
        "DELETE FROM report_day_mix",
        "DELETE FROM report_day_slots",
        "DELETE FROM report_day_completions",
        "INSERT INTO report_day_mix (received_day, state, channel, rating, complaints) "
        f"SELECT {received}, state, channel, coalesce(rating, 0), count(*) FROM complaints "
        f"WHERE {finished} GROUP BY {received}, state, channel, coalesce(rating, 0)",
        "INSERT INTO report_day_slots (received_day, city_org_id, opd_org_id, complaints) "
        f"SELECT {received}, coalesce(city_org_id, 0), coalesce(opd_org_id, 0), count(*) FROM complaints "
        f"WHERE {finished} GROUP BY {received}, coalesce(city_org_id, 0), coalesce(opd_org_id, 0)",
        "INSERT INTO report_day_completions (received_day, after_office_close, resolved_day, complaints) "
        f"SELECT {received}, {after_close}, {day('resolved_at')}, count(*) FROM complaints "
        f"WHERE {finished} AND resolved_at IS NOT NULL "
        f"GROUP BY {received}, {after_close}, {day('resolved_at')}",
    ]


async def rebuild(connection: AsyncConnection, calendar: WorkingCalendar) -> None:
    """Recount the rollups from the complaints, in the caller's transaction."""
    for statement in rebuild_sql(connection.dialect.name, calendar.office_close):
        await connection.execute(text(statement))
