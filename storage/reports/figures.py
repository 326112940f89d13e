"""Figures for /rekap: what happened to the LaporGub complaints received in a period, within a scope.

* Scope: the province sees everything; a city the complaints that reached it or one of its OPDs; an OPD
  the complaints that reached it ("reached": some event put the complaint in that organisation's queue).
* Period: complaints *received* from the first day 00:00 WIB up to the end of the last day (WIB).
* Completed: approved by the province (step 6, `resolved_at`), whatever the reporter did afterwards.
  Working days to complete = `WorkingCalendar.working_days_elapsed(received_at, resolved_at)`; on time
  when <= 2.
* On-time share = completed on time / (completed + still open past the deadline): a complaint counts once
  it is finished or already late, so an agency that finishes nothing does not look punctual.
* Median: the middle value (mean of the two middle ones for an even count). 90th percentile: nearest rank,
  the smallest value that at least 90 % of completed complaints do not exceed.
* Overdue now: waiting on an admin (not resolved, closed or rejected) past the 2-working-day deadline.
* Organisations: `assigned` counts complaints whose slot of that tier names it (the city it was disposed to,
  the OPD it was forwarded to; the province holds every one), `in_queue` those waiting in its queue now.
* Returns: the returns *made during the period* (whatever the complaint's receipt date), by the organisation
  that returned it, with its reasons; a city or OPD sees those made by or sent back to its organisations.

Every figure is a grouped count the database makes from one index, without joining tables, and the queries
run side by side on their own connections (`storage.reports.queries`). At province scope, the complaints
already closed or rejected are counted from daily rollups kept as they finish (`storage.reports.rollups`)
and only the unfinished ones are read live; a city's or an OPD's report reads every complaint live (they
are a small share of the rows, and which complaints reached them depends on the events). The figures are
the same either way.
"""

from __future__ import annotations

import asyncio
import math
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import and_, case, func, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import aliased

from storage import models
from storage.reports.period import Period
from storage.reports.queries import (
    RETURN_TRIGGERS,
    days_to_complete,
    fetch_rows,
    grouped,
    in_report,
    organisations,
    returns_made,
)
from storage.reports.rollups import FinishedFigures, finished_figures
from workflow.actors import Organisation, OrgKind
from workflow.calendar import WorkingCalendar
from workflow.definitions import LAPORGUB
from workflow.sla import WAITING_STAGES

_T = TypeVar("_T")

TOP_REASONS = 5


@dataclass(frozen=True)
class OrgFigures:
    org_id: int
    name: str
    kind: OrgKind
    assigned: int
    in_queue: int
    overdue: int


@dataclass(frozen=True)
class OrgReturns:
    org_id: int
    name: str
    count: int
    by_trigger: Mapping[str, int]
    top_reasons: tuple[tuple[str, int], ...]  # the most frequent reasons, most frequent first


@dataclass(frozen=True)
class Ratings:
    count: int
    mean: float | None
    distribution: Mapping[int, int]  # stars 1..5 -> complaints


@dataclass(frozen=True)
class Report:
    scope: Organisation
    period: Period
    generated_at: datetime
    total: int
    by_state: Mapping[str, int]  # in workflow order, only states that occur
    by_channel: Mapping[str, int]  # most frequent first
    by_org: tuple[OrgFigures, ...]
    completed: int
    completed_on_time: int
    judged: int
    on_time_share: float | None
    median_days: float | None
    p90_days: int | None
    days_to_complete: Mapping[int, int]  # working days -> completed complaints
    overdue_now: int
    returns: tuple[OrgReturns, ...]
    ratings: Ratings
    # Complaints that carry their number in another system (SP4N-LAPOR! etc.), by that system, most first;
    # counted beside the channel they arrived by, not instead of it.
    by_reference: Mapping[str, int] = field(default_factory=dict)
    # Complaints joined to an earlier one about the same problem (storage/duplicates.py): counted in `total`
    # and by state like any other, and here apart; one waiting on no office is not in the queues or overdue.
    duplicates: int = 0


@dataclass(frozen=True)
class ComplaintRow:
    """One complaint with its timings, for the exports. No reporter identity."""

    tracking_number: str
    received_at: datetime
    state: str
    channel: str
    subject: str  # empty for a confidential complaint
    city: str
    opd: str
    holder: str
    deadline: datetime
    resolved_at: datetime | None
    working_days_to_complete: int | None
    on_time: bool | None
    overdue_now: bool
    returns: int
    rating: int | None
    duplicate_of: str = ""  # the earlier complaint's number, for a complaint joined to it


async def build_report(
    sessions: async_sessionmaker[AsyncSession],
    calendar: WorkingCalendar,
    scope: Organisation,
    period: Period,
    *,
    now: datetime,
    working_days: int = 2,
    from_rollups: bool = True,
) -> Report:
    """The report; `from_rollups=False` reads a province's finished complaints live (to check rollups)."""
    complaint = models.Complaint
    waiting = complaint.state.in_(WAITING_STAGES)
    late = complaint.deadline < now

    async def read(work: Callable[[AsyncSession], Awaitable[_T]]) -> _T:
        async with sessions() as session:
            if session.get_bind().dialect.name == "postgresql":
                # Compiling these aggregates costs more than running them: JIT would add ~100 ms a query.
                await session.execute(text("SET LOCAL jit = off"))
            return await work(session)

    # A province reads its finished complaints from the daily rollups and only the others live.
    rollups = from_rollups and scope.kind is OrgKind.PROVINCE
    live = text(models.UNFINISHED_FILTER) if rollups else None
    # Each query on its own connection, all at once: the database works on them side by side.
    duplicate = complaint.duplicate_of_id.is_not(None)
    # Gathers of four awaited together: asyncio.gather is typed for at most six awaitables.
    (names, mix, slots, queues), (days, returned, finished, references), joined = await asyncio.gather(
        asyncio.gather(
            read(organisations),
            read(
                lambda s: grouped(
                    s, scope, period, complaint.state, complaint.channel, complaint.rating, where=live
                )
            ),
            read(
                lambda s: grouped(s, scope, period, complaint.city_org_id, complaint.opd_org_id, where=live)
            ),
            read(
                lambda s: grouped(
                    s,
                    scope,
                    period,
                    complaint.current_org_id,
                    case((late, 1), else_=0),
                    where=waiting if live is None else and_(waiting, live),
                )
            ),
        ),
        asyncio.gather(
            read(lambda s: days_to_complete(s, calendar, scope, period, where=live)),
            read(lambda s: returns_made(s, scope, period)),
            read(lambda s: finished_figures(s, calendar, period)) if rollups else _nothing(),
            read(
                lambda s: grouped(
                    s, scope, period, complaint.external_system, where=complaint.external_system.is_not(None)
                )
            ),
        ),
        # Few rows, through ix_complaints_duplicate_of_id: the duplicates, and those of them "waiting".
        read(
            lambda s: grouped(
                s, scope, period, complaint.current_org_id, waiting, case((late, 1), else_=0), where=duplicate
            )
        ),
    )
    # A duplicate waiting in an office's state follows another complaint: no office's queue holds it.
    following = Counter(
        {(org_id, is_late): count for (org_id, is_waiting, is_late), count in joined.items() if is_waiting}
    )
    queues = {key: count for key, count in (Counter(queues) - following).items() if count > 0}
    if finished is not None:
        mix = dict(Counter(mix) + finished.mix)
        slots = dict(Counter(slots) + finished.slots)
        if finished.days is None:  # some were counted at another office close: read them all live
            days = await read(lambda s: days_to_complete(s, calendar, scope, period))
        else:
            days = days + finished.days
    state_order = {state: index for index, state in enumerate(LAPORGUB.holders)}
    by_state: Counter[str] = Counter()
    by_channel: Counter[str] = Counter()
    stars: Counter[int] = Counter()
    for (state, channel, rating), count in mix.items():
        by_state[state] += count
        by_channel[channel] += count
        if rating is not None:
            stars[rating] += count
    overdue_now = sum(count for (_, is_late), count in queues.items() if is_late)
    completed = sum(days.values())
    on_time = sum(count for elapsed, count in days.items() if elapsed <= working_days)
    judged = completed + overdue_now
    rated = sum(stars.values())
    return Report(
        scope=scope,
        period=period,
        generated_at=now,
        total=sum(by_state.values()),
        by_state=dict(sorted(by_state.items(), key=lambda item: state_order.get(item[0], len(state_order)))),
        by_channel=dict(sorted(by_channel.items(), key=lambda item: (-item[1], item[0]))),
        by_org=_org_figures(scope, names, slots, queues, sum(by_state.values())),
        completed=completed,
        completed_on_time=on_time,
        judged=judged,
        on_time_share=on_time / judged if judged else None,
        median_days=_median(days),
        p90_days=_nearest_rank(days, 0.9),
        days_to_complete=dict(sorted(days.items())),
        overdue_now=overdue_now,
        returns=_org_returns(returned, names),
        ratings=Ratings(
            count=rated,
            mean=sum(stars_ * n for stars_, n in stars.items()) / rated if rated else None,
            distribution={value: stars.get(value, 0) for value in range(1, 6)},
        ),
        by_reference={
            system: count
            for (system,), count in sorted(references.items(), key=lambda item: (-item[1], item[0]))
        },
        duplicates=sum(joined.values()),
    )


async def complaint_rows(
    sessions: async_sessionmaker[AsyncSession],
    calendar: WorkingCalendar,
    scope: Organisation,
    period: Period,
    *,
    now: datetime,
    working_days: int = 2,
) -> list[ComplaintRow]:
    """Every complaint of the report with its timings, oldest first."""
    complaint, event = models.Complaint, models.ComplaintEvent
    earlier = aliased(models.Complaint)
    # Returns of complaints received in the period happened after it began: one grouped read of the index.
    returns = (
        select(event.complaint_id, func.count().label("returns"))
        .where(event.trigger.in_(RETURN_TRIGGERS), event.at >= period.start)
        .group_by(event.complaint_id)
        .subquery()
    )
    query = in_report(
        select(
            complaint.tracking_number,
            complaint.received_at,
            complaint.state,
            complaint.channel,
            complaint.confidential,
            complaint.subject,
            complaint.city_org_id,
            complaint.opd_org_id,
            complaint.current_org_id,
            complaint.deadline,
            complaint.resolved_at,
            complaint.rating,
            complaint.duplicate_of_id,
            returns.c.returns,
            earlier.tracking_number.label("earlier_number"),
        )
        .outerjoin(returns, returns.c.complaint_id == complaint.id)
        .outerjoin(earlier, earlier.id == complaint.duplicate_of_id),
        scope,
        period,
    ).order_by(complaint.received_at, complaint.id)
    async with sessions() as session:
        names = await organisations(session)
        found = await fetch_rows(session, query)
    rows = []
    for row in found:
        resolved_at = row.resolved_at
        elapsed = calendar.working_days_elapsed(row.received_at, resolved_at) if resolved_at else None
        rows.append(
            ComplaintRow(
                tracking_number=row.tracking_number,
                received_at=row.received_at,
                state=row.state,
                channel=row.channel,
                subject="" if row.confidential else row.subject,
                city=names[row.city_org_id].name if row.city_org_id else "",
                opd=names[row.opd_org_id].name if row.opd_org_id else "",
                holder=names[row.current_org_id].name if row.current_org_id else "",
                deadline=row.deadline,
                resolved_at=resolved_at,
                working_days_to_complete=elapsed,
                on_time=None if elapsed is None else elapsed <= working_days,
                overdue_now=row.state in WAITING_STAGES
                and row.deadline < now
                and row.duplicate_of_id is None,
                returns=row.returns or 0,
                rating=row.rating,
                duplicate_of=row.earlier_number or "",
            )
        )
    return rows


async def _nothing() -> FinishedFigures | None:
    return None


def _org_returns(rows: list[Any], names: Mapping[int, Organisation]) -> tuple[OrgReturns, ...]:
    by_trigger: dict[int, Counter[str]] = defaultdict(Counter)
    reasons: dict[int, Counter[str]] = defaultdict(Counter)
    for org_id, trigger, reason, count in rows:
        by_trigger[org_id][trigger] += count
        reasons[org_id][(reason or "").strip()] += count
    figures = [
        OrgReturns(
            org_id=org_id,
            name=names[org_id].name if org_id in names else str(org_id),
            count=sum(triggers.values()),
            by_trigger=dict(sorted(triggers.items())),
            top_reasons=tuple(
                sorted(reasons[org_id].items(), key=lambda item: (-item[1], item[0]))[:TOP_REASONS]
            ),
        )
        for org_id, triggers in by_trigger.items()
    ]
    return tuple(sorted(figures, key=lambda figure: (-figure.count, figure.name)))


def _org_figures(
    scope: Organisation,
    names: Mapping[int, Organisation],
    slots: Mapping[tuple[Any, ...], int],
    queues: Mapping[tuple[Any, ...], int],
    total: int,
) -> tuple[OrgFigures, ...]:
    assigned: Counter[int] = Counter()
    for (city_id, opd_id), count in slots.items():
        for org_id in (city_id, opd_id):
            if org_id is not None:
                assigned[org_id] += count
    in_queue: Counter[int] = Counter()
    overdue: Counter[int] = Counter()
    for (org_id, is_late), count in queues.items():
        in_queue[org_id] += count
        overdue[org_id] += count if is_late else 0
    if scope.kind is OrgKind.PROVINCE:
        assigned[scope.id] = total
    visible = {org_id for org_id in names if _within(names[org_id], scope)}
    figures = [
        OrgFigures(
            org_id,
            names[org_id].name,
            names[org_id].kind,
            assigned[org_id],
            in_queue[org_id],
            overdue[org_id],
        )
        for org_id in visible
        if assigned[org_id] or in_queue[org_id]
    ]
    tier = {OrgKind.PROVINCE: 0, OrgKind.CITY: 1, OrgKind.OPD: 2}
    return tuple(sorted(figures, key=lambda f: (tier[f.kind], -f.assigned, f.name)))


def _within(org: Organisation, scope: Organisation) -> bool:
    if scope.kind is OrgKind.PROVINCE:
        return True
    return org.id == scope.id or (scope.kind is OrgKind.CITY and org.parent_id == scope.id)


# -- statistics -------------------------------------------------------------------------------------


def _value_at_rank(counts: Mapping[int, int], rank: int) -> int:
    """The value at 1-based `rank` of the sorted values the counts stand for."""
    seen = 0
    for value, count in sorted(counts.items()):
        seen += count
        if seen >= rank:
            return value
    raise ValueError(f"rank {rank} beyond {seen} values")


def _median(counts: Mapping[int, int]) -> float | None:
    n = sum(counts.values())
    if n == 0:
        return None
    if n % 2:
        return float(_value_at_rank(counts, n // 2 + 1))
    return (_value_at_rank(counts, n // 2) + _value_at_rank(counts, n // 2 + 1)) / 2


def _nearest_rank(counts: Mapping[int, int], share: float) -> int | None:
    n = sum(counts.values())
    return _value_at_rank(counts, max(1, math.ceil(share * n))) if n else None
