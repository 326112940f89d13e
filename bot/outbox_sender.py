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
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta

from aiogram.exceptions import (
    TelegramAPIError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)

from storage.outbox import Outbox, OutboxEntry

logger = logging.getLogger(__name__)

Deliver = Callable[[OutboxEntry], Awaitable[int | None]]
OnUndeliverable = Callable[[OutboxEntry, str], Awaitable[None]]


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
    batch_size: int = 50
    idle_poll_seconds: float = 1.0
    backoff_base_seconds: float = 1.0
    backoff_max_seconds: float = 300.0
    max_attempts: int = 12


class OutboxSender:
    def __init__(
        self,
        outbox: Outbox,
        deliver: Deliver,
        *,
        gate: RateGate | None = None,
        settings: SenderSettings | None = None,
        on_undeliverable: OnUndeliverable | None = None,
        sender_id: str | None = None,
    ) -> None:
        self.outbox = outbox
        self.deliver = deliver
        self.gate = gate or RateGate()
        self.settings = settings or SenderSettings()
        self.on_undeliverable = on_undeliverable
        self.sender_id = sender_id or f"sender-{uuid.uuid4().hex[:12]}"
        self._wake = asyncio.Event()

    def wake(self) -> None:
        """Something new is in the outbox: look now rather than at the next poll."""
        self._wake.set()

    async def run(self, stop: asyncio.Event | None = None) -> None:
        stop = stop or asyncio.Event()
        while not stop.is_set():
            # Cleared before looking, not before sleeping: a wake during the claim must not be lost.
            self._wake.clear()
            try:
                if not await self.run_once():
                    await self._sleep_until_due(stop)
            except Exception:
                # The database went away (a restart, a failover): the sender must outlive it, not end here.
                logger.exception("outbox sender %s: the outbox failed; trying again shortly", self.sender_id)
                await self._idle(stop, self.settings.idle_poll_seconds)

    async def run_once(self) -> int:
        """Claim one batch and deliver it; returns how many rows were claimed."""
        entries = await self.outbox.claim(self.sender_id, limit=self.settings.batch_size)
        if entries:
            await asyncio.gather(*(self._deliver_one(entry) for entry in entries))
        return len(entries)

    async def drain(self, *, within: float = 30.0) -> None:
        """Deliver until nothing is pending (for tests, the sandbox and one-shot runs)."""
        deadline = time.monotonic() + within
        while await self.outbox.pending_count():
            if time.monotonic() > deadline:
                raise TimeoutError(f"outbox not drained within {within}s")
            if not await self.run_once():
                due = await self.outbox.next_due_in()
                await asyncio.sleep(max(0.01, min(due.total_seconds() if due else 0.05, 0.5)))

    async def _sleep_until_due(self, stop: asyncio.Event) -> None:
        due = await self.outbox.next_due_in()
        wait = (
            self.settings.idle_poll_seconds
            if due is None
            else min(due.total_seconds(), self.settings.idle_poll_seconds)
        )
        await self._idle(stop, wait)

    async def _idle(self, stop: asyncio.Event, wait: float) -> None:
        """Until `wait` seconds have passed, or the sender is woken, or asked to stop."""
        waiters = [asyncio.ensure_future(self._wake.wait()), asyncio.ensure_future(stop.wait())]
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
            # The one window: Telegram has the message and this UPDATE has not yet committed.
            await self.outbox.mark_sent(entry.id, self.sender_id, message_id)

    async def _retry(self, entry: OutboxEntry, error: str, delay: timedelta) -> None:
        if entry.attempts + 1 >= self.settings.max_attempts:
            await self._give_up(entry, f"gave up after {entry.attempts + 1} attempts; last: {error}")
            return
        logger.info("outbox row %s: retry in %.1fs (%s)", entry.id, delay.total_seconds(), error)
        await self.outbox.retry_later(entry.id, self.sender_id, error, delay)

    async def _give_up(self, entry: OutboxEntry, error: str) -> None:
        logger.warning("outbox row %s (%s) undeliverable: %s", entry.id, entry.kind, error)
        if await self.outbox.mark_failed(entry.id, self.sender_id, error) and self.on_undeliverable:
            await self.on_undeliverable(entry, error)

    def _backoff(self, entry: OutboxEntry) -> timedelta:
        base = min(self.settings.backoff_base_seconds * 2**entry.attempts, self.settings.backoff_max_seconds)
        return timedelta(seconds=base * random.uniform(0.5, 1.0))
