"""Small sending helpers shared by the routers."""

from __future__ import annotations

from contextlib import suppress

from aiogram.exceptions import TelegramBadRequest
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot.ui.display import split_message


async def drop_keyboard(query: CallbackQuery) -> None:
    """Take the buttons off a message whose choice is made, so it cannot be pressed twice."""
    if isinstance(query.message, Message):
        # Already gone (pressed twice) or too old to edit: either way nothing is left to press.
        with suppress(TelegramBadRequest):
            await query.message.edit_reply_markup(reply_markup=None)


async def answer_long(
    message: Message, rendered: str, reply_markup: InlineKeyboardMarkup | None = None
) -> None:
    """Send `rendered` in as many messages as Telegram's length limit needs; buttons go on the last."""
    parts = split_message(rendered)
    for index, part in enumerate(parts):
        await message.answer(part, reply_markup=reply_markup if index == len(parts) - 1 else None)
