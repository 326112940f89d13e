"""The bot's own requests (`bot.updates.retry.RetryTransient`, installed by `bot.app.factory.create_bot`) ride
out 429s and 5xx from the local server, give up after their attempts, and leave getUpdates to aiogram's
polling loop."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramServerError
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.app.factory import create_bot
from bot.app.settings import Settings
from bot.dev.local_api import Faults, LocalBotApi, SimUser
from tests.local_api.helpers import TOKEN

# With this seed and a share of one half, the first two sendMessage calls are answered 500 and the third
# goes through (the server's fault draws are seeded; the test checks the record, so a change shows).
SEED_FAILING_TWICE = 10
BUTTON = InlineKeyboardButton(text="Kirim", callback_data="send")


@pytest.fixture
async def replying_bot(local_api: LocalBotApi) -> AsyncIterator[Bot]:
    settings = Settings(_env_file=None, bot_token=TOKEN, telegram_api_base=local_api.base_url)
    bot = create_bot(settings)
    yield bot
    await bot.session.close()


async def test_a_reply_answered_500_twice_is_sent_on_the_third_try(
    local_api: LocalBotApi, user: SimUser, replying_bot: Bot
) -> None:
    local_api.set_faults(
        Faults(error_500_share=0.5, seed=SEED_FAILING_TWICE, methods=frozenset({"sendMessage"}))
    )
    message = await replying_bot.send_message(user.id, "Nomor laporan Anda: LG-2026-000123")
    assert message.text == "Nomor laporan Anda: LG-2026-000123"
    attempts = local_api.requests("sendMessage", chat_id=user.id)
    assert [record.status for record in attempts] == [500, 500, 200]
    assert [m.text for m in user.chat().bot_messages()] == ["Nomor laporan Anda: LG-2026-000123"]


async def test_a_429_is_waited_out(local_api: LocalBotApi, user: SimUser, replying_bot: Bot) -> None:
    local_api.set_faults(Faults(error_429_share=0.5, retry_after=1, seed=SEED_FAILING_TWICE))
    await replying_bot.send_message(user.id, "Terima kasih")
    assert [r.status for r in local_api.requests("sendMessage", chat_id=user.id)] == [429, 429, 200]


async def test_a_server_that_keeps_failing_is_given_up_after_three_tries(
    local_api: LocalBotApi, user: SimUser, replying_bot: Bot
) -> None:
    local_api.set_faults(Faults(error_500_share=1.0, methods=frozenset({"sendMessage"})))
    with pytest.raises(TelegramServerError):
        await replying_bot.send_message(user.id, "x")
    assert [r.status for r in local_api.requests("sendMessage", chat_id=user.id)] == [500, 500, 500]
    assert user.chat().bot_messages() == []


async def test_get_updates_is_not_repeated(local_api: LocalBotApi, replying_bot: Bot) -> None:
    local_api.set_faults(Faults(error_500_share=1.0, methods=frozenset({"getUpdates"})))
    with pytest.raises(TelegramServerError):
        await replying_bot.get_updates(timeout=0)
    assert len(local_api.requests("getUpdates")) == 1


async def test_an_answer_too_late_counts_as_answered(
    local_api: LocalBotApi, user: SimUser, replying_bot: Bot
) -> None:
    local_api.config.callback_query_timeout = 0.0
    sent = await replying_bot.send_message(
        user.id, "Kirim?", reply_markup=InlineKeyboardMarkup(inline_keyboard=[[BUTTON]])
    )
    query_id = await user.press_button(sent.message_id, "send")
    assert await replying_bot.answer_callback_query(query_id, text="Terkirim") is True
    (answer,) = local_api.requests("answerCallbackQuery")
    assert not answer.ok


async def test_other_refused_answers_still_fail(local_api: LocalBotApi, replying_bot: Bot) -> None:
    local_api.set_faults(Faults(error_500_share=1.0, methods=frozenset({"answerCallbackQuery"})))
    with pytest.raises(TelegramServerError):
        await replying_bot.answer_callback_query("123")
