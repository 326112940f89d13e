"""Whatever no other handler took: a stale button, or a message outside any conversation."""

from __future__ import annotations

from aiogram import Router
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.handlers.admin.menu import admin_menu
from bot.ui.keyboards.menu import main_menu
from bot.ui.texts import Texts
from storage.complaints import ComplaintService
from storage.views import AdminInfo


async def stale_button(query: CallbackQuery, t: Texts) -> None:
    # A button from a finished or cancelled conversation (or from before a restart that lost it).
    await query.answer(t.plain("button.expired"), show_alert=True)


async def anything_else(
    message: Message,
    t: Texts,
    complaints: ComplaintService,
    admin: AdminInfo | None = None,
    session: AsyncSession | None = None,
) -> None:
    if admin is not None:
        # An admin's stray text gets their own menu (their queue, /catat), not the citizen's.
        text, markup = await admin_menu(admin, t, complaints, session)
        await message.answer(text, reply_markup=markup)
        return
    await message.answer(t("menu.prompt"), reply_markup=main_menu(t))


def create_router() -> Router:
    router = Router(name=__name__)
    router.callback_query.register(stale_button)
    router.message.register(anything_else)
    return router
