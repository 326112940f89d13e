"""The figures an operator watches, read from the database when they are asked for: complaints per state,
complaints past their deadline, and the outbox. Read at scrape time, so every process reports the same and
several workers need nothing shared."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncEngine

from storage import models
from storage.health import OutboxState, outbox_state
from workflow.definitions import DEFINITIONS


@dataclass(frozen=True)
class Figures:
    by_state: dict[tuple[str, str], int]  # (kind, state) -> complaints
    overdue: dict[tuple[str, str], int]  # (kind, state) -> unfinished complaints past their deadline
    outbox: OutboxState


def _unfinished() -> object:
    row = models.Complaint
    return or_(
        *(
            and_(row.kind == str(kind), row.state.not_in(sorted(definition.final_states)))
            for kind, definition in DEFINITIONS.items()
        )
    )


async def read_figures(engine: AsyncEngine, now: datetime) -> Figures:
    row = models.Complaint
    async with engine.connect() as connection:
        counted = await connection.execute(
            select(row.kind, row.state, func.count()).group_by(row.kind, row.state)
        )
        by_state = {(kind, state): int(n) for kind, state, n in counted}
        late = await connection.execute(
            select(row.kind, row.state, func.count())
            .where(_unfinished(), row.deadline < now)  # type: ignore[arg-type]
            .group_by(row.kind, row.state)
        )
        overdue = {(kind, state): int(n) for kind, state, n in late}
    return Figures(by_state=by_state, overdue=overdue, outbox=await outbox_state(engine))
