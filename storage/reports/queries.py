"""The SQL behind `storage.reports.figures`: grouped counts, each from one index, on SQLite and PostgreSQL.

A join over a province's year costs seconds, so none of these joins tables: the complaint figures come from
`ix_complaints_received` (which holds every column they group by, for an index-only scan on PostgreSQL), or
for a province's unfinished complaints from the partial `ix_complaints_unfinished` (the finished ones come
from `storage.reports.rollups`), and the returns from `ix_complaint_events_returns`. Working days are counted
in Python, once per group.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Float, Integer, Select, cast, func, literal_column, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage import models
from storage.reports.period import Period
from workflow.actors import Organisation, OrgKind
from workflow.calendar import WIB, WorkingCalendar
from workflow.definitions import ComplaintKind, T

RETURN_TRIGGERS = (T.RETURN_TO_PROVINCE, T.RETURN_TO_CITY, T.REQUEST_REVISION, T.RETURN_RESULT)


def in_report(
    query: Select[*tuple[Any, ...]], scope: Organisation, period: Period
) -> Select[*tuple[Any, ...]]:
    complaint = models.Complaint
    query = query.where(
        complaint.kind == ComplaintKind.LAPORGUB,
        complaint.received_at >= period.start,
        complaint.received_at < period.end,
    )
    if scope.kind is OrgKind.PROVINCE:
        return query
    event = models.ComplaintEvent
    # A complaint received in the period reached the scope after the period began: only those events count.
    reached = select(event.complaint_id).where(
        event.to_org_id.in_(scope_orgs(scope)), event.at >= period.start
    )
    return query.where(complaint.id.in_(reached))


def scope_orgs(scope: Organisation) -> Select[Any]:
    org = models.Organisation
    if scope.kind is OrgKind.CITY:
        return select(org.id).where((org.id == scope.id) | (org.parent_id == scope.id))
    return select(org.id).where(org.id == scope.id)


async def grouped(
    session: AsyncSession, scope: Organisation, period: Period, *columns: Any, where: Any = None
) -> dict[tuple[Any, ...], int]:
    query = in_report(select(*columns, func.count()), scope, period).group_by(*columns)
    if where is not None:
        query = query.where(where)
    return {tuple(row[:-1]): row[-1] for row in await fetch_rows(session, query)}


async def days_to_complete(
    session: AsyncSession,
    calendar: WorkingCalendar,
    scope: Organisation,
    period: Period,
    *,
    where: Any = None,
) -> Counter[int]:
    complaint = models.Complaint
    dialect = session.get_bind().dialect.name
    received_day = _wib_day(complaint.received_at, dialect)
    after_close = _wib_seconds(complaint.received_at, dialect) >= _seconds(calendar.office_close)
    resolved_day = _wib_day(complaint.resolved_at, dialect)
    query = (
        in_report(select(received_day, after_close, resolved_day, func.count()), scope, period)
        .where(complaint.resolved_at.is_not(None))
        .group_by(received_day, after_close, resolved_day)
    )
    if where is not None:
        query = query.where(where)
    rows = await fetch_rows(session, query)
    return elapsed_counts(calendar, period, rows)


def elapsed_counts(calendar: WorkingCalendar, period: Period, rows: list[Any]) -> Counter[int]:
    """Working days to complete, counted from (received day, after close?, resolved day, complaints) groups.

    Elapsed = working days after the receipt day up to the completion's effective day, i.e. the difference
    of the two days' ranks among working days; each distinct day is ranked once.
    """
    anchor = period.first_day - timedelta(days=1)  # before every receipt day and completion of the period
    receipts: dict[tuple[Any, bool], int] = {}
    completions: dict[Any, int] = {}
    days: Counter[int] = Counter()
    for received, late_in_day, resolved_on, count in rows:
        receipt = receipts.get((received, late_in_day))
        if receipt is None:
            stand_in = datetime.combine(_as_date(received), time.max if late_in_day else time(0), tzinfo=WIB)
            receipt = calendar.count_working_days(anchor, calendar.receipt_day(stand_in))
            receipts[(received, late_in_day)] = receipt
        completion = completions.get(resolved_on)
        if completion is None:
            effective = calendar.add_working_days(_as_date(resolved_on), 0)
            completion = completions[resolved_on] = calendar.count_working_days(anchor, effective)
        days[max(0, completion - receipt)] += count
    return days


async def returns_made(session: AsyncSession, scope: Organisation, period: Period) -> list[Any]:
    event = models.ComplaintEvent
    query = (
        select(event.org_id, event.trigger, event.reason, func.count())
        .where(event.trigger.in_(RETURN_TRIGGERS), event.at >= period.start, event.at < period.end)
        .group_by(event.org_id, event.trigger, event.reason)
    )
    if scope.kind is not OrgKind.PROVINCE:
        orgs = scope_orgs(scope)
        query = query.where(event.org_id.in_(orgs) | event.to_org_id.in_(orgs))
    return await fetch_rows(session, query)


async def fetch_rows(session: AsyncSession, query: Select[*tuple[Any, ...]]) -> list[Any]:
    # Plain Core rows: the ORM's per-row processing costs more than the grouping on a year of complaints.
    connection = await session.connection()
    return list((await connection.execute(query)).all())


async def organisations(session: AsyncSession) -> dict[int, Organisation]:
    org = models.Organisation
    rows = await fetch_rows(session, select(org.id, org.kind, org.code, org.name, org.parent_id, org.active))
    return {
        row.id: Organisation(row.id, OrgKind(row.kind), row.code, row.name, row.parent_id, row.active)
        for row in rows
    }


# -- dialects ---------------------------------------------------------------------------------------


_WIB_OFFSET_S = 7 * 3600  # WIB has had no daylight saving since 1964: a fixed offset is exact.
_DAY_S = 86400
_EPOCH_DAY = date(1970, 1, 1)
# Written into the SQL as a double: as a parameter or an integer, PostgreSQL would divide in slow numeric.
_DAY_FLOAT = literal_column(f"{_DAY_S}.0", Float)


def _wib_day(column: Any, dialect: str) -> Any:
    """The WIB calendar day of an instant: days since 1970-01-01 on PostgreSQL (arithmetic on the epoch in
    floating point is much cheaper than a time-zone conversion per row), an ISO date string on SQLite."""
    if dialect == "postgresql":
        return func.floor(_wib_epoch(column) / _DAY_FLOAT, type_=Float)
    return func.date(column, "+7 hours")


def _wib_seconds(column: Any, dialect: str) -> Any:
    """Seconds since WIB midnight."""
    if dialect == "postgresql":
        local = _wib_epoch(column)
        return local - func.floor(local / _DAY_FLOAT, type_=Float) * _DAY_FLOAT
    return cast(func.strftime("%s", column, "+7 hours"), Integer) % _DAY_S


def _wib_epoch(column: Any) -> Any:
    return func.date_part("epoch", column, type_=Float) + literal_column(f"{_WIB_OFFSET_S}.0", Float)


def _seconds(moment: time) -> int:
    return moment.hour * 3600 + moment.minute * 60 + moment.second


def _as_date(value: date | str | float) -> date:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        return date.fromisoformat(value)
    return _EPOCH_DAY + timedelta(days=int(value))
