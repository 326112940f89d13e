"""Which attachments still need our own copy of their bytes, and recording one once it is written.

Several bot processes may keep copies at once: a copy is content-addressed (the same bytes land at the same
path) and recording it is idempotent, so two keepers taking the same row waste a download, nothing more.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage import models

# A file that failed this often (too big for a bot to download, gone from Telegram) is left alone.
MAX_ATTEMPTS = 5


@dataclass(frozen=True)
class Unstored:
    id: int
    telegram_file_id: str
    bot_id: int | None


class AttachmentCopies:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.sessions = sessions

    async def unstored(self, bot_id: int, limit: int = 20) -> list[Unstored]:
        """Attachments without a copy whose file id this bot can use (its own, or not known yet), oldest
        first."""
        row = models.Attachment
        query = (
            select(row.id, row.telegram_file_id, row.bot_id)
            .where(
                row.stored_at.is_(None),
                row.store_attempts < MAX_ATTEMPTS,
                or_(row.bot_id.is_(None), row.bot_id == bot_id),
            )
            .order_by(row.id)
            .limit(limit)
        )
        async with self.sessions() as session:
            return [Unstored(*found) for found in (await session.execute(query)).all()]

    async def stored(self, attachment_id: int, *, bot_id: int, sha256: str, size: int, at: datetime) -> None:
        async with self.sessions.begin() as session:
            await session.execute(
                update(models.Attachment)
                .where(models.Attachment.id == attachment_id)
                .values(bot_id=bot_id, sha256=sha256, stored_size=size, stored_at=at, store_error=None)
            )

    async def failed(self, attachment_id: int, error: str) -> None:
        async with self.sessions.begin() as session:
            await session.execute(
                update(models.Attachment)
                .where(models.Attachment.id == attachment_id)
                .values(store_attempts=models.Attachment.store_attempts + 1, store_error=error[:500])
            )

    async def missing_count(self) -> int:
        """Attachments with no copy of ours (for `laporgub check`)."""
        async with self.sessions() as session:
            query = (
                select(func.count())
                .select_from(models.Attachment)
                .where(models.Attachment.stored_at.is_(None))
            )
            return int(await session.scalar(query) or 0)
