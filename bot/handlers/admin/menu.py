"""The admin menu of the admin's role and organisation, and switching to the reporter menu and back."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from bot.handlers import onboarding
from bot.handlers.admin.desk import AdminDesk
from bot.handlers.admin.queue import send_queues
from bot.handlers.admin.report import period_keyboard
from bot.ui.admin_callbacks import AdminMenuCb
from bot.ui.admin_states import AdminInput
from bot.ui.callbacks import MenuCb
from bot.ui.commands import hide_admin_commands, show_admin_commands
from bot.ui.keyboards.menu import main_menu
from bot.ui.report_rendering import REPORTING_ROLES
from bot.ui.service_callbacks import RecordCb
from bot.ui.states import is_filing
from bot.ui.texts import Html, Texts
from storage.complaints import ComplaintService
from storage.invites import INVITABLE
from storage.views import AdminInfo
from workflow.actors import Role


def is_admin(_: object, admin: AdminInfo | None = None) -> bool:
    return admin is not None


async def admin_menu(
    admin: AdminInfo, t: Texts, complaints: ComplaintService, session: AsyncSession | None = None
) -> tuple[Html, InlineKeyboardMarkup]:
    waiting = (await complaints.queue(admin.org.id, admin.role, limit=1, session=session)).total
    text = t(
        "admin.menu",
        role=t.plain(f"admin.role.{admin.role}"),
        org=admin.org.name,
        name=admin.full_name,
        count=waiting,
    )
    builder = InlineKeyboardBuilder()
    builder.button(text=t.plain("admin.btn.queue", count=waiting), callback_data=AdminMenuCb(action="queue"))
    if admin.role in REPORTING_ROLES:
        builder.button(text=t.plain("admin.btn.report"), callback_data=AdminMenuCb(action="report"))
    if admin.role in INVITABLE:  # the tier below is seated and unseated from here
        builder.button(text=t.plain("admin.btn.invite"), callback_data=AdminMenuCb(action="invite"))
        builder.button(text=t.plain("admin.btn.admins"), callback_data=AdminMenuCb(action="admins"))
    if admin.role is Role.OFFICER:  # officer/service: a complaint that came by phone, email, the counter...
        builder.button(text=t.plain("officer.btn.record"), callback_data=RecordCb())
    builder.button(text=t.plain("admin.btn.reporter_menu"), callback_data=AdminMenuCb(action="reporter"))
    builder.button(text=t.plain("btn.menu.language"), callback_data=MenuCb(action="language"))
    builder.adjust(1)
    return text, builder.as_markup()


def _reporter_menu(t: Texts) -> InlineKeyboardMarkup:
    menu = main_menu(t)
    back = InlineKeyboardButton(
        text=t.plain("admin.btn.admin_menu"), callback_data=AdminMenuCb(action="admin").pack()
    )
    return InlineKeyboardMarkup(inline_keyboard=[*menu.inline_keyboard, [back]])


async def start(
    message: Message,
    bot: Bot,
    state: FSMContext,
    t: Texts,
    admin: AdminInfo,
    admins: list[AdminInfo],
    complaints: ComplaintService,
    session: AsyncSession | None = None,
) -> None:
    # Read before the first request (the update's unit of work is committed then); the commands set before
    # the menu is sent: once the admin sees it, the "/" button lists their commands.
    text, markup = await admin_menu(admin, t, complaints, session)
    await show_admin_commands(bot, message.chat.id, (seat.role for seat in admins), t)
    await message.answer(text, reply_markup=markup)
    current = await state.get_state()
    if await is_filing(state):
        await message.answer(t("busy.filing"))
    elif current in AdminInput.__all_states_names__:
        await message.answer(t("admin.busy"))


async def help_(message: Message, t: Texts) -> None:
    await message.answer(t("admin.help"))


async def menu_pressed(
    query: CallbackQuery, callback_data: AdminMenuCb, admin: AdminInfo | None, desk: AdminDesk
) -> None:
    t = desk.t
    if admin is None:
        # Deactivated since the menu was shown: from now on this person is a reporter.
        await query.answer(t.plain("admin.refused.not_admin"), show_alert=True)
        if isinstance(query.message, Message):
            await query.message.answer(t("welcome"), reply_markup=main_menu(t))
            await hide_admin_commands(desk.bot, query.message.chat.id)
        return
    if isinstance(query.message, Message):
        await _show(query.message, callback_data.action, admin, desk)
    # Answered after the screen's reads, which come before its first reply: one transaction for the update.
    await query.answer()


async def _show(message: Message, action: str, admin: AdminInfo, desk: AdminDesk) -> None:
    t = desk.t
    if action == "queue":
        await send_queues(message, desk)
    elif action == "report" and admin.role in REPORTING_ROLES:
        await message.answer(t("report.ask"), reply_markup=period_keyboard(t))
    elif action == "invite":
        await onboarding.invite_menu(message, t, admin, desk.directory, desk.session)
    elif action == "admins":
        await onboarding.seats_below(message, t, admin, desk.directory, desk.clock, desk.session)
    elif action == "reporter":
        await message.answer(t("admin.reporter_menu"), reply_markup=_reporter_menu(t))
    else:
        text, markup = await admin_menu(admin, t, desk.complaints, desk.session)
        await message.answer(text, reply_markup=markup)


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(start, CommandStart(), is_admin)
    router.message.register(help_, Command("help"), is_admin)
    router.callback_query.register(
        menu_pressed,
        AdminMenuCb.filter(F.action.in_({"queue", "report", "invite", "admins", "reporter", "admin"})),
    )
    return router
