"""A real aiogram Dispatcher against the local server, by polling and by webhook."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import pytest
from aiogram import Bot, Dispatcher, F, Router
from aiogram.filters import CommandStart
from aiogram.methods import SendMessage
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application
from aiohttp import web

from bot.dev.local_api import LocalBotApi


def echo_router() -> Router:
    router = Router()

    @router.message(CommandStart())
    async def start(message: Message) -> None:
        keyboard = InlineKeyboardMarkup(
            inline_keyboard=[[InlineKeyboardButton(text="Lapor", callback_data="new")]]
        )
        await message.answer("Selamat datang di <b>LaporGub</b>", parse_mode="HTML", reply_markup=keyboard)

    @router.callback_query(F.data == "new")
    async def new_report(query: CallbackQuery) -> None:
        assert isinstance(query.message, Message)
        await query.message.edit_text("Tulis laporan Anda")
        await query.answer("Siap")

    @router.message(F.text == "ping")
    async def ping(message: Message) -> SendMessage:
        # Returned, not awaited: in webhook mode aiogram puts the call into the webhook response.
        return message.answer("pong")

    @router.message(F.photo)
    async def photo(message: Message, bot: Bot) -> None:
        assert message.photo is not None
        await message.answer_photo(message.photo[-1].file_id, caption="Foto diterima")

    return router


@pytest.fixture
async def polling(local_api: LocalBotApi, bot: Bot) -> AsyncIterator[Dispatcher]:
    dispatcher = Dispatcher()
    dispatcher.include_router(echo_router())
    task = asyncio.create_task(dispatcher.start_polling(bot, handle_signals=False, polling_timeout=1))
    yield dispatcher
    with contextlib.suppress(RuntimeError):
        await dispatcher.stop_polling()
    await asyncio.wait_for(task, 5)


async def test_start_press_and_photo(local_api: LocalBotApi, polling: Dispatcher) -> None:
    person = local_api.user(901, "Tono", language_code="id")
    await person.send_command("/start")
    welcome = await person.wait_for_message()
    assert welcome.html == "Selamat datang di <b>LaporGub</b>"
    await person.press_button(welcome, "Lapor")
    edited = await person.wait_for_edit(welcome)
    assert edited.text == "Tulis laporan Anda"
    assert edited.inline_keyboard is None
    assert (await person.wait_for_toast())["text"] == "Siap"
    sent = await person.send_photo(caption="jalan rusak")
    echoed = await person.wait_for_message()
    assert echoed.kind == "photo"
    assert echoed.media == sent.media
    await local_api.wait_idle()
    assert [r.method for r in local_api.requests(chat_id=901, ok=True)] == [
        "sendMessage",
        "editMessageText",
        "sendPhoto",
    ]


async def test_webhook_mode_with_aiogram_request_handler(local_api: LocalBotApi, bot: Bot) -> None:
    dispatcher = Dispatcher()
    dispatcher.include_router(echo_router())
    app = web.Application()
    handler = SimpleRequestHandler(dispatcher, bot, secret_token="rahasia", handle_in_background=False)
    handler.register(app, path="/webhook")
    setup_application(app, dispatcher, bot=bot)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        url = f"http://127.0.0.1:{runner.addresses[0][1]}/webhook"
        await bot.set_webhook(url, secret_token="rahasia")
        person = local_api.user(902, "Umar")
        await person.send_command("/start")
        welcome = await person.wait_for_message()
        assert welcome.text == "Selamat datang di LaporGub"
        await person.send_text("ping")
        assert (await person.wait_for_message()).text == "pong"
        assert local_api.requests(method="sendMessage")[-1].params["text"] == "pong"
        assert (await bot.get_webhook_info()).pending_update_count == 0
    finally:
        await runner.cleanup()
