"""The bot's direct replies ride out a brief Telegram fault instead of losing the answer.

* 429 carries `retry_after`: wait that long and send again (aiogram does not retry by itself).
* 5xx means Telegram did not do it: send again after a short backoff (0.5 s, 1 s, ...). Without this, a
  reporter whose complaint was just stored could miss the message with its tracking number.
* A timeout or a broken connection is not repeated: Telegram may have acted, and a reply is better lost
  than doubled for the methods that matter here (the outbox, which owns notifications, decides for itself).
* `getUpdates` is left to aiogram's polling loop, which has its own backoff.

Handlers run outside the webhook request (the webhook handler answers first and processes in the
background), so waiting here never makes Telegram resend an update. The outbox sender's `Bot` has no such
middleware: it hands a 429 or 5xx back to the outbox instead of holding a row's lease while it waits.
"""

from __future__ import annotations

import asyncio
import logging

from aiogram import Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import TelegramRetryAfter, TelegramServerError
from aiogram.methods import GetUpdates, Response, TelegramMethod
from aiogram.methods.base import TelegramType

log = logging.getLogger(__name__)


class RetryTransient(BaseRequestMiddleware):
    def __init__(self, attempts: int = 3, longest_wait: float = 60.0, backoff: float = 0.5) -> None:
        self.attempts = attempts
        self.longest_wait = longest_wait
        self.backoff = backoff

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        if isinstance(method, GetUpdates):
            return await make_request(bot, method)
        for attempt in range(1, self.attempts + 1):
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as flood:
                if attempt == self.attempts or flood.retry_after > self.longest_wait:
                    raise
                wait = float(flood.retry_after)
                log.info("%s throttled; retrying in %ss", type(method).__name__, wait)
            except TelegramServerError as error:
                if attempt == self.attempts:
                    raise
                wait = self.backoff * 2 ** (attempt - 1)
                log.warning("%s failed (%s); retrying in %ss", type(method).__name__, error.message, wait)
            await asyncio.sleep(wait)
        raise AssertionError("unreachable")
