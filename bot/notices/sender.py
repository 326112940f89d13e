"""Delivers the outbox to Telegram: in order per chat, within Telegram's rates, retrying what may succeed.

Runs as an asyncio task beside the bot, or alone (`python -m bot sender`). What a row becomes on the wire is
the `deliver` function's business; this module only decides when to send, and what an answer means:

- 429: retry after Telegram's `retry_after`;
- 5xx, network errors, timeouts: retry with exponential backoff (with jitter, capped);
- 400 / 403 / 404 and other refusals: give up at once, record why, and tell `on_undeliverable`;
- an unexpected exception (a bug rendering one row): retry with backoff, and give up after `max_attempts`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
import uuid
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from typing import Any, Protocol, TypeVar

from aiogram.exceptions import (
    TelegramAPIError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from sqlalchemy.ext.asyncio import AsyncSession

from storage.outbox.claims import Outbox, OutboxEntry, Prepare, Sent

logger = logging.getLogger(__name__)
_T = TypeVar("_T")

Deliver = Callable[[OutboxEntry], Awaitable[int | None]]
# Told of a row given up on, in the transaction that records it (so the two commit together).
OnUndeliverable = Callable[[OutboxEntry, str, AsyncSession], Awaitable[None]]


class Gate(Protocol):
    """What a sender waits on before each message: `RateGate`, or `bot.notices.shared_rate.RedisRateGate`."""

    async def wait(self, chat_id: int) -> object:
        """Returns when this chat may be sent to."""
        ...


class RateGate:
    """Spaces sends: at most `global_rate` per second in all, and one per `per_chat_interval` per chat."""

    def __init__(self, global_rate: float = 30.0, per_chat_interval: float = 1.0) -> None:
        self.global_interval = 1.0 / global_rate
        self.per_chat_interval = per_chat_interval
        self._global_next = 0.0
        self._chat_next: dict[int, float] = {}

    async def wait(self, chat_id: int) -> float:
        """Returns when this chat may be sent to; the value is that moment (`time.monotonic()`)."""
        # Reservations are made without awaiting in between, so concurrent callers never share a slot.
        now = time.monotonic()
        chat_at = max(now, self._chat_next.get(chat_id, 0.0))
        self._chat_next[chat_id] = chat_at + self.per_chat_interval
        if chat_at > now:
            await asyncio.sleep(chat_at - now)
        now = time.monotonic()
        global_at = max(now, self._global_next)
        self._global_next = global_at + self.global_interval
        if global_at > now:
            await asyncio.sleep(global_at - now)
        # The chat's next message is spaced from when this one really goes: the global queue (or a busy event
        # loop) may have held it back past its chat slot, and the next one must not follow it closely.
        released = time.monotonic()
        self._chat_next[chat_id] = max(self._chat_next[chat_id], released + self.per_chat_interval)
        if len(self._chat_next) > 10_000:
            self._forget_idle_chats(released)
        return released

    def _forget_idle_chats(self, now: float) -> None:
        self._chat_next = {chat: at for chat, at in self._chat_next.items() if at > now}


@dataclass(frozen=True)
class SenderSettings:
    batch_size: int = 50  # rows in flight at most
    idle_poll_seconds: float = 1.0
    backoff_base_seconds: float = 1.0
    backoff_max_seconds: float = 300.0
    max_attempts: int = 12
    # A row Telegram has answered for is recorded as sent within this long, with the sender's next claim.
    settle_within_seconds: float = 0.25


class OutboxSender:
    """Keeps up to `batch_size` rows in flight, each its own task, and claims more as they settle: a request
    that hangs (up to the client's timeout) holds its own chat back, not every chat's next notices.

    Claims are coalesced: with rows in flight, the sender claims again once half the slots' worth of rows
    have settled since its last claim, or `idle_poll_seconds` after it, or when woken while less than half
    busy; not after every settled row (a claim per delivered row would cost more than the rows). A chat's
    order needs nothing here: `Outbox.claim` hands out only a chat's oldest pending row, and a row in flight
    (or waiting for its retry) is pending.

    One transaction per claim, not per row: the rows Telegram has answered for are recorded as sent in the
    next claim's transaction (`Outbox.settle_and_claim`), and `prepare` reads what the claimed rows need to be
    rendered in it too. A sent row waits at most `settle_within_seconds` to be recorded: an idle sender
    claims then rather than at once, so that news meanwhile (the next update's notices) shares the
    transaction. Its chat's next row waits for that record, within Telegram's interval between two messages
    to one chat; a sender killed meanwhile leaves the row leased, to be sent again (the one window, a little
    wider). Retries and refusals are recorded at once: they are rare, and a refusal's `on_undeliverable`
    must know the row was still this sender's.
    """

    def __init__(
        self,
        outbox: Outbox,
        deliver: Deliver,
        *,
        gate: Gate | None = None,
        settings: SenderSettings | None = None,
        on_undeliverable: OnUndeliverable | None = None,
        sender_id: str | None = None,
        prepare: Prepare | None = None,
    ) -> None:
        self.outbox = outbox
        self.deliver = deliver
        self.gate = gate or RateGate()
        self.settings = settings or SenderSettings()
        self.on_undeliverable = on_undeliverable
        self.sender_id = sender_id or f"sender-{uuid.uuid4().hex[:12]}"
        self.prepare = prepare
        self._wake = asyncio.Event()
        self._in_flight: dict[int, asyncio.Task[None]] = {}  # by outbox row id
        self._settled = asyncio.Event()  # a row in flight was settled (or its task ended)
        self._settled_since_claim = 0
        self._next_claim_at = 0.0  # with rows in flight, claim again by then (`time.monotonic()`)
        self._refill_at = max(1, self.settings.batch_size // 2)
        self._sent: list[Sent] = []  # answered for by Telegram, to be recorded with the next claim
        self._record_by = 0.0  # with rows in `_sent`, claim by then (`time.monotonic()`) to record them
        self._due_at: float | None = 0.0  # when the last empty claim said a row is claimable (None: none)

    def wake(self) -> None:
        """Something new is in the outbox: look now rather than at the next poll."""
        self._wake.set()

    @property
    def in_flight(self) -> int:
        return len(self._in_flight)

    async def run(self, stop: asyncio.Event | None = None) -> None:
        """Until `stop` is set; then the rows in flight are finished (cancelled with the task, they are left
        leased: another sender takes them when the lease runs out)."""
        stop = stop or asyncio.Event()
        try:
            while not stop.is_set():
                if _being_cancelled():
                    # A cancel that a library swallowed outright (it returned instead of raising) is still a
                    # cancel: otherwise the sender goes on and whoever awaits it waits for ever.
                    raise asyncio.CancelledError
                # Cleared before looking, not before sleeping: a wake during the claim must not be lost.
                news = self._wake.is_set()
                self._wake.clear()
                self._settled.clear()
                try:
                    if self._time_to_claim(news):
                        await self._claim_and_start()
                    await self._wait(stop)
                except Exception:
                    if _being_cancelled():
                        # A database driver cancelled mid-statement may raise its own error instead of the
                        # cancellation: taken for an outage, the cancel was lost and the sender never ended.
                        raise asyncio.CancelledError from None
                    # The database went away (a restart, a failover): the sender must outlive it.
                    logger.exception(
                        "outbox sender %s: the outbox failed; trying again shortly", self.sender_id
                    )
                    await self._idle(stop, self.settings.idle_poll_seconds)
            await self._finish_in_flight()
            await self._record_the_rest()
        finally:
            await self._cancel_in_flight()

    async def drain(self, *, within: float = 30.0) -> None:
        """Deliver until nothing is pending (for tests, the sandbox and one-shot runs)."""
        deadline = time.monotonic() + within
        try:
            while True:
                self._settled.clear()
                if not self._sent and not await self.outbox.pending_count():
                    break
                if time.monotonic() > deadline:
                    raise TimeoutError(f"outbox not drained within {within}s")
                started = await self._claim_and_start()
                if self._in_flight:
                    with contextlib.suppress(TimeoutError):
                        async with asyncio.timeout(min(0.5, max(deadline - time.monotonic(), 0.01))):
                            await self._settled.wait()
                elif not started:
                    due = await self.outbox.next_due_in()
                    await asyncio.sleep(max(0.01, min(due.total_seconds() if due else 0.05, 0.5)))
            await self._finish_in_flight()  # settled rows whose task still tells `on_undeliverable`
            await self._record_the_rest()
        finally:
            await self._cancel_in_flight()

    def _time_to_claim(self, news: bool) -> bool:
        busy = len(self._in_flight)
        if self._sent and time.monotonic() >= self._record_by:
            return True
        if busy >= self.settings.batch_size:
            return False
        if not busy:
            # Idle: at its poll or a row's due time, or on news; rows sent and not yet recorded wait for news
            # (to share its claim) until they must be recorded.
            return news or not self._sent
        return (
            self._settled_since_claim >= self._refill_at
            or time.monotonic() >= self._next_claim_at
            # News while the sender is less than half busy: claim now. A busy sender takes it at its next
            # refill, or it would claim after every update that queued a notice.
            or (news and busy < self._refill_at)
        )

    async def _claim_and_start(self) -> list[asyncio.Task[None]]:
        free = max(self.settings.batch_size - len(self._in_flight), 0)
        sent = list(self._sent)
        if not free and not sent:
            return []
        # Reset before the claim's await: rows settling during it count towards the next claim.
        self._settled_since_claim = 0
        claimed_at = time.monotonic()
        self._next_claim_at = claimed_at + self.settings.idle_poll_seconds
        claim = await _unbroken(
            self.outbox.settle_and_claim(
                self.sender_id, sent=sent, limit=free, prepare=self.prepare, due=not self._in_flight
            )
        )
        del self._sent[: len(sent)]  # rows sent during the claim are recorded with the next one
        if self._sent:
            self._record_by = claimed_at + self.settings.settle_within_seconds
        for lost in {item.entry_id for item in sent} - claim.recorded:
            logger.warning("outbox row %s was no longer this sender's when recorded as sent", lost)
        self._due_at = None if claim.due_in is None else claimed_at + claim.due_in.total_seconds()
        started = []
        unrecorded = {item.entry_id for item in self._sent}
        for entry in claim.entries:
            if entry.id in unrecorded:
                # Sent while this claim ran, its lease ran out meanwhile (a clock moved on): it is recorded
                # as sent with the next claim (the row is leased to this sender again); not sent twice.
                logger.warning(
                    "outbox row %s outlived its lease before it was recorded; not sent twice", entry.id
                )
                continue
            if entry.id in self._in_flight:
                # Its lease ran out while it was in flight and this claim renewed it: the task in flight
                # still settles it (the row is leased to this sender); a second send would double it.
                logger.warning("outbox row %s outlived its lease in flight; not started twice", entry.id)
                continue
            task = asyncio.create_task(self._deliver_one(entry), name=f"outbox-row-{entry.id}")
            self._in_flight[entry.id] = task
            task.add_done_callback(partial(self._ended, entry.id))
            started.append(task)
        return started

    def _ended(self, entry_id: int, task: asyncio.Task[None]) -> None:
        if self._in_flight.get(entry_id) is task:
            del self._in_flight[entry_id]
        self._settled_since_claim += 1
        self._settled.set()
        if not task.cancelled() and task.exception() is not None:
            # Settling it failed (the database went away): the row waits out its lease, then goes again.
            logger.error(
                "outbox row %s could not be settled; it goes again when its lease runs out",
                entry_id,
                exc_info=task.exception(),
            )

    async def _wait(self, stop: asyncio.Event) -> None:
        """Until something may be claimed: a row settled, news, the claim timer, (idle) a due time, or the
        moment sent rows must be recorded."""
        now = time.monotonic()
        record_in = self._record_by - now if self._sent else float("inf")
        if not self._in_flight:
            if self._sent:
                await self._idle(stop, record_in)
            else:
                await self._sleep_until_due(stop)
        elif len(self._in_flight) >= self.settings.batch_size:
            await self._idle(stop, min(self.settings.idle_poll_seconds, record_in))
        else:
            # Not a due time here: the rows queued behind those in flight look due, and are not claimable.
            await self._idle(stop, min(self._next_claim_at - now, record_in))

    async def _record_the_rest(self) -> None:
        """Stopping: the rows sent since the last claim are recorded now."""
        if not self._sent:
            return
        try:
            sent = list(self._sent)
            await _unbroken(self.outbox.settle_and_claim(self.sender_id, sent=sent, limit=0))
            del self._sent[: len(sent)]
        except Exception:
            if _being_cancelled():
                raise asyncio.CancelledError from None
            logger.exception(
                "outbox sender %s: %d sent row(s) could not be recorded; they go again when their lease "
                "runs out",
                self.sender_id,
                len(self._sent),
            )

    async def _finish_in_flight(self) -> None:
        while self._in_flight:
            await asyncio.wait(list(self._in_flight.values()))

    async def _cancel_in_flight(self) -> None:
        tasks = list(self._in_flight.values())
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks)

    async def _sleep_until_due(self, stop: asyncio.Event) -> None:
        # The due time the last claim found, in its own transaction, when it had nothing to hand out.
        wait = self.settings.idle_poll_seconds
        if self._due_at is not None:
            wait = min(self._due_at - time.monotonic(), wait)
        await self._idle(stop, wait)

    async def _idle(self, stop: asyncio.Event, wait: float) -> None:
        """Until `wait` seconds have passed, or the sender is woken, a row in flight settles, or it is asked
        to stop."""
        events = (self._wake, self._settled, stop)
        waiters = [asyncio.ensure_future(event.wait()) for event in events]
        try:
            await asyncio.wait(waiters, timeout=max(wait, 0.01), return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in waiters:
                waiter.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await waiter

    async def _deliver_one(self, entry: OutboxEntry) -> None:
        await self.gate.wait(entry.chat_id)
        try:
            message_id = await self.deliver(entry)
        except TelegramRetryAfter as error:
            await self._retry(entry, f"429: {error.message}", timedelta(seconds=error.retry_after))
        except (TelegramServerError, TelegramNetworkError, TimeoutError) as error:
            await self._retry(entry, f"{type(error).__name__}: {error}", self._backoff(entry))
        except TelegramAPIError as error:
            await self._give_up(entry, f"{type(error).__name__}: {error.message}")
        except Exception as error:
            logger.exception("outbox row %s could not be delivered", entry.id)
            if entry.attempts + 1 >= self.settings.max_attempts:
                await self._give_up(entry, f"{type(error).__name__}: {error}")
            else:
                await self._retry(entry, f"{type(error).__name__}: {error}", self._backoff(entry))
        else:
            # The one window: Telegram has the message and the row is not yet recorded as sent.
            if not self._sent:
                self._record_by = time.monotonic() + self.settings.settle_within_seconds
            self._sent.append(Sent(entry.id, message_id))

    async def _retry(self, entry: OutboxEntry, error: str, delay: timedelta) -> None:
        if entry.attempts + 1 >= self.settings.max_attempts:
            await self._give_up(entry, f"gave up after {entry.attempts + 1} attempts; last: {error}")
            return
        logger.info("outbox row %s: retry in %.1fs (%s)", entry.id, delay.total_seconds(), error)
        await _unbroken(self.outbox.retry_later(entry.id, self.sender_id, error, delay))

    async def _give_up(self, entry: OutboxEntry, error: str) -> None:
        logger.warning("outbox row %s (%s) undeliverable: %s", entry.id, entry.kind, error)
        tell = self.on_undeliverable
        then = partial(tell, entry, error) if tell is not None else None
        await _unbroken(self.outbox.mark_failed(entry.id, self.sender_id, error, then=then))

    def _backoff(self, entry: OutboxEntry) -> timedelta:
        base = min(self.settings.backoff_base_seconds * 2**entry.attempts, self.settings.backoff_max_seconds)
        return timedelta(seconds=base * random.uniform(0.5, 1.0))


def _being_cancelled() -> bool:
    task = asyncio.current_task()
    return task is not None and task.cancelling() > 0


async def _unbroken(write: Coroutine[Any, Any, _T]) -> _T:
    """A claim or a settle that a cancellation (a stop, a test's stand-in for a kill) must not cut in the
    middle: the caller is cancelled at once, the statement still ends its transaction. On SQLite a
    transaction cut short kept the database locked for every other writer until the connection was freed."""
    running = asyncio.ensure_future(write)
    running.add_done_callback(_retrieve)
    return await asyncio.shield(running)


def _retrieve(task: asyncio.Future[Any]) -> None:
    # A caller still waiting gets the failure itself; one cancelled meanwhile leaves the row to its lease.
    if not task.cancelled():
        task.exception()
