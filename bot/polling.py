"""Polling that confirms an update to Telegram only after its handler has ended.

aiogram's polling moves the getUpdates offset past an update as soon as it has started its handler, which
tells Telegram the update was dealt with: a process killed mid-handler lost the update for good. Here
updates are still handled concurrently, each in its own task, but the offset sent to Telegram is the
oldest update still in flight (or one past the newest seen when none is), so everything below it is
finished. What Telegram returns again because of that is skipped locally: updates in flight and those
finished above the offset (a set pruned as the offset passes them).

* While updates are in flight getUpdates would answer at once (the offset waits for them, so they come
  back), so after each answer the loop waits for the oldest one to end, or `PAUSE_S`, before it asks
  again: no busy loop, and a slow update delays newer ones by at most that pause.
* Telegram returns at most 100 updates from the offset: one update stuck in its handler lets at most 99
  newer ones start behind it.
* A stop (SIGTERM) ends the long poll, lets the updates in flight finish (up to `DRAIN_TIMEOUT_S`), then
  confirms them. One cut short is not confirmed: the next process gets it again.
* A killed process confirmed nothing it had not finished: its successor gets those updates again. Their
  once-per-update marks (bot/once.py) are still taken under the dead process's lease, so at start the
  poller releases every unfinished mark of the bot. That is safe because polling has one consumer:
  Telegram refuses a second getUpdates ("terminated by other getUpdates request"), so no other process is
  handling this bot's updates when one starts polling (a predecessor stopped by SIGTERM finishes its
  updates before it exits).
"""

from __future__ import annotations

import asyncio
import logging
from contextlib import suppress
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.methods import GetUpdates, TelegramMethod
from aiogram.types import Update
from aiogram.utils.backoff import Backoff, BackoffConfig

from storage.processed_updates import ProcessedUpdates

log = logging.getLogger(__name__)
# Long-poll wait of one getUpdates call.
POLL_TIMEOUT_S = 10
# While an update in flight holds the offset: how long to wait for newer updates before asking again.
PAUSE_S = 0.25
# How long a stopping poller waits for the updates in flight.
DRAIN_TIMEOUT_S = 20.0
BACKOFF = BackoffConfig(min_delay=1.0, max_delay=5.0, factor=1.3, jitter=0.1)


class Poller:
    def __init__(
        self,
        dispatcher: Dispatcher,
        bot: Bot,
        *,
        timeout: int = POLL_TIMEOUT_S,
        pause: float = PAUSE_S,
        drain_timeout: float = DRAIN_TIMEOUT_S,
        allowed_updates: list[str] | None = None,
    ) -> None:
        self.dispatcher = dispatcher
        self.bot = bot
        self.timeout = timeout
        self.pause = pause
        self.drain_timeout = drain_timeout
        self.allowed_updates = (
            dispatcher.resolve_used_update_types() if allowed_updates is None else allowed_updates
        )
        self.in_flight: dict[int, asyncio.Task[None]] = {}
        self.finished: set[int] = set()  # finished but not yet confirmed (an older one is in flight)
        self.cut_short: set[int] = set()  # cancelled at a stop: never confirmed
        self.newest: int | None = None

    def offset(self) -> int | None:
        """What getUpdates is told: every update below it has finished."""
        unfinished = self.in_flight.keys() | self.cut_short
        if unfinished:
            return min(unfinished)
        return None if self.newest is None else self.newest + 1

    async def run(self, stop: asyncio.Event, processed: ProcessedUpdates | None = None) -> None:
        """Poll until `stop` is set, then finish what is in flight and confirm it."""
        data = {"dispatcher": self.dispatcher, "bots": [self.bot], **self.dispatcher.workflow_data}
        data.pop("bot", None)
        if processed is not None:
            released = await processed.release_unfinished(self.bot.id)
            if released:
                log.info("released %d update(s) a previous process did not finish", released)
        await self.dispatcher.emit_startup(bot=self.bot, **data)
        stopping = asyncio.ensure_future(stop.wait())
        try:
            await self._poll(stopping, data)
        finally:
            stopping.cancel()
            try:
                await self._drain()
            finally:
                await self.dispatcher.emit_shutdown(bot=self.bot, **data)

    async def _poll(self, stopping: asyncio.Future[Any], data: dict[str, Any]) -> None:
        backoff = Backoff(BACKOFF)
        options = (
            {"request_timeout": int(self.bot.session.timeout + self.timeout)}
            if self.bot.session.timeout
            else {}
        )
        while not stopping.done():
            request = GetUpdates(
                offset=self.offset(), timeout=self.timeout, allowed_updates=self.allowed_updates
            )
            self._prune()
            fetching = asyncio.ensure_future(self.bot(request, **options))
            await asyncio.wait({fetching, stopping}, return_when=asyncio.FIRST_COMPLETED)
            if not fetching.done():
                fetching.cancel()
                with suppress(asyncio.CancelledError, Exception):
                    await fetching
                return
            try:
                updates = fetching.result()
            except Exception as error:  # Telegram away: wait and ask again, never give up
                delay = next(backoff)
                log.error("getUpdates failed (%s: %s): again in %.1f s", type(error).__name__, error, delay)
                await asyncio.wait({stopping}, timeout=delay)
                continue
            backoff.reset()
            for update in updates:
                self._start(update, data)
            if self.in_flight:
                # Asked again now, Telegram would answer at once with the same updates (the offset waits
                # for the oldest): wait for that one to end, or a pause for newer updates.
                oldest = self.in_flight[min(self.in_flight)]
                await asyncio.wait(
                    {oldest, stopping}, timeout=self.pause, return_when=asyncio.FIRST_COMPLETED
                )

    def _start(self, update: Update, data: dict[str, Any]) -> None:
        number = update.update_id
        below = self.offset()
        if number in self.in_flight or number in self.finished or (below is not None and number < below):
            return
        self.newest = number if self.newest is None else max(self.newest, number)
        task = asyncio.create_task(self._handle(update, data), name=f"update {number}")
        self.in_flight[number] = task
        task.add_done_callback(lambda done: self._ended(number, done))

    def _ended(self, number: int, task: asyncio.Task[None]) -> None:
        self.in_flight.pop(number, None)
        (self.cut_short if task.cancelled() else self.finished).add(number)

    def _prune(self) -> None:
        below = self.offset()
        if below is not None:
            self.finished = {number for number in self.finished if number >= below}

    async def _handle(self, update: Update, data: dict[str, Any]) -> None:
        try:
            result = await self.dispatcher.feed_update(self.bot, update, **data)
            if isinstance(result, TelegramMethod):
                await self.dispatcher.silent_call_request(bot=self.bot, result=result)
        except Exception:  # handled, unsuccessfully: a retry would fail the same way
            log.exception("update %s failed", update.update_id)

    async def _drain(self) -> None:
        if self.in_flight:
            log.info("waiting for %d update(s) in flight", len(self.in_flight))
            _, late = await asyncio.wait(set(self.in_flight.values()), timeout=self.drain_timeout)
            if late:
                log.warning(
                    "%d update(s) still in flight after %s s: left for the next start",
                    len(late),
                    self.drain_timeout,
                )
                for task in late:
                    task.cancel()
                await asyncio.gather(*late, return_exceptions=True)
        offset = self.offset()
        if offset is None:
            return
        try:
            # Confirms what finished; the one update it may return is left for the next start.
            await self.bot(
                GetUpdates(offset=offset, timeout=0, limit=1, allowed_updates=self.allowed_updates)
            )
        except Exception as error:  # the next start gets them again and skips them as done
            log.warning("could not confirm the finished updates (%s): the next start skips them", error)
