"""The outbox sender wired into a process: built from the settings, run as a task beside the bot (or alone,
`python -m bot sender`), woken after an update that queued notices (on PostgreSQL also whenever any
process commits outbox rows), and stopped after the rows in flight.

The sender has a `Bot` of its own: the bot's handlers share theirs with a middleware that sleeps through
429s and 5xx (`bot.updates.retry`), whereas a sender that slept through one would hold a row's lease while
doing nothing; it hands the row back to the outbox with Telegram's `retry_after` instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.types import TelegramObject
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app.factory import Services, create_bot
from bot.app.settings import SENDER_REQUEST_TIMEOUT_S, Settings
from bot.attachment_keeper import FileShelf
from bot.notices.data_request_notices import register_data_requests
from bot.notices.delivery import Delivery
from bot.notices.relay import register_relays
from bot.notices.reminders import register_reminders
from bot.notices.sender import OutboxSender, RateGate, SenderSettings
from bot.notices.service_response import register_service_notices
from bot.notices.shared_rate import RedisRateGate
from storage.data_requests import DataRequests
from storage.database import session_factory
from storage.models import utcnow
from storage.outbox.claims import Outbox
from storage.outbox.notifications import watching_notices
from storage.outbox.parts import OutboxParts
from storage.outbox.wakeup import OutboxWakeup, can_listen

log = logging.getLogger(__name__)
# How long a stop waits for the rows in flight before cancelling them (they then wait out their lease).
STOP_GRACE_S = 10.0


class Notifier:
    def __init__(self, sender: OutboxSender, bot: Bot, wakeup: OutboxWakeup | None = None) -> None:
        self.sender = sender
        self.bot = bot
        # On PostgreSQL: woken by rows any process commits, not only by this process's updates.
        self.wakeup = wakeup
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._stop.clear()
        self._task = asyncio.create_task(self.sender.run(self._stop), name=self.sender.sender_id)
        if self.wakeup is not None:
            self.wakeup.start()
        log.info("outbox sender %s started", self.sender.sender_id)

    async def stop(self) -> None:
        """Let the rows in flight finish (so they are settled, not left leased), then close."""
        if self.wakeup is not None:
            await self.wakeup.stop()
        if self._task is not None:
            self._stop.set()
            try:
                await asyncio.wait_for(asyncio.shield(self._task), timeout=STOP_GRACE_S)
            except TimeoutError:
                self._task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await self._task
            except Exception:  # it ended before: a stop must still close what the sender holds
                log.exception("outbox sender %s had stopped with an error", self.sender.sender_id)
            self._task = None
        await self.bot.session.close()

    async def run_until(self, stop: asyncio.Event) -> None:
        """Run in the foreground until `stop` is set (the standalone sender process)."""
        self.start()
        await stop.wait()
        await self.stop()

    def wake_after_updates(self) -> WakeSender:
        return WakeSender(self.sender)


class WakeSender(BaseMiddleware):
    """After an update whose handler queued notices (it moved a complaint): look at the outbox now, not at
    the next idle poll. An update that queued nothing (most of a conversation) leaves the sender asleep:
    waking it cost a claim and a due-time query per update, a good part of the bot's database work under
    load. On SQLite rows written some other way (the scheduler) wait for the idle poll; on PostgreSQL every
    committed row wakes every sender (storage/outbox/wakeup.py), and this only saves that round trip."""

    def __init__(self, sender: OutboxSender) -> None:
        self.sender = sender

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        with watching_notices() as queued:
            try:
                return await handler(event, data)
            finally:
                if queued.added:
                    self.sender.wake()


def sender_settings(settings: Settings) -> SenderSettings:
    return SenderSettings(
        batch_size=settings.sender_batch_size,
        idle_poll_seconds=settings.sender_idle_poll_seconds,
        backoff_base_seconds=settings.sender_backoff_base_seconds,
        backoff_max_seconds=settings.sender_backoff_max_seconds,
        max_attempts=settings.sender_max_attempts,
    )


def rate_gate(settings: Settings, bot_id: int) -> RateGate | RedisRateGate:
    """With REDIS_URL every sender process of the bot shares one limit; alone, the in-process gate."""
    rates = {
        "global_rate": settings.sender_global_rate,
        "per_chat_interval": settings.sender_per_chat_interval,
    }
    if settings.redis_url:
        return RedisRateGate.from_url(settings.redis_url, scope=str(bot_id), **rates)
    return RateGate(**rates)


def create_notifier(
    settings: Settings,
    engine: AsyncEngine,
    services: Services,
    *,
    outbox_clock: Callable[[], datetime] = utcnow,
) -> Notifier:
    """`outbox_clock` judges when rows are due and leases run out: real time, even where `services.clock`
    (what the messages say "now" is) is a test's or the sandbox's clock."""
    sessions = session_factory(engine)
    bot = create_bot(settings, retry_transient=False, timeout=SENDER_REQUEST_TIMEOUT_S)
    outbox = Outbox(sessions, clock=outbox_clock, lease=timedelta(seconds=settings.sender_lease_seconds))
    gate = rate_gate(settings, bot.id)
    sender_id = f"sender-{uuid.uuid4().hex[:12]}"
    delivery = Delivery(
        bot,
        directory=services.directory,
        complaints=services.complaints,
        outbox=outbox,
        parts=OutboxParts(sessions),
        calendar=services.calendar,
        clock=services.clock,
        gate=gate,
        sender_id=sender_id,
        default_language=settings.default_language,
        shelf=FileShelf(Path(settings.attachments_dir)),
    )
    register_relays(delivery)  # channels/onboarding: notices for complainants not on Telegram
    register_service_notices(delivery)  # officer/service: the answer buttons on a service response
    register_reminders(delivery)  # the scheduler's stage reminders, escalations and draft notices
    register_data_requests(delivery, DataRequests(sessions))  # /datasaya: erasure requests and decisions
    sender = OutboxSender(
        outbox,
        delivery,
        gate=gate,
        settings=sender_settings(settings),
        on_undeliverable=delivery.undeliverable,
        sender_id=sender_id,
        prepare=delivery.prepare,
    )
    wakeup = OutboxWakeup(engine.url, sender.wake) if can_listen(engine.url) else None
    return Notifier(sender, bot, wakeup)
