"""Linking a complaint an officer recorded to the complainant's Telegram account.

The proof is the tracking number plus the last four digits of the phone number on the complaint. Every
refusal is the same `LinkRefused`, whether the number does not exist, the digits are wrong or the complaint
is linked already, so an answer never tells a stranger that a number exists; and attempts are limited per
Telegram user (`MAX_ATTEMPTS` failures per `WINDOW`), so the 10,000 combinations cannot be tried.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage import models
from storage.data_errors import StorageError
from storage.unit_of_work import using
from storage.views import ComplaintInfo, complaint_of

MAX_ATTEMPTS = 5
WINDOW = timedelta(hours=1)


class LinkRefused(StorageError):
    def __init__(self) -> None:
        super().__init__("the tracking number and the phone digits do not match a complaint to link")


class TooManyAttempts(StorageError):
    def __init__(self, retry_at: datetime) -> None:
        super().__init__("too many linking attempts")
        self.retry_at = retry_at


class Linking:
    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], clock: Callable[[], datetime] = models.utcnow
    ) -> None:
        self.sessions = sessions
        self.clock = clock

    async def link(
        self, telegram_id: int, tracking_number: str, last_digits: str, *, session: AsyncSession | None = None
    ) -> ComplaintInfo:
        """Give the complaint's reporter this Telegram account; `LinkRefused` or `TooManyAttempts`. A refusal
        is raised once the failed attempt is written (in the caller's `session`, for its owner to commit)."""
        now = self.clock()
        async with using(self.sessions, session, write=True) as session:
            failures = list(
                await session.scalars(
                    select(models.LinkAttempt.at)
                    .where(
                        models.LinkAttempt.telegram_id == telegram_id,
                        models.LinkAttempt.at > now - WINDOW,
                        models.LinkAttempt.succeeded.is_(False),
                    )
                    .order_by(models.LinkAttempt.at)
                )
            )
            if len(failures) >= MAX_ATTEMPTS:
                raise TooManyAttempts(failures[-MAX_ATTEMPTS] + WINDOW)
            complaint, reporter = await _match(session, tracking_number, last_digits)
            linkable = reporter is not None and reporter.telegram_id is None
            if linkable:
                assert complaint is not None
                assert reporter is not None
                existing = await session.scalar(
                    select(models.Reporter).where(models.Reporter.telegram_id == telegram_id)
                )
                if existing is not None:
                    # This account already files complaints: the linked one joins its list.
                    complaint.reporter_id = existing.id
                else:
                    reporter.telegram_id = telegram_id
                # From now on the complainant answers for themselves in the bot (`workflow.engine`).
                await session.execute(
                    update(models.Complaint)
                    .where(models.Complaint.reporter_id == complaint.reporter_id)
                    .values(complainant_in_bot=True)
                    .execution_options(synchronize_session=False)
                )
                complaint.complainant_in_bot = True
            session.add(models.LinkAttempt(telegram_id=telegram_id, at=now, succeeded=linkable))
        if not linkable or complaint is None:
            raise LinkRefused()
        return complaint_of(complaint)


async def _match(
    session: AsyncSession, tracking_number: str, last_digits: str
) -> tuple[models.Complaint | None, models.Reporter | None]:
    complaint = await session.scalar(
        select(models.Complaint).where(models.Complaint.tracking_number == tracking_number.strip().upper())
    )
    reporter = await session.get(models.Reporter, complaint.reporter_id) if complaint else None
    digits = "".join(ch for ch in last_digits if ch.isdigit())
    on_file = reporter.phone[-4:] if reporter else "----"
    # A constant-time comparison, made even when there is no such complaint: timing tells nothing either.
    if len(digits) != 4 or not hmac.compare_digest(digits, on_file) or reporter is None:
        return None, None
    return complaint, reporter
