"""Admins seat the tier below them with one-time invite links; a citizen links a complaint an officer
recorded; an officer confirms a message was relayed to a complainant who is not on Telegram.

/start <code> redeems an invite; /invite picks a seat below and answers with the link; /admins lists the
seats below with a deactivate button each. /link <number> <last 4 phone digits> links a complaint.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import cast

from aiogram import Bot, F, Router
from aiogram.enums import ChatType
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.types import CallbackQuery, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from bot.handlers.replies import drop_keyboard
from bot.notices.delivery import result_keyboard
from bot.notices.service_response import answer_keyboard
from bot.ui.admin_callbacks import InvitableRole, InviteCb, RelayCb, SeatCb
from bot.ui.commands import seat_commands
from bot.ui.display import fit
from bot.ui.texts import Html, Texts
from storage.complaints import ComplaintService
from storage.data_errors import UnknownOrganisation
from storage.directory import Directory
from storage.invites import (
    INVITABLE,
    AlreadySeated,
    InviteExpired,
    Invites,
    InviteUnknown,
    InviteUsed,
    NotBelow,
    invite_link,
)
from storage.linking import Linking, LinkRefused, TooManyAttempts
from storage.relays import RelayNotFound, Relays
from storage.views import AdminInfo
from workflow.actors import Role
from workflow.definitions import SS, ComplaintKind, S

Clock = Callable[[], datetime]


# -- invites ---------------------------------------------------------------------------------------------


async def redeem(
    message: Message,
    command: CommandObject,
    bot: Bot,
    t: Texts,
    directory: Directory,
    clock: Clock,
    session: AsyncSession | None = None,
) -> None:
    assert message.from_user is not None
    code = (command.args or "").strip()
    try:
        seat = await Invites(directory.sessions, clock).redeem(
            code, message.from_user.id, message.from_user.full_name, session=session
        )
    except AlreadySeated as already:
        await message.answer(
            t("invite.already", role=t.plain(f"admin.role.{already.seat.role}"), org=already.seat.org.name)
        )
        return
    except InviteExpired:
        await message.answer(t("invite.expired"))
        return
    except (InviteUsed, InviteUnknown):
        await message.answer(t("invite.used"))
        return
    # Seated: the "/" menu lists their commands from now on, not the reporter's (read before the first
    # request, which commits the update's unit of work).
    await seat_commands(bot, directory, message.from_user.id, t, session=session)
    await message.answer(t("invite.welcome", role=t.plain(f"admin.role.{seat.role}"), org=seat.org.name))


async def invite_menu(
    message: Message,
    t: Texts,
    admin: AdminInfo | None,
    directory: Directory,
    session: AsyncSession | None = None,
) -> None:
    if admin is None or admin.role not in INVITABLE:
        await message.answer(t("invite.not_allowed"))
        return
    builder = InlineKeyboardBuilder()
    for role, in_child in INVITABLE[admin.role]:
        orgs = await directory.children(admin.org.id, session=session) if in_child else [admin.org]
        for org in orgs:
            # INVITABLE holds admin seats' roles alone (storage/invites.py), each one of InvitableRole.
            builder.button(
                text=t.plain("invite.btn", role=t.plain(f"admin.role.{role}"), org=org.label),
                callback_data=InviteCb(role=cast(InvitableRole, role.value), org_id=org.id),
            )
    builder.adjust(1)
    await message.answer(t("invite.choose"), reply_markup=builder.as_markup())


async def invite_chosen(
    query: CallbackQuery,
    callback_data: InviteCb,
    t: Texts,
    admin: AdminInfo | None,
    directory: Directory,
    clock: Clock,
    bot: Bot,
    session: AsyncSession | None = None,
) -> None:
    if admin is None:
        await query.answer(t.plain("admin.refused.not_admin"), show_alert=True)
        return
    try:
        invite = await Invites(directory.sessions, clock).create(
            admin, Role(callback_data.role), callback_data.org_id, session=session
        )
    except (NotBelow, UnknownOrganisation, ValueError):
        await query.answer(t.plain("invite.not_allowed"), show_alert=True)
        return
    await query.answer()
    me = await bot.me()
    if isinstance(query.message, Message):
        await query.message.answer(
            t(
                "invite.link",
                role=t.plain(f"admin.role.{invite.role}"),
                org=invite.org.name,
                link=invite_link(me.username or "", invite.code),
                expires=t.moment(invite.expires_at),
            )
        )


async def seats_below(
    message: Message,
    t: Texts,
    admin: AdminInfo | None,
    directory: Directory,
    clock: Clock,
    session: AsyncSession | None = None,
) -> None:
    if admin is None or admin.role not in INVITABLE:
        await message.answer(t("invite.not_allowed"))
        return
    below = await Invites(directory.sessions, clock).admins_below(admin, session=session)
    seats = [seat for seat in below if seat.active]
    if not seats:
        await message.answer(t("seats.none"))
        return
    builder = InlineKeyboardBuilder()
    lines = [t("seats.title")]
    for seat in seats:
        lines.append(
            t(
                "seats.row",
                name=seat.full_name or str(seat.telegram_id),
                role=t.plain(f"admin.role.{seat.role}"),
                org=seat.org.name,
            )
        )
        builder.button(
            text=t.plain("seats.btn.deactivate", name=seat.full_name or str(seat.telegram_id)),
            callback_data=SeatCb(admin_id=seat.id),
        )
    builder.adjust(1)
    await message.answer("\n".join(lines), reply_markup=builder.as_markup())


async def seat_deactivated(
    query: CallbackQuery,
    callback_data: SeatCb,
    bot: Bot,
    t: Texts,
    admin: AdminInfo | None,
    directory: Directory,
    clock: Clock,
    session: AsyncSession | None = None,
) -> None:
    if admin is None:
        await query.answer(t.plain("admin.refused.not_admin"), show_alert=True)
        return
    try:
        seat = await Invites(directory.sessions, clock).deactivate_below(
            admin, callback_data.admin_id, session=session
        )
    except (NotBelow, UnknownOrganisation):
        await query.answer(t.plain("invite.not_allowed"), show_alert=True)
        return
    # Their "/" menu follows at once: the seats they still hold, or the reporter's list (read in the update's
    # unit of work, before the first request commits it).
    await seat_commands(bot, directory, seat.telegram_id, session=session)
    await query.answer(
        t.plain("seats.deactivated", name=seat.full_name or str(seat.telegram_id)), show_alert=True
    )


# -- linking ---------------------------------------------------------------------------------------------


async def link(
    message: Message,
    command: CommandObject,
    t: Texts,
    directory: Directory,
    clock: Clock,
    session: AsyncSession | None = None,
) -> None:
    assert message.from_user is not None
    parts = (command.args or "").split()
    if len(parts) != 2:
        await message.answer(t("link.usage"))
        return
    try:
        complaint = await Linking(directory.sessions, clock).link(
            message.from_user.id, parts[0], parts[1], session=session
        )
    except LinkRefused:
        await message.answer(t("link.refused"))
        return
    except TooManyAttempts as limit:
        await message.answer(t("link.too_many", at=t.moment(limit.retry_at)))
        return
    done = t("link.done", number=complaint.tracking_number, subject=complaint.subject)
    # What waits on them is theirs to answer from now on (`workflow.engine`): its buttons come with it.
    if complaint.kind is ComplaintKind.SERVICE and complaint.state == SS.RESPONDED:
        await message.answer(
            Html(done + t("service.answer.ask")),
            reply_markup=answer_keyboard(complaint.id, complaint.version, t),
        )
        return
    if complaint.kind is ComplaintKind.LAPORGUB and complaint.state == S.RESOLVED:
        text = fit(
            lambda shown: Html(
                done + "\n\n" + t("link.result", result=shown) + t("notify.reporter.approve_ask")
            ),
            complaint.result_text or "",
            t,
        )
        await message.answer(text, reply_markup=result_keyboard(complaint.id, complaint.version, t))
        return
    await message.answer(done)


# -- relays ----------------------------------------------------------------------------------------------


async def relay_delivered(
    query: CallbackQuery,
    callback_data: RelayCb,
    t: Texts,
    admin: AdminInfo | None,
    complaints: ComplaintService,
    session: AsyncSession | None = None,
) -> None:
    officer = next((seat for seat in ([admin] if admin else []) if seat.role is Role.OFFICER), None)
    if officer is None:
        await query.answer(t.plain("admin.refused.not_admin"), show_alert=True)
        return
    try:
        done = await Relays(complaints.sessions, complaints).deliver(
            callback_data.relay_id, officer, session=session
        )
    except RelayNotFound:
        await query.answer(t.plain("relay.not_yours"), show_alert=True)
        return
    await query.answer(t.plain("relay.closed" if done.closed else "relay.thanks"))
    await drop_keyboard(query)


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(F.chat.type == ChatType.PRIVATE)
    router.message.register(
        redeem, CommandStart(deep_link=True, magic=F.args.regexp(r"^[A-Za-z0-9_-]{8,64}$"))
    )
    router.message.register(invite_menu, Command("invite", "undang"))
    router.message.register(seats_below, Command("admins"))
    router.message.register(link, Command("link", "tautkan"))
    router.callback_query.register(invite_chosen, InviteCb.filter())
    router.callback_query.register(seat_deactivated, SeatCb.filter())
    router.callback_query.register(relay_delivered, RelayCb.filter())
    return router
