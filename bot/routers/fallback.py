"""Whatever no other handler took: a stale button, or a message outside any conversation."""

from __future__ import annotations

from aiogram import Router
from aiogram.types import CallbackQuery, Message

from bot.keyboards.menu import main_menu
from bot.texts import Texts


async def stale_button(query: CallbackQuery, t: Texts) -> None:
    # A button from a finished or cancelled conversation (or from before a restart that lost it).
    await query.answer(t.plain("button.expired"), show_alert=True)


async def anything_else(message: Message, t: Texts) -> None:
    await message.answer(t("menu.prompt"), reply_markup=main_menu(t))


def create_router() -> Router:
    router = Router(name=__name__)
    router.callback_query.register(stale_button)
    router.message.register(anything_else)
    return router
