"""An update that cannot be parsed is asked for a bounded number of times, then set aside with its error
for an operator, and the updates behind it go on (through the local Bot API server, both databases)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from aiogram import Dispatcher, Router
from aiogram.types import Message
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app.factory import create_bot
from bot.app.settings import Settings
from bot.dev.local_api import LocalBotApi
from bot.dev.local_api.unreadable import push_unreadable
from bot.updates.once import OncePerUpdate
from bot.updates.polling import POISON_AFTER, Poller
from storage.database import session_factory
from storage.processed_updates import ProcessedUpdates
from tests.e2e.conftest import TOKEN
from tests.hardening.test_answer_once import until

BOT_ID = 7000001


async def test_an_unreadable_update_is_set_aside_and_the_ones_behind_it_are_handled(
    local_api: LocalBotApi, clean_engine: AsyncEngine
) -> None:
    seen: list[str] = []
    router = Router()

    @router.message()
    async def note(message: Message) -> None:
        seen.append(message.text or "")

    queue = local_api.world.find_bot().queue
    await local_api.user(7401, "Ani").send_text("sebelum")
    poison = push_unreadable(queue)
    await local_api.user(7402, "Budi").send_text("sesudah")

    processed = ProcessedUpdates(session_factory(clean_engine))
    dispatcher = Dispatcher()
    dispatcher.update.outer_middleware(OncePerUpdate(processed))
    dispatcher.include_router(router)
    bot = create_bot(Settings(_env_file=None, bot_token=TOKEN, telegram_api_base=local_api.base_url))
    stop = asyncio.Event()
    running = asyncio.create_task(Poller(dispatcher, bot, timeout=1).run(stop, processed))
    try:
        await until(lambda: seen == ["sebelum", "sesudah"])
        await until(lambda: not queue.pending)
    finally:
        stop.set()
        await running
        await bot.session.close()

    [(number, payload, error)] = await processed.set_aside_updates(BOT_ID)
    assert number == poison
    assert payload["message"]["message_id"] == "not-a-number"
    assert "message_id" in error
    offsets = [int(r.params.get("offset", 0)) for r in local_api.requests(method="getUpdates")]
    asked_again = [offset for offset in offsets if offset == poison]
    assert len(asked_again) == POISON_AFTER - 1  # the first time it came after "sebelum" (offset before it)
    # Kept past the purge, for an operator to read.
    await processed.purge(keep=timedelta(0))
    assert [row[0] for row in await processed.set_aside_updates(BOT_ID)] == [poison]
