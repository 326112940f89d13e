"""Welcome, menu, help, language, and /cancel — available at every step (/kontak and the service-complaint
entry are `bot.handlers.service`'s)."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message, ReplyKeyboardRemove
from sqlalchemy.ext.asyncio import AsyncSession

from bot.handlers.replies import drop_keyboard
from bot.ui.callbacks import CancelCb, LanguageCb, MenuCb
from bot.ui.commands import show_admin_commands
from bot.ui.keyboards.menu import language_picker, main_menu
from bot.ui.states import is_filing
from bot.ui.texts import TABLES, Texts, texts_for
from storage.directory import Directory
from storage.views import AdminInfo


async def _remind_if_filing(message: Message, state: FSMContext, t: Texts) -> None:
    if await is_filing(state):
        await message.answer(t("busy.filing"))


async def start(message: Message, state: FSMContext, t: Texts) -> None:
    await message.answer(t("welcome"), reply_markup=main_menu(t))
    await _remind_if_filing(message, state, t)


async def help_(message: Message, t: Texts) -> None:
    await message.answer(t("help"), reply_markup=main_menu(t))


async def language(message: Message, t: Texts) -> None:
    await message.answer(t("language.choose"), reply_markup=language_picker())


async def language_button(query: CallbackQuery, t: Texts) -> None:
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.answer(t("language.choose"), reply_markup=language_picker())


async def language_chosen(
    query: CallbackQuery,
    callback_data: LanguageCb,
    bot: Bot,
    directory: Directory,
    state: FSMContext,
    admins: list[AdminInfo],
    session: AsyncSession | None = None,
) -> None:
    await directory.set_language(
        query.from_user.id, callback_data.code, query.from_user.first_name, session=session
    )
    t = texts_for(callback_data.code)
    await query.answer()
    if isinstance(query.message, Message):
        if admins:
            # The admin's "/" list is their chat's own: it speaks the new language by the time they read this.
            await show_admin_commands(bot, query.message.chat.id, (seat.role for seat in admins), t)
        await query.message.answer(t("language.set"), reply_markup=main_menu(t))
        await _remind_if_filing(query.message, state, t)


async def cancel(message: Message, state: FSMContext, t: Texts) -> None:
    had_something = await state.get_state() is not None
    await state.clear()
    await message.answer(
        t("cancel.done") if had_something else t("cancel.nothing"), reply_markup=ReplyKeyboardRemove()
    )
    await message.answer(t("menu.prompt"), reply_markup=main_menu(t))


async def cancel_button(query: CallbackQuery, state: FSMContext, t: Texts) -> None:
    had_something = await state.get_state() is not None
    await state.clear()
    await query.answer()
    await drop_keyboard(query)
    if isinstance(query.message, Message):
        await query.message.answer(t("cancel.done") if had_something else t("cancel.nothing"))
        await query.message.answer(t("menu.prompt"), reply_markup=main_menu(t))


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(start, CommandStart())
    router.message.register(help_, Command("help"))
    router.message.register(language, Command("language"))
    router.callback_query.register(language_button, MenuCb.filter(F.action == "language"))
    router.callback_query.register(language_chosen, LanguageCb.filter(F.code.in_(TABLES)))
    router.message.register(cancel, Command("cancel"))
    router.callback_query.register(cancel_button, CancelCb.filter())
    return router
