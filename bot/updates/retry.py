"""The bot's direct replies ride out a brief Telegram fault instead of losing the answer.

* 429 carries `retry_after`: wait that long and send again (aiogram does not retry by itself).
* 5xx means Telegram did not do it: send again after a short backoff (0.5 s, 1 s, ...). Without this, a
  reporter whose complaint was just stored could miss the message with its tracking number.
* A timeout or a broken connection is not repeated: Telegram may have acted, and a reply is better lost
  than doubled for the methods that matter here (the outbox, which owns notifications, decides for itself).
* `getUpdates` is left to aiogram's polling loop, which has its own backoff.
* A button press answered too late (Telegram gives a callback query about 15 s, e.g. while the bot
  restarted) is refused as "query is too old": the press itself must still be handled, so that refusal
  counts as answered instead of aborting the handler before it did anything.

A webhook request waits for its update's handling only up to `bot.app.runner.ANSWER_WITHIN_S` and is then
answered 503 while the handling goes on, so waiting here at worst makes Telegram resend an update, which
the update's lease (`bot.updates.once`) keeps from being handled twice. The outbox sender's `Bot` has no such
middleware: it hands a 429 or 5xx back to the outbox instead of holding a row's lease while it waits.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, cast

from aiogram import Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import TelegramBadRequest, TelegramRetryAfter, TelegramServerError
from aiogram.methods import AnswerCallbackQuery, GetUpdates, Response, TelegramMethod
from aiogram.methods.base import TelegramType

log = logging.getLogger(__name__)

# What Telegram says to an answer of a callback query that is too old or was answered already.
QUERY_TOO_OLD = "query is too old"


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
        if _is_long_poll(method):
            return await make_request(bot, method)
        if isinstance(method, AnswerCallbackQuery):
            return await self._answer(make_request, bot, method)
        return await self._with_retries(make_request, bot, method)

    async def _with_retries(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
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

    async def _answer(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        try:
            return await self._with_retries(make_request, bot, method)
        except TelegramBadRequest as refused:
            if QUERY_TOO_OLD not in refused.message:
                raise
            log.info("a button press was answered too late; handling it anyway")
            # The chain hands on the method's result (aiogram's typing says Response): True, as Telegram's.
            return cast(Response[TelegramType], True)


def _is_long_poll(method: TelegramMethod[Any]) -> bool:
    """getUpdates: a poll that fails is asked again by the poller, not retried here."""
    return isinstance(method, GetUpdates)
