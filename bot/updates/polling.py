"""Polling that loses no update to a kill, through an inbox in the database.

aiogram's polling moves the getUpdates offset past an update as soon as it has started its handler, which
tells Telegram the update was dealt with: a process killed mid-handler lost the update for good. Here each
getUpdates answer is stored first: every new update of the batch, in one statement, taken (a lease, as
bot/updates/once.py takes a webhook delivery) and with its JSON (storage/processed_updates.py). Then a handler
task starts for each newly stored update, and the next getUpdates goes out at once with the offset past the
batch, which confirms the batch to Telegram: it is safe in the database. An update Telegram delivers again
(its confirmation was lost with a killed process) is stored already, so it is not handled again.

* No update waits for another: the poller asks again as soon as it has stored a batch, whatever is in
  flight, and Telegram answers the long poll as soon as a newer update comes.
* At most `MAX_IN_FLIGHT` updates are in flight: the poller asks Telegram for no more than the room left
  and, when there is none, waits for one to end before it asks again. A flood waits at Telegram.
* The middleware (bot/updates/once.py, which must be on the dispatcher) does not take these updates again: it
  renews their lease while the handler runs and, when it returns, marks the update done and drops its JSON.
* A killed process leaves its unfinished updates in the inbox, taken under a lease nobody renews. At start
  the poller retakes them all under a fresh lease and replays them, oldest first, before it polls. Its
  unfinished marks without JSON (webhook deliveries, updates polled by an older version) it releases, so
  that Telegram's redelivery of those is handled. Both are safe because polling has one consumer: Telegram
  refuses a second getUpdates ("terminated by other getUpdates request"), so no other process is handling
  this bot's updates when one starts polling (a predecessor stopped by SIGTERM finishes its updates before
  it exits).
* An update whose handler raised stays in the inbox and is replayed once, `RETRY_AFTER_S` later (a database
  restart, say, is over by then), or at the next start if the process stops first; failing then too, it is
  given up (bot/updates/once.py). Never retried in a loop.
* An update that cannot be parsed (a "poison" update: Telegram's JSON that our library's model refuses)
  does not stop the rest. getUpdates is read as raw JSON and each update parsed on its own; the updates
  before an unreadable one are handled, and it is asked for again, up to `POISON_AFTER` times in all; then
  it is set aside, stored with its JSON and the error for an operator (storage/processed_updates.py), and
  the offset moves past it. Without the store it is only logged and skipped.
* A stop (SIGTERM) ends the long poll and lets the updates in flight finish (up to `DRAIN_TIMEOUT_S`); one
  cut short stays in the inbox for the next start. The last batch is confirmed if it was not yet.
* Without an update store (`processed` None) this is aiogram's polling: an update is confirmed once started.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from contextlib import suppress
from typing import Any, cast

from aiogram import Bot, Dispatcher
from aiogram.methods import GetUpdates, TelegramMethod
from aiogram.types import Update
from aiogram.utils.backoff import Backoff, BackoffConfig

from bot.updates.once import INBOX, Inbox, OncePerUpdate
from storage.processed_updates import ProcessedUpdates

log = logging.getLogger(__name__)
# Long-poll wait of one getUpdates call.
POLL_TIMEOUT_S = 10
# Updates handled at once, at most: beyond it the poller waits for one to end before it asks for more.
MAX_IN_FLIGHT = 100
# The most updates one getUpdates answer may hold (Telegram's bound).
TELEGRAM_LIMIT = 100
# How long a stopping poller waits for the updates in flight.
DRAIN_TIMEOUT_S = 20.0
# How long after its handler raised an update is replayed (once) by the same process.
RETRY_AFTER_S = 10.0
# How often an unreadable update is asked for before it is set aside.
POISON_AFTER = 3
BACKOFF = BackoffConfig(min_delay=1.0, max_delay=5.0, factor=1.3, jitter=0.1)


class RawGetUpdates(GetUpdates):
    """getUpdates, its answer left as JSON: one update that does not parse must not cost the batch."""

    __returning__ = list[dict[str, Any]]


class Poller:
    def __init__(
        self,
        dispatcher: Dispatcher,
        bot: Bot,
        *,
        timeout: int = POLL_TIMEOUT_S,
        max_in_flight: int = MAX_IN_FLIGHT,
        drain_timeout: float = DRAIN_TIMEOUT_S,
        retry_after: float = RETRY_AFTER_S,
        allowed_updates: list[str] | None = None,
    ) -> None:
        self.dispatcher = dispatcher
        self.bot = bot
        self.timeout = timeout
        self.max_in_flight = max_in_flight
        self.drain_timeout = drain_timeout
        self.retry_after = retry_after
        self.allowed_updates = (
            dispatcher.resolve_used_update_types() if allowed_updates is None else allowed_updates
        )
        self.in_flight: dict[int, asyncio.Task[None]] = {}
        self.offset: int | None = None  # one past the newest update stored (or started, without a store)
        self.confirmed: int | None = None  # the offset of the last getUpdates Telegram answered
        self._room = asyncio.Event()  # set whenever an update in flight ends
        self._failed: set[int] = set()  # updates in flight whose handler raised (kept in the inbox)
        self._retries: dict[int, asyncio.TimerHandle] = {}  # failed updates waiting for their replay
        self._stopping = False
        self._unreadable: Counter[int] = Counter()  # how often each unreadable update failed to parse

    async def run(self, stop: asyncio.Event, processed: ProcessedUpdates | None = None) -> None:
        """Poll until `stop` is set, then finish what is in flight."""
        data = {"dispatcher": self.dispatcher, "bots": [self.bot], **self.dispatcher.workflow_data}
        data.pop("bot", None)
        unfinished: list[tuple[int, dict[str, Any]]] = []
        if processed is not None:
            once = next(
                (m for m in self.dispatcher.update.outer_middleware if isinstance(m, OncePerUpdate)), None
            )
            if once is None:
                raise ValueError(
                    "polling with an inbox needs OncePerUpdate on the dispatcher to settle updates"
                )
            once.on_new_failure = self._failed.add
            unfinished = await processed.retake_inbox(self.bot.id)
            if unfinished:
                log.info("replaying %d update(s) a previous process did not finish", len(unfinished))
        await self.dispatcher.emit_startup(bot=self.bot, **data)
        stopping = asyncio.ensure_future(stop.wait())
        try:
            await self._replay(unfinished, stopping, data, processed)
            await self._poll(stopping, data, processed)
        finally:
            stopping.cancel()
            try:
                await self._drain()
            finally:
                await self.dispatcher.emit_shutdown(bot=self.bot, **data)

    async def _replay(
        self,
        unfinished: list[tuple[int, dict[str, Any]]],
        stopping: asyncio.Future[Any],
        data: dict[str, Any],
        processed: ProcessedUpdates | None,
    ) -> None:
        for update_id, payload in unfinished:
            if not await self._until_room(stopping):
                return  # the rest stays in the inbox for the next start
            try:
                update = Update.model_validate(payload, context={"bot": self.bot})
            except ValueError:
                log.exception("update %s in the inbox cannot be read: given up", update_id)
                if processed is not None:
                    await processed.finish(self.bot.id, update_id)
                continue
            self._start(update, data, Inbox.REPLAYED)

    async def _poll(
        self, stopping: asyncio.Future[Any], data: dict[str, Any], processed: ProcessedUpdates | None
    ) -> None:
        backoff = Backoff(BACKOFF)
        options = (
            {"request_timeout": int(self.bot.session.timeout + self.timeout)}
            if self.bot.session.timeout
            else {}
        )
        while await self._until_room(stopping):
            request = RawGetUpdates(
                offset=self.offset,
                timeout=self.timeout,
                limit=min(TELEGRAM_LIMIT, self.max_in_flight - len(self.in_flight)),
                allowed_updates=self.allowed_updates,
            )
            fetching = asyncio.ensure_future(self.bot(request, **options))
            await asyncio.wait({fetching, stopping}, return_when=asyncio.FIRST_COMPLETED)
            if not fetching.done():
                fetching.cancel()
                with suppress(asyncio.CancelledError, Exception):
                    await fetching
                return
            try:
                # Left as JSON by RawGetUpdates (`__returning__`), typed still as getUpdates' answer.
                raw = cast(list[dict[str, Any]], fetching.result())
                self.confirmed = request.offset
                updates, next_offset = await self._read(raw, processed)
                new = await self._store(updates, processed)
            except Exception as error:  # Telegram or the database away: wait and ask again, never give up
                delay = next(backoff)
                log.error(
                    "getUpdates or storing its answer failed (%s: %s): again in %.1f s",
                    type(error).__name__,
                    error,
                    delay,
                )
                await asyncio.wait({stopping}, timeout=delay)
                continue
            backoff.reset()
            for update, _ in updates:
                if update.update_id in new:
                    self._start(update, data, None if processed is None else Inbox.NEW)
            if next_offset is not None:
                # Asked for next, this offset confirms the batch: every update of it is in the database.
                self.offset = next_offset

    async def _read(
        self, raw: list[dict[str, Any]], processed: ProcessedUpdates | None
    ) -> tuple[list[tuple[Update, dict[str, Any]]], int | None]:
        """The updates of a getUpdates answer up to the first unreadable one, each with its JSON as Telegram
        sent it, and the offset to ask for next: that update's, to ask for it again, until it has failed
        `POISON_AFTER` times and is set aside."""
        updates: list[tuple[Update, dict[str, Any]]] = []
        next_offset: int | None = None
        for payload in raw:
            number = payload.get("update_id")
            try:
                update = Update.model_validate(payload, context={"bot": self.bot})
            except ValueError as error:
                # Logged by its id only: the error quotes values, and an update may carry personal data.
                if not isinstance(number, int):  # nothing to ask again for, nothing to store it by
                    log.error("an update without an update_id cannot be read: skipped")
                    continue
                self._unreadable[number] += 1
                if self._unreadable[number] < POISON_AFTER:
                    log.warning(
                        "update %s cannot be read (try %d): asked for again", number, self._unreadable[number]
                    )
                    return updates, number
                log.error("update %s cannot be read after %d tries: set aside", number, POISON_AFTER)
                del self._unreadable[number]
                if processed is not None:
                    await processed.set_aside(
                        self.bot.id, number, payload, f"{type(error).__name__}: {error}"
                    )
                next_offset = number + 1
                continue
            updates.append((update, payload))
            next_offset = update.update_id + 1
        return updates, next_offset

    async def _store(
        self, updates: list[tuple[Update, dict[str, Any]]], processed: ProcessedUpdates | None
    ) -> set[int]:
        """Store the batch in the inbox, each update as the JSON Telegram sent (it has just been read, so it
        reads again on a replay; dumping the model back to JSON cost a pass of pydantic per update); returns
        the ids of the updates stored now (the rest were before)."""
        if processed is None:
            return {update.update_id for update, _ in updates}
        return await processed.store(
            self.bot.id, [(update.update_id, payload) for update, payload in updates]
        )

    async def _until_room(self, stopping: asyncio.Future[Any]) -> bool:
        """Wait until fewer than `max_in_flight` updates are in flight; False once stopping."""
        while len(self.in_flight) >= self.max_in_flight and not stopping.done():
            self._room.clear()
            room = asyncio.ensure_future(self._room.wait())
            await asyncio.wait({room, stopping}, return_when=asyncio.FIRST_COMPLETED)
            room.cancel()
        return not stopping.done()

    def _start(self, update: Update, data: dict[str, Any], inbox: Inbox | None) -> None:
        number = update.update_id
        task = asyncio.create_task(self._handle(update, data, inbox), name=f"update {number}")
        self.in_flight[number] = task
        task.add_done_callback(lambda _: self._ended(number))

    def _ended(self, number: int) -> None:
        self.in_flight.pop(number, None)
        self._room.set()

    async def _handle(self, update: Update, data: dict[str, Any], inbox: Inbox | None) -> None:
        taken = {} if inbox is None else {INBOX: inbox}
        try:
            result = await self.dispatcher.feed_update(self.bot, update, **data, **taken)
            if isinstance(result, TelegramMethod):
                await self.dispatcher.silent_call_request(bot=self.bot, result=result)
        except Exception:  # handled, unsuccessfully: bot/updates/once.py kept it in the inbox or gave it up
            log.exception("update %s failed", update.update_id)
        finally:
            if update.update_id in self._failed:
                self._failed.discard(update.update_id)
                self._replay_later(update, data)

    def _replay_later(self, update: Update, data: dict[str, Any]) -> None:
        """Once, a little later; if the process stops first, the next start replays it from the inbox."""
        if self._stopping:
            return

        def replay() -> None:
            self._retries.pop(update.update_id, None)
            if not self._stopping and len(self.in_flight) < self.max_in_flight:
                self._start(update, data, Inbox.REPLAYED)
            elif not self._stopping:
                self._replay_later(update, data)  # no room now: a little later still

        loop = asyncio.get_running_loop()
        self._retries[update.update_id] = loop.call_later(self.retry_after, replay)

    async def _drain(self) -> None:
        self._stopping = True
        for waiting in self._retries.values():  # still in the inbox: the next start replays them
            waiting.cancel()
        self._retries.clear()
        if self.in_flight:
            log.info("waiting for %d update(s) in flight", len(self.in_flight))
            _, late = await asyncio.wait(set(self.in_flight.values()), timeout=self.drain_timeout)
            if late:
                log.warning(
                    "%d update(s) still in flight after %s s: left in the inbox for the next start",
                    len(late),
                    self.drain_timeout,
                )
                for task in late:
                    task.cancel()
                await asyncio.gather(*late, return_exceptions=True)
        if self.offset is None or self.offset == self.confirmed:
            return
        try:
            # The last batch is stored: confirm it. The one update this may return is left for the next start.
            await self.bot(
                GetUpdates(offset=self.offset, timeout=0, limit=1, allowed_updates=self.allowed_updates)
            )
        except Exception as error:  # Telegram delivers the batch again: stored already, it is skipped
            log.warning("could not confirm the last updates (%s): the next start skips them", error)
