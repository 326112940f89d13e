"""An office's own final decisions, read from the event log: what its pickers' suggestions learn from.

A decision is final when what the office chose stood: a disposition or forward not sent back, or a city's
return to the province that the province did not dispose back to it. Where a complaint was sent back from,
that target counts against it (`workflow.suggestions.PastDecision.returned_from`). Only the office's latest
`limit` complaints count, newest first (index `ix_complaint_events_org_recent`), so the cost stays flat
however long the office has worked.

`RoutingHistory` keeps them per process. It reads an office whole once, then only catches up: the moves of
the complaints the office chose, or that came back to it (`ix_complaint_events_to_org_recent`), since the
last read, each such complaint's decision worked out again from all its moves to and from the office (so a
return still counts against the target it came back from). `warm` reads whole, in the background at the bot's
start, the offices that route, so their first picker in a process finds the history kept.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache, partial
from typing import Any

from sqlalchemy import Select, bindparam, func, or_, select, true, union, union_all
from sqlalchemy import event as orm_event
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage import models
from storage.unit_of_work import using
from workflow.actors import OrgKind, Role
from workflow.definitions import T
from workflow.suggestions import RETURN_TO_PROVINCE, Decided, PastDecision, decided

log = logging.getLogger(__name__)

HISTORY = 400  # an office's latest complaints it decided, the suggestions' memory
TTL_SECONDS = 120.0  # decisions made by another process (or a return to the office) are seen this late
WHOLE_SECONDS = 3600.0  # an office's kept history is read whole again this often, beside its pickers
# How long a step's transaction may hold an event written and not yet committed: a catch-up reads again
# every event written in the last this-long before the previous read (the process's own clock).
IN_FLIGHT_SECONDS = 10.0
# The office's own moves that choose a target; and, arriving at it, the moves that undo its choice.
CHOOSING = (T.DISPOSE, T.FORWARD, T.RETURN_TO_PROVINCE)
UNDOING = (T.RETURN_TO_PROVINCE, T.RETURN_TO_CITY, T.DISPOSE)
MOVES = tuple(sorted(set(CHOOSING) | set(UNDOING)))  # the only moves `final_decision` looks at
E = models.ComplaintEvent
C = models.Complaint


@dataclass(frozen=True)
class _Move:
    trigger: str
    org_id: int | None
    to_org_id: int | None


def final_decision(office_id: int, moves: list[_Move], code_of: Callable[[int], str]) -> PastDecision | None:
    """One complaint's moves to and from `office_id`, oldest first: where it went, and came back from."""
    current: str | None = None
    returned: list[str] = []
    for move in moves:
        if move.org_id == office_id and move.trigger == T.RETURN_TO_PROVINCE:
            current = RETURN_TO_PROVINCE
        elif move.org_id == office_id and move.trigger in CHOOSING and move.to_org_id is not None:
            current = code_of(move.to_org_id)
        elif move.to_org_id == office_id and move.trigger in UNDOING and current is not None:
            returned.append(current)
            current = None
    if current is None:
        return None
    return PastDecision(text="", place="", final=current, returned_from=tuple(returned))


@dataclass(frozen=True)
class _Entry:
    """One complaint the office chose a target for: the id of its latest such move, and what stands."""

    chosen: int
    decision: PastDecision | None  # None: sent back, nothing final yet


@dataclass
class _Read:
    """What one statement told of an office: its complaints' entries and the log's highest event id."""

    entries: dict[int, _Entry]
    watermark: int


def _moves_of(complaints: Any) -> Select[Any]:
    """The moves to and from the office (`office`) of `complaints` (a subquery of ids), with each complaint's
    text, after one row holding the log's highest event id (so that a read of nothing still says it)."""
    moves = (
        select(
            E.complaint_id,
            E.id,
            E.version,
            E.trigger,
            E.org_id,
            E.to_org_id,
            C.subject,
            C.chronology,
            C.event_place,
        )
        .join(C, C.id == E.complaint_id)
        .where(
            E.complaint_id.in_(complaints),
            E.trigger.in_(MOVES),
            or_(E.org_id == bindparam("office"), E.to_org_id == bindparam("office")),
        )
        .subquery()
    )
    watermark = select(func.coalesce(func.max(E.id), 0).label("watermark")).subquery()
    return (
        select(watermark.c.watermark, *[column for column in moves.c if column.name != "version"])
        .select_from(watermark)
        .outerjoin(moves, true())
        .order_by(moves.c.complaint_id, moves.c.version)
    )


@lru_cache(maxsize=8)
def _whole(limit: int) -> Select[Any]:
    """The office's latest `limit` complaints it chose a target for, by the latest such move."""
    latest = [
        select(E.complaint_id, E.id)
        .where(E.org_id == bindparam("office"), E.trigger == trigger)
        .order_by(E.id.desc())
        .limit(limit)
        .subquery()
        for trigger in CHOOSING
    ]
    moves = union_all(*(select(sub.c.complaint_id, sub.c.id) for sub in latest)).subquery()
    chosen = (
        select(moves.c.complaint_id)
        .group_by(moves.c.complaint_id)
        .order_by(func.max(moves.c.id).desc())
        .limit(limit)
    )
    return _moves_of(chosen)


@lru_cache(maxsize=1)
def _since() -> Select[Any]:
    """The complaints the office chose a target for, or that came back to it, after event `after`."""
    chose = select(E.complaint_id).where(
        E.org_id == bindparam("office"), E.trigger.in_(CHOOSING), E.id > bindparam("after")
    )
    came = select(E.complaint_id).where(E.to_org_id == bindparam("office"), E.id > bindparam("after"))
    return _moves_of(union(chose, came))


async def _read(
    session: AsyncSession,
    office_id: int,
    statement: Select[Any],
    values: dict[str, Any],
    codes: dict[int, str],
) -> _Read:
    rows = (await session.execute(statement, {"office": office_id, **values})).all()
    moves: dict[int, list[_Move]] = {}
    chosen: dict[int, int] = {}
    texts: dict[int, tuple[str, str]] = {}
    for _, complaint_id, event_id, trigger, org_id, to_org_id, subject, chronology, place in rows:
        if complaint_id is None:  # the watermark's row when nothing was read
            continue
        if complaint_id not in moves:
            moves[complaint_id] = []
            texts[complaint_id] = (f"{subject}. {chronology}", place)
        moves[complaint_id].append(_Move(trigger, org_id, to_org_id))
        if org_id == office_id and trigger in CHOOSING:
            chosen[complaint_id] = max(chosen.get(complaint_id, 0), event_id)
    wanted = {m.to_org_id for ms in moves.values() for m in ms if m.to_org_id is not None}
    if not wanted <= codes.keys():
        query = select(models.Organisation.id, models.Organisation.code)
        codes.update({org_id: code for org_id, code in await session.execute(query)})
    entries: dict[int, _Entry] = {}
    for complaint_id, latest in chosen.items():
        decision = final_decision(office_id, moves[complaint_id], lambda org: codes.get(org, str(org)))
        if decision is not None:
            text, place = texts[complaint_id]
            decision = PastDecision(text, place, decision.final, decision.returned_from)
        entries[complaint_id] = _Entry(latest, decision)
    return _Read(entries, rows[0][0] if rows else 0)


def _newest_first(entries: Iterable[_Entry], limit: int) -> list[_Entry]:
    return sorted(entries, key=lambda entry: -entry.chosen)[:limit]


async def past_decisions(
    session: AsyncSession, office_id: int, *, limit: int = HISTORY, codes: dict[int, str] | None = None
) -> list[PastDecision]:
    """The office's final decisions on the latest `limit` complaints it moved, newest first.

    `codes` (organisation id → code) may be given by a caller that keeps them; missing ones are read.
    """
    found = await _read(session, office_id, _whole(limit), {}, codes if codes is not None else {})
    return [e.decision for e in _newest_first(found.entries.values(), limit) if e.decision is not None]


async def routing_offices(session: AsyncSession) -> list[int]:
    """The offices whose admins choose targets in the pickers: the province's and the cities' Dinkominfo
    offices with an active admin of their own role (an officer's desk alone routes nothing)."""
    org, admin = models.Organisation, models.Admin
    query = (
        select(org.id)
        .join(admin, admin.org_id == org.id)
        .where(
            org.active.is_(True),
            org.kind.in_([OrgKind.PROVINCE, OrgKind.CITY]),
            admin.active.is_(True),
            admin.role.in_([Role.PROVINCE, Role.CITY]),
        )
        .distinct()
        .order_by(org.id)
    )
    return list(await session.scalars(query))


@dataclass
class _Kept:
    entries: dict[int, _Entry]
    ready: Decided
    read_at: float  # the clock when the last read began
    whole_at: float  # the same, of the last whole read
    after: int | None  # the event id after which the next catch-up reads; None: read whole


class RoutingHistory:
    """`past_decisions` per office, made ready to compare with (`workflow.suggestions.decided`).

    An office is read whole the first time, then caught up: only the moves written since its last read
    (`IN_FLIGHT_SECONDS` says how "since" allows for transactions still open), its prepared history rebuilt
    only when one of its complaints changed. A picker waits for the log only for an office this process
    has not read yet, or just after a return (`forget`: a catch-up). A copy older than `ttl` still answers
    at once while it is caught up beside it, so decisions made by other processes show within `ttl` and a
    picker never waits for them; every `whole_every` seconds that read is a whole one. A decision made here
    (`record`) counts from its commit.
    """

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        *,
        ttl: float = TTL_SECONDS,
        limit: int = HISTORY,
        clock: Callable[[], float] = time.monotonic,
        in_flight: float = IN_FLIGHT_SECONDS,
        whole_every: float = WHOLE_SECONDS,
    ) -> None:
        self.sessions = sessions
        self.ttl = ttl
        self.limit = limit
        self.clock = clock
        self.in_flight = in_flight
        self.whole_every = whole_every
        self._kept: dict[int, _Kept] = {}
        self._codes: dict[int, str] = {}  # organisation codes never change: read once
        # (the clock when a read ended, the log's highest event id it saw), of every office, oldest first:
        # every event with a lower id was written before that time.
        self._watermarks: list[tuple[float, int]] = []
        # Every change made here (a recorded decision, a forget) takes the next number; a read notes the
        # number it began at, so that it neither loses nor outlives a change made while it ran.
        self._change = 0
        self._stale: dict[int, int] = {}  # office → the change after which it must be caught up
        # Decisions recorded here and not yet read from the log: office → complaint → (change, decision).
        self._recorded: dict[int, dict[int, tuple[int, PastDecision]]] = {}
        self._locks: dict[int, asyncio.Lock] = {}
        self._reading: dict[int, asyncio.Task[Decided]] = {}
        self._warming: asyncio.Task[int] | None = None

    async def of(self, office_id: int, *, session: AsyncSession | None = None) -> Decided:
        """The office's decisions as kept; read first in the caller's `session` (a refresh beside the
        pickers reads in a session of its own: it outlives the caller)."""
        kept = self._kept.get(office_id)
        if kept is None and (reading := self._reading.get(office_id)) is not None:
            # Being read whole beside the pickers (`warm`): this picker waits for that read, not a second.
            await asyncio.wait([reading])
            kept = self._kept.get(office_id)
        if kept is None or office_id in self._stale:
            return await self._refresh(office_id, session)
        if self.clock() - kept.read_at >= self.ttl and office_id not in self._reading:
            task = asyncio.create_task(self._refresh(office_id))
            self._reading[office_id] = task
            task.add_done_callback(lambda done: self._read_over(office_id, done))
        return kept.ready

    async def warm(self) -> int:
        """Read whole, one after another, the offices that route (`routing_offices`) this process has not
        read yet; how many were read. A picker of an office being read waits for that read."""
        async with self.sessions() as session:
            offices = await routing_offices(session)
        read = 0
        for office_id in offices:
            if office_id in self._kept or office_id in self._reading:
                continue
            task = asyncio.create_task(self._refresh(office_id))
            self._reading[office_id] = task
            task.add_done_callback(partial(self._read_over, office_id))
            await asyncio.wait([task])
            read += not task.cancelled() and task.exception() is None
        return read

    def start_warming(self) -> None:
        """`warm` in the background (the bot's start-up does not wait for it)."""
        if self._warming is None or self._warming.done():
            self._warming = asyncio.create_task(self.warm())
            self._warming.add_done_callback(_warmed)

    async def warmed(self) -> None:
        """Until `warm`, begun by `start_warming`, is over (tests that count what an update costs)."""
        if self._warming is not None:
            await asyncio.wait([self._warming])

    async def stop_warming(self) -> None:
        """Stop `warm` where it is, and wait for the read it began (a clean shutdown)."""
        if self._warming is not None:
            self._warming.cancel()
            await asyncio.wait([self._warming])
        await self.settled()

    async def settled(self) -> None:
        """Until the reads begun beside the pickers are over (tests, and a clean shutdown)."""
        while self._reading:
            await asyncio.wait(list(self._reading.values()))

    async def _refresh(self, office_id: int, session: AsyncSession | None = None) -> Decided:
        """Read the office whole or catch it up: one read of an office at a time, each over the last."""
        async with self._locks.setdefault(office_id, asyncio.Lock()):
            kept = self._kept.get(office_id)
            began, change = self.clock(), self._change
            whole = kept is None or kept.after is None or began - kept.whole_at >= self.whole_every
            async with using(self.sessions, session) as session:
                if whole or kept is None:
                    found = await _read(session, office_id, _whole(self.limit), {}, self._codes)
                    entries, changed = found.entries, True
                else:
                    found = await _read(session, office_id, _since(), {"after": kept.after}, self._codes)
                    changed = any(kept.entries.get(c) != entry for c, entry in found.entries.items())
                    entries = {**kept.entries, **found.entries} if changed else kept.entries
            self._watermarks.append((self.clock(), found.watermark))
            if changed:
                newest = sorted(entries.items(), key=lambda item: -item[1].chosen)[: self.limit]
                entries = dict(newest)
            recorded = self._recorded.get(office_id, {})
            # A decision recorded before this read began is in the log now, or its transaction failed.
            done = [complaint_id for complaint_id, (n, _) in recorded.items() if n <= change]
            for complaint_id in done:
                del recorded[complaint_id]
            ready = self._prepared(office_id, entries) if changed or done or kept is None else kept.ready
            self._kept[office_id] = _Kept(
                entries,
                ready,
                began,
                began if whole or kept is None else kept.whole_at,
                self._watermark_before(began - self.in_flight),
            )
            if self._stale.get(office_id, change + 1) <= change:
                del self._stale[office_id]
            return ready

    def _watermark_before(self, moment: float) -> int | None:
        """The highest event id seen by a read that ended by `moment`: every event with a lower id was written
        before then, so committed (or gone) by the read that began `in_flight` later, which saw it. The
        next catch-up reads only what is newer. None when no read is that old: read whole again."""
        older = [watermark for ended, watermark in self._watermarks if ended <= moment]
        if len(older) > 1:
            self._watermarks = self._watermarks[len(older) - 1 :]
        return max(older) if older else None

    def _prepared(self, office_id: int, entries: dict[int, _Entry]) -> Decided:
        recorded = sorted(self._recorded.get(office_id, {}).items(), key=lambda item: -item[1][0])
        history = [decision for complaint_id, (_, decision) in recorded]
        mine = {complaint_id for complaint_id, _ in recorded}
        history += [
            e.decision
            for c, e in sorted(entries.items(), key=lambda item: -item[1].chosen)
            if e.decision is not None and c not in mine
        ]
        return decided(history[: self.limit])

    def _read_over(self, office_id: int, task: asyncio.Task[Decided]) -> None:
        self._reading.pop(office_id, None)
        if not task.cancelled() and task.exception() is not None:
            # The old copy goes on answering; the next picker after the TTL tries again.
            log.warning("reading office %s's decisions failed", office_id, exc_info=task.exception())

    def record(
        self,
        office_id: int,
        decision: PastDecision,
        *,
        complaint_id: int,
        session: AsyncSession | None = None,
    ) -> None:
        """The office just decided `complaint_id` here: its kept history takes the decision without reading
        the log (until a read that began after it finds it there). Given the session of the step's
        uncommitted transaction, it counts once that commits, and not at all if it rolls back."""
        if session is not None and session.in_transaction():
            _on_commit(session, lambda: self.record(office_id, decision, complaint_id=complaint_id))
            return
        self._change += 1
        self._recorded.setdefault(office_id, {})[complaint_id] = (self._change, decision)
        kept = self._kept.get(office_id)
        if kept is not None:
            kept.ready = self._prepared(office_id, kept.entries)

    def forget(self, *office_ids: int | None) -> None:
        """Something undid a decision of these offices (a return): their next picker waits for a
        catch-up."""
        for office_id in office_ids:
            if office_id is not None:
                self._change += 1
                self._stale[office_id] = self._change

    def reset(self, *office_ids: int) -> None:
        """Read these offices whole next time."""
        for office_id in office_ids:
            self._kept.pop(office_id, None)


def _warmed(task: asyncio.Task[int]) -> None:
    if task.cancelled():
        return
    if task.exception() is not None:
        # The pickers read each office at their first use instead, as without the warm-up.
        log.warning("reading the offices' routing history at start failed", exc_info=task.exception())
    else:
        log.info("routing history of %d office(s) read at start", task.result())


def _on_commit(session: AsyncSession, then: Callable[[], None]) -> None:
    """Call `then` once the session's current transaction commits; never, should it roll back."""
    sync = session.sync_session
    over = [False]

    def committed(_: Any) -> None:
        if not over[0]:
            over[0] = True
            then()

    def rolled_back(_: Any) -> None:
        over[0] = True

    orm_event.listen(sync, "after_commit", committed, once=True)
    orm_event.listen(sync, "after_rollback", rolled_back, once=True)
