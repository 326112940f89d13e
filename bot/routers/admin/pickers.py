"""Choosing where a complaint goes: the province picks a city (35 of them, so in pages), a city an OPD.

The picker replaces the card's buttons in place; picking acts, and "back" puts the card's buttons back.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from datetime import datetime

from aiogram import Bot, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import CallbackQuery, InlineKeyboardButton, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.admin_callbacks import CardCb, PickPageCb, PickTargetCb, code_of
from bot.cards import render_card
from bot.routers.admin.guard import Forged, NotAnAdmin, Press, check_press, may_view, refusals, require_ids
from bot.routers.admin.outcome import pressed_copy, show_done
from bot.texts import Texts
from storage.complaints import ComplaintService
from storage.directory import Directory
from storage.errors import ComplaintNotFound
from storage.views import AdminInfo
from workflow.calendar import WorkingCalendar
from workflow.errors import NotPermitted

PAGE_SIZE = 8


async def show_page(query: CallbackQuery, press: Press, page: int, t: Texts, directory: Directory) -> None:
    complaint = press.complaint
    if complaint.current_org_id is None:
        raise Forged("a complaint outside any queue has nowhere to be sent")
    targets = [
        org
        for org in await directory.children(complaint.current_org_id)
        if org.kind == press.step.target_kind
    ]
    pages = max(1, -(-len(targets) // PAGE_SIZE))
    if not 0 <= page < pages:
        raise Forged(f"picker page {page} of {pages}")
    code = code_of(press.step.trigger)
    builder = InlineKeyboardBuilder()
    for org in targets[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]:
        builder.button(
            text=org.name, callback_data=PickTargetCb(c=complaint.id, v=press.seen_version, t=code, o=org.id)
        )
    builder.adjust(1)
    nav: list[InlineKeyboardButton] = []
    if page > 0:
        nav.append(
            InlineKeyboardButton(
                text=t.plain("admin.btn.page_prev", page=page, pages=pages),
                callback_data=PickPageCb(c=complaint.id, v=press.seen_version, t=code, p=page - 1).pack(),
            )
        )
    if page + 1 < pages:
        nav.append(
            InlineKeyboardButton(
                text=t.plain("admin.btn.page_next", page=page + 2, pages=pages),
                callback_data=PickPageCb(c=complaint.id, v=press.seen_version, t=code, p=page + 1).pack(),
            )
        )
    if nav:
        builder.row(*nav)
    builder.row(
        InlineKeyboardButton(text=t.plain("admin.btn.back"), callback_data=CardCb(c=complaint.id).pack())
    )
    key = f"admin.pick.{press.step.target_kind}" if targets else "admin.pick.none"
    if isinstance(query.message, Message):
        with suppress(TelegramBadRequest):
            await query.message.edit_reply_markup(reply_markup=builder.as_markup())
    await query.answer(t.plain(key, page=page + 1, pages=pages))


async def page_pressed(
    query: CallbackQuery,
    callback_data: PickPageCb,
    t: Texts,
    admins: list[AdminInfo],
    directory: Directory,
    complaints: ComplaintService,
) -> None:
    c, v = callback_data.c, callback_data.v
    async with refusals(query, t, complaints, complaint_id=c, seen_version=v, admins=admins):
        press = await check_press(complaints, admins, c, v, callback_data.t)
        if press.step.target_kind is None:
            raise Forged("a picker page for a step without a target")
        await show_page(query, press, callback_data.p, t, directory)


async def target_picked(
    query: CallbackQuery,
    callback_data: PickTargetCb,
    bot: Bot,
    t: Texts,
    admins: list[AdminInfo],
    complaints: ComplaintService,
    calendar: WorkingCalendar,
    clock: Callable[[], datetime],
) -> None:
    c, v = callback_data.c, callback_data.v
    async with refusals(query, t, complaints, complaint_id=c, seen_version=v, admins=admins):
        press = await check_press(complaints, admins, c, v, callback_data.t)
        require_ids(callback_data.o)
        if press.step.target_kind is None or not isinstance(query.message, Message):
            raise Forged("a target for a step without one")
        # The picker took the card's place in the same message: that message is the card pressed.
        card = pressed_copy(query.message)
        moved = await complaints.fire(
            c,
            press.admin.as_actor(),
            press.step.trigger,
            seen_version=v,
            target_org_id=callback_data.o,
            pressed_card=card,
        )
        await show_done(
            query,
            moved,
            admin=press.admin,
            bot=bot,
            pressed_card=card,
            t=t,
            complaints=complaints,
            calendar=calendar,
            clock=clock,
        )


async def back_to_card(
    query: CallbackQuery,
    callback_data: CardCb,
    t: Texts,
    admins: list[AdminInfo],
    complaints: ComplaintService,
    calendar: WorkingCalendar,
    clock: Callable[[], datetime],
) -> None:
    """The card again, as it is now: its buttons are the ones allowed now, not when it was first sent."""
    async with refusals(query, t, complaints, complaint_id=callback_data.c, admins=admins):
        if not admins:
            raise NotAnAdmin()
        require_ids(callback_data.c)
        card = await complaints.card(callback_data.c)
        if card is None:
            raise ComplaintNotFound(callback_data.c)
        viewer = next((admin for admin in admins if may_view(admin, card.complaint)), None)
        if viewer is None:
            raise NotPermitted("view", "a card of another organisation")
        text, markup = render_card(card, viewer=viewer, t=t, calendar=calendar, now=clock())
        await query.answer()
        if isinstance(query.message, Message):
            with suppress(TelegramBadRequest):
                await query.message.edit_text(text, reply_markup=markup)


def create_router() -> Router:
    router = Router(name=__name__)
    router.callback_query.register(page_pressed, PickPageCb.filter())
    router.callback_query.register(target_picked, PickTargetCb.filter())
    router.callback_query.register(back_to_card, CardCb.filter())
    return router
