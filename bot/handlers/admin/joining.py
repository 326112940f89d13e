"""Joining a complaint to an earlier one about the same problem, from its card, and separating it again.

"🔗 Gabungkan ke …" under a similar complaint asks once, in the card itself, naming both numbers; only its
"✅ Ya" joins them (storage/duplicates.py). "✂️ Pisahkan" on a duplicate's card asks for a reason like a
return does (bot/handlers/admin/inputs.py) and puts it back in its office's queue.
"""

from __future__ import annotations

from contextlib import suppress
from typing import Any

from aiogram import Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.handlers.admin import inputs
from bot.handlers.admin.desk import PRESS, AdminDesk, Check
from bot.handlers.admin.guard import CardPress, check_card_press
from bot.handlers.admin.outcome import pressed_copy, show_on_card
from bot.ui.admin_callbacks import CardCb, LinkCb, LinkYesCb, UnlinkCb
from bot.ui.cards import card_text, may_link
from bot.ui.texts import Texts
from storage.duplicates import FOLLOWS_EARLIER, LINK, NOT_LINKED, UNLINK, may_unlink
from storage.outbox.notifications import CardCopy
from storage.views import AdminInfo, CardInfo, SimilarInfo
from workflow.definitions import S
from workflow.errors import NotPermitted

FINISHED = frozenset({S.RESOLVED, S.CLOSED})


def _linkable(press: CardPress, earlier_id: int) -> SimilarInfo | None:
    card = press.card
    if not may_link(card, press.seat):
        raise NotPermitted(
            LINK, FOLLOWS_EARLIER if card.complaint.duplicate_of_id else "not this admin's step"
        )
    return next((item for item in card.similar if item.id == earlier_id), None)


async def link_pressed(
    query: CallbackQuery, callback_data: LinkCb, press: CardPress, pressed: Message, desk: AdminDesk
) -> None:
    earlier = _linkable(press, callback_data.d)
    if earlier is None:
        await query.answer(desk.t.plain("admin.link.gone"), show_alert=True)
        return
    t, card = desk.t, press.card
    number = card.complaint.tracking_number
    # Joined to a finished complaint, it takes that result at once and can no longer be separated.
    ask = "admin.link.ask.finished" if earlier.state in FINISHED else "admin.link.ask"
    footer = t(ask, number=number, earlier=earlier.tracking_number)
    text = card_text(card, viewer=press.seat, t=t, calendar=desk.calendar, now=desk.clock(), footer=footer)
    await query.answer()
    with suppress(TelegramBadRequest):
        await pressed.edit_text(text, reply_markup=_ask_keyboard(callback_data, earlier, t))


def _ask_keyboard(pressed: LinkCb, earlier: SimilarInfo, t: Texts) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(
        text=t.plain("admin.btn.link_yes", earlier=earlier.tracking_number),
        callback_data=LinkYesCb(c=pressed.c, v=pressed.v, d=earlier.id),
    )
    builder.button(text=t.plain("admin.btn.abort"), callback_data=CardCb(c=pressed.c))
    builder.adjust(1)
    return builder.as_markup()


async def link_confirmed(
    query: CallbackQuery, callback_data: LinkYesCb, press: CardPress, pressed: Message, desk: AdminDesk
) -> None:
    if _linkable(press, callback_data.d) is None:
        await query.answer(desk.t.plain("admin.link.gone"), show_alert=True)
        return
    card = pressed_copy(pressed)
    c, seat = callback_data.c, press.seat
    await desk.complaints.link_duplicate(
        c,
        callback_data.d,
        seat.as_actor(),
        seen_version=callback_data.v,
        pressed_card=card,
        session=desk.session,
    )
    await show_on_card(query, desk, seat, card, c, LINK, desk.clock(), buttons=True)


async def unlink_pressed(
    query: CallbackQuery, press: CardPress, pressed: Message, state: FSMContext, desk: AdminDesk
) -> None:
    card = press.card
    _check_unlink(card, desk.admins)
    assert card.earlier is not None
    await inputs.ask_unlink(query, pressed, card.complaint, card.earlier.tracking_number, state, desk)


def _check_unlink(card: CardInfo, admins: list[AdminInfo]) -> AdminInfo:
    if card.earlier is None:
        raise NotPermitted(UNLINK, NOT_LINKED)
    seat = next((seat for seat in admins if may_unlink(seat.as_actor(), card.complaint)), None)
    if seat is None:
        raise NotPermitted(UNLINK, "not this office's")
    return seat


async def unlink_confirmed(
    query: CallbackQuery, pending: dict[str, Any], pressed: CardCopy, desk: AdminDesk
) -> None:
    """The reason confirmed: separate it. A refusal is raised, for guard.press_refused to answer."""
    c, v = pending["c"], pending["v"]
    press = await check_card_press(desk.complaints, desk.admins, c, v, UNLINK, session=desk.session)
    seat = _check_unlink(press.card, desk.admins)
    await desk.complaints.unlink_duplicate(
        c,
        seat.as_actor(),
        seen_version=v,
        reason=pending["reason"],
        pressed_card=pressed,
        session=desk.session,
    )
    # Separated, it is back in the queue, whose new card (the outbox's, to every admin of the office)
    # carries its steps: this copy keeps none, as after any step.
    await show_on_card(query, desk, seat, pressed, c, UNLINK, desk.clock())


# Separating asks for its reason through inputs.py, whose "✅ Kirim" then hands the press back here.
inputs.CONFIRMED_ELSEWHERE[UNLINK] = unlink_confirmed


def create_router() -> Router:
    router = Router(name=__name__)
    router.callback_query.register(link_pressed, LinkCb.filter(), flags={PRESS: Check.LINK})
    router.callback_query.register(link_confirmed, LinkYesCb.filter(), flags={PRESS: Check.LINK})
    router.callback_query.register(unlink_pressed, UnlinkCb.filter(), flags={PRESS: Check.UNLINK})
    return router
