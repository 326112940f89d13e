"""What an operator (`laporgub check`) and a load balancer (`/readyz`) ask of the database: is it reachable,
is its schema at the migrations' head, and is the outbox moving."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import func, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from storage import models
from storage.database import alembic_config
from storage.models import utcnow
from storage.outbox.claims import OutboxStatus

# A pending notice older than this means the sender is stopped or stuck behind a failing chat.
OUTBOX_STUCK_AFTER = timedelta(minutes=10)


@dataclass(frozen=True)
class SchemaState:
    current: tuple[str, ...]
    head: tuple[str, ...]

    @property
    def at_head(self) -> bool:
        return set(self.current) == set(self.head)


@dataclass(frozen=True)
class OutboxState:
    pending: int
    failed: int
    oldest_pending_at: datetime | None

    def oldest_pending_age(self, now: datetime) -> timedelta | None:
        return None if self.oldest_pending_at is None else now - self.oldest_pending_at

    def stuck(self, now: datetime, after: timedelta = OUTBOX_STUCK_AFTER) -> bool:
        age = self.oldest_pending_age(now)
        return age is not None and age > after


def _revisions(connection: Connection) -> tuple[str, ...]:
    return tuple(MigrationContext.configure(connection).get_current_heads())


async def schema_state(engine: AsyncEngine) -> SchemaState:
    """Raises what the driver raises when the database cannot be reached."""
    async with engine.connect() as connection:
        await connection.execute(text("SELECT 1"))
        current = await connection.run_sync(_revisions)
    head = tuple(ScriptDirectory.from_config(alembic_config()).get_heads())
    return SchemaState(current=current, head=head)


async def outbox_state(engine: AsyncEngine) -> OutboxState:
    row = models.OutboxMessage
    async with engine.connect() as connection:
        pending, oldest = (
            await connection.execute(
                select(func.count(), func.min(row.created_at)).where(row.status == OutboxStatus.PENDING)
            )
        ).one()
        failed = await connection.scalar(
            select(func.count()).select_from(row).where(row.status == OutboxStatus.FAILED)
        )
    if oldest is not None and oldest.tzinfo is None:  # SQLite hands naive UTC back
        oldest = oldest.replace(tzinfo=utcnow().tzinfo)
    return OutboxState(pending=int(pending), failed=int(failed or 0), oldest_pending_at=oldest)


async def attachments_without_copy(engine: AsyncEngine, older_than: datetime) -> int:
    """Attachments that arrived before `older_than` and still have no copy of ours (bot/attachment_keeper.py):
    their evidence is lost if the bot is replaced."""
    row = models.Attachment
    async with engine.connect() as connection:
        count = await connection.scalar(
            select(func.count()).select_from(row).where(row.stored_at.is_(None), row.created_at < older_than)
        )
    return int(count or 0)
