"""An outer middleware that handles each update to its end once, however many times it is delivered, and
never drops one whose first handling was cut short.

Before the handler runs the update is taken in the database with a lease (storage/processed_updates.py),
renewed every third of the lease while the handler runs; after the handler returns the mark says done, and
if the handler raises it is given back. So:

* a delivery of a done update is skipped ("already taken, skipped");
* a delivery of an update another live process is handling waits for that process: when it finishes the
  delivery is skipped, and if that process dies its lease runs out and this delivery handles the update;
* an update whose process was killed mid-handler is handled by the next delivery once the lease is over
  (a polling process, the sole consumer, releases its dead predecessor's marks at once: bot/polling.py).

The entry points make sure that next delivery comes: polling confirms an update to Telegram only after its
handler ended (bot/polling.py), the webhook answers 200 only then (bot/runner.py).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.types import TelegramObject, Update

from storage.processed_updates import Mark, ProcessedUpdates

log = logging.getLogger(__name__)
# How often a process purges old marks (any process may; the DELETE is idempotent).
PURGE_EVERY_S = 3600.0
# How often a delivery of an update another process holds asks again whether it is free or done.
ASK_AGAIN_S = 0.5


class OncePerUpdate(BaseMiddleware):
    def __init__(
        self, processed: ProcessedUpdates, purge_every: float = PURGE_EVERY_S, ask_again: float = ASK_AGAIN_S
    ) -> None:
        self.processed = processed
        self.purge_every = purge_every
        self.ask_again = ask_again
        self._next_purge = time.monotonic() + purge_every
        self._purging: asyncio.Task[int] | None = None

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        bot: Bot | None = data.get("bot")
        if not isinstance(event, Update) or bot is None:
            return await handler(event, data)
        mark = await self._take(bot.id, event.update_id)
        if mark is not Mark.TAKEN:
            log.info(
                "update %s delivered again: already taken, skipped%s",
                event.update_id,
                "" if mark is Mark.DONE else " (another live process still holds it)",
            )
            return None
        self._purge_now_and_then()
        renewing = asyncio.create_task(self._renew(bot.id, event.update_id))
        try:
            result = await handler(event, data)
        except Exception:
            renewing.cancel()
            await self.processed.give_back(bot.id, event.update_id)
            raise
        finally:
            renewing.cancel()
        try:
            await self.processed.finish(bot.id, event.update_id)
        except Exception as error:  # handled already; the lease runs out and a retry redoes it
            log.warning("update %s handled but not marked done: %s", event.update_id, error)
        return result

    async def _take(self, bot_id: int, update_id: int) -> Mark:
        """Wait while another process holds the update, up to two leases: by then a dead holder's lease has
        run out, so a mark still held belongs to a live process that will finish the update itself."""
        give_up = time.monotonic() + 2 * self.processed.lease.total_seconds()
        while True:
            mark = await self.processed.take(bot_id, update_id)
            if mark is not Mark.HELD or time.monotonic() >= give_up:
                return mark
            await asyncio.sleep(self.ask_again)

    async def _renew(self, bot_id: int, update_id: int) -> None:
        every = self.processed.lease.total_seconds() / 3
        while True:
            await asyncio.sleep(every)
            try:
                await self.processed.renew(bot_id, update_id)
            except Exception as error:  # try again at the next turn, within the lease
                log.warning("could not renew the lease on update %s: %s", update_id, error)

    def _purge_now_and_then(self) -> None:
        now = time.monotonic()
        if now < self._next_purge or (self._purging is not None and not self._purging.done()):
            return
        self._next_purge = now + self.purge_every
        self._purging = asyncio.create_task(self.processed.purge())
        self._purging.add_done_callback(_log_purge)


def _log_purge(task: asyncio.Task[int]) -> None:
    if task.cancelled():
        return
    if task.exception() is not None:
        log.warning("purging old update marks failed: %s", task.exception())
    elif task.result():
        log.info("purged %s old update marks", task.result())
