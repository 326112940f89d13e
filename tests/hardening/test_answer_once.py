"""A button press is answered once, however often its update is replayed: Telegram refuses a second answer,
and a handler that meets that refusal fails the replay too."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from aiogram import Dispatcher, Router
from aiogram.types import CallbackQuery
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app.factory import create_bot
from bot.app.settings import Settings
from bot.dev.local_api import LocalBotApi
from bot.updates.once import OncePerUpdate
from bot.updates.polling import Poller
from storage.database import session_factory
from storage.processed_updates import ProcessedUpdates
from tests.e2e.admin_desk import forge_press
from tests.e2e.conftest import TOKEN


class FlakyButton:
    """Answers the press, then fails the first `failures` times (a database away mid-handler, say)."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.attempts = 0
        self.finished = 0

    def router(self) -> Router:
        router = Router()

        @router.callback_query()
        async def pressed(query: CallbackQuery) -> None:
            self.attempts += 1
            await query.answer("Diterima")
            if self.attempts <= self.failures:
                raise RuntimeError("the database went away")
            self.finished += 1

        return router


@asynccontextmanager
async def polling(
    api: LocalBotApi, engine: AsyncEngine, button: FlakyButton, **options: Any
) -> AsyncIterator[None]:
    processed = ProcessedUpdates(session_factory(engine))
    dispatcher = Dispatcher()
    dispatcher.update.outer_middleware(OncePerUpdate(processed))
    dispatcher.include_router(button.router())
    bot = create_bot(Settings(_env_file=None, bot_token=TOKEN, telegram_api_base=api.base_url))
    stop = asyncio.Event()
    running = asyncio.create_task(Poller(dispatcher, bot, timeout=1, **options).run(stop, processed))
    try:
        yield
    finally:
        stop.set()
        await running
        await bot.session.close()


async def until(condition: Any, timeout: float = 20.0) -> None:  # noqa: ASYNC109
    async with asyncio.timeout(timeout):
        while not condition():  # noqa: ASYNC110 - watching the handler
            await asyncio.sleep(0.02)


async def press(api: LocalBotApi) -> None:
    user = api.user(7301, "Sari")
    message = await user.send_text("halo")
    api.world.find_bot().queue.pending.clear()  # only the press reaches the bot
    forge_press(api, user.id, message.message_id, "m:new")


async def test_a_press_replayed_by_the_same_process_is_answered_once(
    local_api: LocalBotApi, clean_engine: AsyncEngine
) -> None:
    button = FlakyButton(failures=1)
    await press(local_api)
    async with polling(local_api, clean_engine, button, retry_after=0.2):
        await until(lambda: button.finished == 1)
    assert button.attempts == 2
    answers = local_api.requests(method="answerCallbackQuery")
    assert [record.ok for record in answers] == [True]


async def test_a_press_replayed_at_the_next_start_is_answered_once(
    local_api: LocalBotApi, clean_engine: AsyncEngine
) -> None:
    button = FlakyButton(failures=1)
    await press(local_api)
    async with polling(local_api, clean_engine, button):
        await until(lambda: button.attempts == 1)
    async with polling(local_api, clean_engine, button):
        await until(lambda: button.finished == 1)
    answers = local_api.requests(method="answerCallbackQuery")
    assert [record.ok for record in answers] == [True]
