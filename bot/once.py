"""An outer middleware that lets each update through once, however many times it is delivered."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.types import TelegramObject, Update

from storage.processed_updates import ProcessedUpdates

log = logging.getLogger(__name__)
# How often a process purges old marks (any process may; the DELETE is idempotent).
PURGE_EVERY_S = 3600.0


class OncePerUpdate(BaseMiddleware):
    def __init__(self, processed: ProcessedUpdates, purge_every: float = PURGE_EVERY_S) -> None:
        self.processed = processed
        self.purge_every = purge_every
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
        if not await self.processed.take(bot.id, event.update_id):
            log.info("update %s delivered again: already taken, skipped", event.update_id)
            return None
        self._purge_now_and_then()
        try:
            return await handler(event, data)
        except Exception:
            await self.processed.give_back(bot.id, event.update_id)
            raise

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
