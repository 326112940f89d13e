"""Claiming and settling outbox rows: at-least-once delivery, in order per chat, never by two senders at once.

A sender claims the oldest undelivered row of each chat (the head) with a lease. A later row of a chat is
not claimable while an earlier one is undelivered, so a chat's messages go out in order even across
retries and several senders. A claim is a guarded UPDATE (only rows with no live lease), so two senders can
never hold the same row; on PostgreSQL the candidate rows are also read `FOR UPDATE SKIP LOCKED` so
competing senders pass over each other instead of waiting.

The one window: a row is sent, Telegram answers, and the sender dies before the row is recorded as sent.
The lease then runs out and the row is sent again. Telegram's sendMessage has no idempotency key, so that
window can only be kept small, not closed. A sender records the rows it sent together, in the transaction
of its next claim (`settle_and_claim`), at most a fraction of a second after the first of them went out
(bot/notices/sender.py): a transaction per claim rather than one per row, for a window still shorter than
the interval Telegram keeps between two messages to one chat. What a claim's rows need to be rendered
(their complaint, their recipient) is read in that transaction too (`prepare`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import BigInteger, ScalarSelect, case, cast, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage import models


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"  # Telegram refused it for good (400, 403): recorded, not retried


@dataclass(frozen=True)
class OutboxEntry:
    id: int
    chat_id: int
    kind: str
    complaint_id: int | None
    complaint_version: int | None
    payload: dict[str, Any]
    attempts: int


@dataclass(frozen=True)
class Sent:
    """A claimed row Telegram has answered for, not yet recorded as sent."""

    entry_id: int
    telegram_message_id: int | None


@dataclass(frozen=True)
class Claim:
    entries: list[OutboxEntry]
    # Of the rows handed in as sent, those recorded now (the rest were no longer this sender's).
    recorded: frozenset[int]
    # Asked for when nothing was claimable: how long until a row may be (None: nothing pending unleased).
    due_in: timedelta | None = None


# Reads what the claimed rows need, in the claim's transaction (the sender's deliver function's business).
Prepare = Callable[[AsyncSession, list[OutboxEntry]], Awaitable[None]]


class Outbox:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: Callable[[], datetime] = models.utcnow,
        lease: timedelta = timedelta(seconds=60),
    ) -> None:
        self.sessions = sessions
        self.clock = clock
        self.lease = lease

    async def claim(self, sender_id: str, *, limit: int = 50) -> list[OutboxEntry]:
        """Lease the next deliverable row of up to `limit` chats to this sender."""
        return (await self.settle_and_claim(sender_id, limit=limit)).entries

    async def settle_and_claim(
        self,
        sender_id: str,
        *,
        sent: Sequence[Sent] = (),
        limit: int = 50,
        prepare: Prepare | None = None,
        due: bool = False,
    ) -> Claim:
        """In one transaction: record the rows this sender has `sent`, lease the next deliverable row of up
        to `limit` chats to it (a chat whose row was just recorded may offer its next one), let `prepare`
        read what those rows need, and (`due`) when none was claimable, how long until one is."""
        async with self.sessions.begin() as session:
            recorded = await self._record_sent(session, sender_id, sent)
            entries = await self._claim(session, sender_id, limit) if limit > 0 else []
            if entries and prepare is not None:
                await prepare(session, entries)
            due_in = await self._due_in(session) if due and not entries else None
        return Claim(entries, recorded, due_in)

    async def _claim(self, session: AsyncSession, sender_id: str, limit: int) -> list[OutboxEntry]:
        now = self.clock()
        row = models.OutboxMessage
        heads = _chat_heads()
        free = or_(row.claimed_until.is_(None), row.claimed_until < now)
        candidates = (
            select(row.id)
            .where(row.id.in_(heads), row.next_attempt_at <= now, free)
            .order_by(row.id)
            .limit(limit)
        )
        if session.get_bind().dialect.name == "postgresql":
            candidates = candidates.with_for_update(skip_locked=True)
        ids = list(await session.scalars(candidates))
        if not ids:
            return []
        claimed = await session.scalars(
            update(row)
            .where(row.id.in_(ids), row.status == OutboxStatus.PENDING, free)
            .values(claimed_by=sender_id, claimed_until=now + self.lease)
            .returning(row)
        )
        return sorted(map(_entry, claimed), key=lambda entry: entry.id)

    async def _record_sent(
        self, session: AsyncSession, sender_id: str, sent: Sequence[Sent]
    ) -> frozenset[int]:
        if not sent:
            return frozenset()
        row = models.OutboxMessage
        message_ids = {item.entry_id: item.telegram_message_id for item in sent}
        recorded = await session.scalars(
            update(row)
            .where(row.id.in_(message_ids), row.claimed_by == sender_id, row.status == OutboxStatus.PENDING)
            .values(
                status=OutboxStatus.SENT,
                sent_at=self.clock(),
                # Typed: with no message id among them, PostgreSQL would take the CASE for text.
                telegram_message_id=cast(case(message_ids, value=row.id), BigInteger),
                attempts=row.attempts + 1,
                claimed_by=None,
                claimed_until=None,
            )
            .returning(row.id)
            .execution_options(synchronize_session=False)
        )
        return frozenset(recorded)

    async def mark_sent(self, entry_id: int, sender_id: str, telegram_message_id: int | None) -> bool:
        return await self._settle(
            entry_id,
            sender_id,
            status=OutboxStatus.SENT,
            sent_at=self.clock(),
            telegram_message_id=telegram_message_id,
            attempts=models.OutboxMessage.attempts + 1,
        )

    async def mark_failed(
        self,
        entry_id: int,
        sender_id: str,
        error: str,
        then: Callable[[AsyncSession], Awaitable[None]] | None = None,
    ) -> bool:
        """Record a refusal; `then` runs in the same transaction once it is recorded (what the refusal
        leads to, such as alerting the city that a reporter blocked the bot, is committed with it or not
        at all: a kill in between would otherwise leave the refusal recorded and nobody told)."""
        return await self._settle(
            entry_id,
            sender_id,
            then=then,
            status=OutboxStatus.FAILED,
            last_error=error[:2000],
            attempts=models.OutboxMessage.attempts + 1,
        )

    async def retry_later(self, entry_id: int, sender_id: str, error: str, delay: timedelta) -> bool:
        return await self._settle(
            entry_id,
            sender_id,
            last_error=error[:2000],
            next_attempt_at=self.clock() + delay,
            attempts=models.OutboxMessage.attempts + 1,
        )

    async def _settle(
        self,
        entry_id: int,
        sender_id: str,
        *,
        then: Callable[[AsyncSession], Awaitable[None]] | None = None,
        **values: Any,
    ) -> bool:
        row = models.OutboxMessage
        async with self.sessions.begin() as session:
            result = await session.execute(
                update(row)
                .where(row.id == entry_id, row.claimed_by == sender_id, row.status == OutboxStatus.PENDING)
                .values(claimed_by=None, claimed_until=None, **values)
                .execution_options(synchronize_session=False)
            )
            settled = bool(result.rowcount == 1)  # type: ignore[attr-defined]
            if settled and then is not None:
                await then(session)
            return settled

    async def delivered_message_id(self, entry_id: int) -> int | None:
        async with self.sessions() as session:
            return (await delivered_message_ids(session, [entry_id])).get(entry_id)

    async def next_due_in(self) -> timedelta | None:
        """How long until some row can be claimed (None: nothing pending and unleased). Only a chat's oldest
        pending row counts: one queued behind a row waiting for its retry looks due, yet cannot be claimed,
        and a sender idling on it would claim in a loop until the retry."""
        async with self.sessions() as session:
            return await self._due_in(session)

    async def _due_in(self, session: AsyncSession) -> timedelta | None:
        row = models.OutboxMessage
        due = await session.scalar(
            select(func.min(row.next_attempt_at)).where(
                row.id.in_(_chat_heads()),
                or_(row.claimed_until.is_(None), row.claimed_until < self.clock()),
            )
        )
        return None if due is None else max(due - self.clock(), timedelta(0))

    async def pending_count(self) -> int:
        row = models.OutboxMessage
        async with self.sessions() as session:
            query = select(func.count()).select_from(row).where(row.status == OutboxStatus.PENDING)
            return await session.scalar(query) or 0


async def delivered_message_ids(session: AsyncSession, row_ids: Iterable[int]) -> dict[int, int | None]:
    """The Telegram message id each of these outbox rows produced (None: not delivered, or nothing sent)."""
    row = models.OutboxMessage
    found = await session.execute(select(row.id, row.telegram_message_id).where(row.id.in_(set(row_ids))))
    return {row_id: message_id for row_id, message_id in found.all()}


def _chat_heads() -> ScalarSelect[int]:
    """The oldest pending row of each chat: the only one of the chat that may be sent next."""
    row = models.OutboxMessage
    return (
        select(func.min(row.id))
        .where(row.status == OutboxStatus.PENDING)
        .group_by(row.chat_id)
        .scalar_subquery()
    )


def _entry(row: models.OutboxMessage) -> OutboxEntry:
    return OutboxEntry(
        id=row.id,
        chat_id=row.chat_id,
        kind=row.kind,
        complaint_id=row.complaint_id,
        complaint_version=row.complaint_version,
        payload=dict(row.payload),
        attempts=row.attempts,
    )
