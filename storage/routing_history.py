"""An office's own final decisions, read from the event log: what its pickers' suggestions learn from.

A decision is final when what the office chose stood: a disposition or forward not sent back, or a city's
return to the province that the province did not dispose back to it. Where a complaint was sent back from,
that target counts against it (`workflow.suggestions.PastDecision.returned_from`). Only the office's latest
`limit` complaints are read, newest first (index `ix_complaint_events_org_recent`), so the cost stays flat
however long the office has worked; `RoutingHistory` keeps them per process for a short while.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage import models
from storage.unit_of_work import using
from workflow.definitions import T
from workflow.suggestions import RETURN_TO_PROVINCE, Decided, PastDecision, decided

log = logging.getLogger(__name__)

HISTORY = 400  # an office's latest complaints it decided, the suggestions' memory
TTL_SECONDS = 120.0  # decisions made by another process (or a return to the office) are seen this late
# The office's own moves that choose a target; and, arriving at it, the moves that undo its choice.
CHOOSING = (T.DISPOSE, T.FORWARD, T.RETURN_TO_PROVINCE)
UNDOING = (T.RETURN_TO_PROVINCE, T.RETURN_TO_CITY, T.DISPOSE)
E = models.ComplaintEvent


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


async def past_decisions(
    session: AsyncSession, office_id: int, *, limit: int = HISTORY, codes: dict[int, str] | None = None
) -> list[PastDecision]:
    """The office's final decisions on the latest `limit` complaints it moved, newest first.

    `codes` (organisation id → code) may be given by a caller that keeps them; missing ones are read.
    """
    latest: dict[int, int] = {}
    for trigger in CHOOSING:
        rows = await session.execute(
            select(E.id, E.complaint_id)
            .where(E.org_id == office_id, E.trigger == trigger)
            .order_by(E.id.desc())
            .limit(limit)
        )
        for event_id, complaint_id in rows:
            latest[complaint_id] = max(latest.get(complaint_id, 0), event_id)
    chosen = sorted(latest, key=lambda c: -latest[c])[:limit]
    if not chosen:
        return []
    moves: dict[int, list[_Move]] = {c: [] for c in chosen}
    move_rows = await session.execute(
        select(E.complaint_id, E.trigger, E.org_id, E.to_org_id)
        .where(E.complaint_id.in_(chosen), or_(E.org_id == office_id, E.to_org_id == office_id))
        .order_by(E.complaint_id, E.version)
    )
    for complaint_id, move_trigger, org_id, to_org_id in move_rows:
        moves[complaint_id].append(_Move(move_trigger, org_id, to_org_id))
    texts = {
        row.id: row
        for row in await session.execute(
            select(
                models.Complaint.id,
                models.Complaint.subject,
                models.Complaint.chronology,
                models.Complaint.event_place,
            ).where(models.Complaint.id.in_(chosen))
        )
    }
    wanted = {m.to_org_id for ms in moves.values() for m in ms if m.to_org_id is not None}
    codes = codes if codes is not None else {}
    if not wanted <= codes.keys():
        query = select(models.Organisation.id, models.Organisation.code)
        codes.update({org_id: code for org_id, code in await session.execute(query)})
    out: list[PastDecision] = []
    for complaint_id in chosen:
        decision = final_decision(office_id, moves[complaint_id], lambda org: codes.get(org, str(org)))
        row = texts.get(complaint_id)
        if decision is None or row is None:
            continue
        out.append(
            PastDecision(
                text=f"{row.subject}. {row.chronology}",
                place=row.event_place,
                final=decision.final,
                returned_from=decision.returned_from,
            )
        )
    return out


class RoutingHistory:
    """`past_decisions` per office, made ready to compare with (`workflow.suggestions.decided`).

    A picker waits for the log only for an office this process has not read yet, or just after a return
    (`forget`). A copy older than `ttl` still answers at once while a fresh one is read beside it for the
    next picker, so decisions made by other processes show within `ttl` and a picker never waits for them.
    A decision made here (`record`) counts at once.
    """

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        *,
        ttl: float = TTL_SECONDS,
        limit: int = HISTORY,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.sessions = sessions
        self.ttl = ttl
        self.limit = limit
        self.clock = clock
        self._kept: dict[int, tuple[float, Decided]] = {}
        self._codes: dict[int, str] = {}  # organisation codes never change: read once
        # Bumped by every change made here, so that a read begun before it does not overwrite it.
        self._changes: dict[int, int] = {}
        self._reading: dict[int, asyncio.Task[Decided]] = {}

    async def of(self, office_id: int, *, session: AsyncSession | None = None) -> Decided:
        """The office's decisions as kept; read first in the caller's `session` (a refresh beside the
        pickers reads in a session of its own: it outlives the caller)."""
        kept = self._kept.get(office_id)
        change = self._changes.get(office_id, 0)
        if kept is None:
            return await self._read(office_id, change, session)
        if self.clock() - kept[0] >= self.ttl and office_id not in self._reading:
            task = asyncio.create_task(self._read(office_id, change))
            self._reading[office_id] = task
            task.add_done_callback(lambda done: self._read_over(office_id, done))
        return kept[1]

    async def settled(self) -> None:
        """Until the reads begun beside the pickers are over (tests, and a clean shutdown)."""
        while self._reading:
            await asyncio.wait(list(self._reading.values()))

    async def _read(self, office_id: int, change: int, session: AsyncSession | None = None) -> Decided:
        """The log's account, kept unless something changed here since `change` (counted when asked)."""
        async with using(self.sessions, session) as session:
            ready = decided(await past_decisions(session, office_id, limit=self.limit, codes=self._codes))
        if self._changes.get(office_id, 0) == change:
            self._kept[office_id] = (self.clock(), ready)
        return ready

    def _read_over(self, office_id: int, task: asyncio.Task[Decided]) -> None:
        self._reading.pop(office_id, None)
        if not task.cancelled() and task.exception() is not None:
            # The old copy goes on answering; the next picker after the TTL tries again.
            log.warning("reading office %s's decisions failed", office_id, exc_info=task.exception())

    def record(self, office_id: int, decision: PastDecision) -> None:
        """The office just decided here: its kept history takes the decision without reading the log again
        (its age unchanged, after which the log's own account replaces it)."""
        self._changes[office_id] = self._changes.get(office_id, 0) + 1
        kept = self._kept.get(office_id)
        if kept is not None:
            history = (decision, *kept[1].history)[: self.limit]
            self._kept[office_id] = (kept[0], decided(history))

    def forget(self, *office_ids: int | None) -> None:
        """Something undid a decision of these offices (a return): read theirs afresh next time."""
        for office_id in office_ids:
            if office_id is not None:
                self._changes[office_id] = self._changes.get(office_id, 0) + 1
                self._kept.pop(office_id, None)
