"""The fast layer: the bot's Bot API calls answered by the local Bot API server in-process, and the updates
its people make fed straight to the production dispatcher, with no socket in between.

Everything above the transport is the production code: `create_bot`'s session middlewares (one answer per
press, retries of 429 and 5xx), `create_dispatcher`'s routers and middlewares (exactly once per update, the
conversation row, the caller's seats), the real database, the local server's checks of every call
(parameters, limits, flood control, faults) and its request log. What it leaves out is HTTP itself: aiogram's
form encoding on the wire, getUpdates long polls and webhook deliveries; tests of those keep their polling
and webhook modes (tests/e2e/conftest.py, `TRANSPORT_TESTS`).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncGenerator
from typing import Any, cast
from urllib.parse import urlsplit

from aiogram import Bot, Dispatcher
from aiogram.client.session.base import BaseSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.methods import TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import InputFile, Update

from bot.dev.local_api import LocalBotApi
from bot.dev.local_api.params import Params, Upload

log = logging.getLogger(__name__)
# Where the bot believes the server is: never dialled, only parsed back by `stream_content`.
IN_PROCESS_BASE = "http://in-process.invalid"


class InProcessSession(BaseSession):
    """An aiogram session whose requests are executed by a `LocalBotApi` in the same event loop.

    Values are prepared exactly as aiogram prepares a form for HTTP (`prepare_value`: JSON for objects, files
    as ``attach://`` parts), so the server parses what it would have read from a request body."""

    def __init__(self, api: LocalBotApi, **kwargs: Any) -> None:
        super().__init__(api=TelegramAPIServer.from_base(IN_PROCESS_BASE), **kwargs)
        self.local = api

    async def make_request(
        self,
        bot: Bot,
        method: TelegramMethod[TelegramType],
        timeout: int | None = None,  # noqa: ASYNC109 (aiogram's signature)
    ) -> TelegramType:
        files: dict[str, InputFile] = {}
        values: dict[str, Any] = {}
        for key, value in method.model_dump(warnings=False).items():
            prepared = self.prepare_value(value, bot=bot, files=files)
            if prepared:
                values[key] = prepared
        uploads = {}
        for key, file in files.items():
            data = b"".join([chunk async for chunk in file.read(bot)])
            uploads[key] = Upload(key, file.filename or key, None, data)
        account = self.local.world.bots.get(bot.token)
        status, body = await self.local.server.execute(
            account, method.__api_method__, Params(values=values, uploads=uploads)
        )
        response = self.check_response(bot=bot, method=method, status_code=status, content=json.dumps(body))
        return cast(TelegramType, response.result)

    async def stream_content(
        self,
        url: str,
        headers: dict[str, Any] | None = None,
        timeout: int = 30,  # noqa: ASYNC109 (aiogram's signature)
        chunk_size: int = 65536,
        raise_for_status: bool = True,
    ) -> AsyncGenerator[bytes, None]:
        # ".../file/bot<token>/<path>", as TelegramAPIServer.file_url builds it.
        _, _, rest = urlsplit(url).path.partition("/file/bot")
        token, _, path = rest.partition("/")
        account = self.local.world.bots.get(token)
        stored = self.local.world.files.by_path(path, account.id) if account else None
        if stored is None:
            if raise_for_status:
                raise OSError(f"404 Not Found: {url}")
            return
        for start in range(0, len(stored.data), chunk_size):
            yield stored.data[start : start + chunk_size]

    async def close(self) -> None:
        pass


def run_in_process(bot: Bot, api: LocalBotApi) -> Bot:
    """Points `bot` (made by `create_bot`) at `api` in-process, keeping its session's middlewares."""
    session = InProcessSession(api, timeout=bot.session.timeout)
    for middleware in bot.session.middleware:
        session.middleware(middleware)
    bot.session = session
    return bot


class UpdatePump:
    """Hands every update people make to the dispatcher as the production webhook does (bot/app/runner.py):
    each in a task of its own, so updates of different people run at once, in the order they were made; an
    answer that is a method is executed, a handler's exception logged. Startup and shutdown are emitted as
    there."""

    def __init__(self, api: LocalBotApi, dispatcher: Dispatcher, bot: Bot) -> None:
        self.queue = api.world.bots[bot.token].queue
        self.dispatcher = dispatcher
        self.bot = bot
        self._task: asyncio.Task[None] | None = None
        self._handling: set[asyncio.Task[Any]] = set()
        self._world = api.world

    def _data(self) -> dict[str, Any]:
        return {"dispatcher": self.dispatcher, "bots": [self.bot], **self.dispatcher.workflow_data}

    async def start(self) -> None:
        await self.dispatcher.emit_startup(bot=self.bot, **self._data())
        self.queue.closed = False
        self._task = asyncio.create_task(self._run(), name="in-process updates")

    async def _run(self) -> None:
        while True:
            while not self.queue.pending:
                await self.queue.changed.wait(None)
            batch = list(self.queue.pending)
            self.queue.confirm(batch[-1]["update_id"] + 1)
            self.queue.mark_handed_out(batch)
            for raw in batch:
                update = Update.model_validate(raw, context={"bot": self.bot})
                task = asyncio.create_task(self._handle(update))
                self._handling.add(task)
                task.add_done_callback(self._handling.discard)

    async def _handle(self, update: Update) -> None:
        # Counted like an HTTP request in flight, so that `LocalBotApi.wait_idle` waits for the handler.
        self._world.in_flight += 1
        try:
            result = await self.dispatcher.feed_update(self.bot, update, bots=[self.bot])
            if isinstance(result, TelegramMethod):
                await self.dispatcher.silent_call_request(bot=self.bot, result=result)
        except Exception:
            log.exception("update %s failed", update.update_id)
        finally:
            self._world.in_flight -= 1
            self._world.touch()

    async def stop(self) -> None:
        """Stops taking updates and lets the ones being handled finish."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self._handling:
            await asyncio.gather(*self._handling, return_exceptions=True)
        await self.dispatcher.emit_shutdown(bot=self.bot, **self._data())
