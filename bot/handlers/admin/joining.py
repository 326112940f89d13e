"""Joining a complaint to an earlier one about the same problem, from its card, and separating it again.

"🔗 Gabungkan ke …" under a similar complaint asks once, in the card itself, naming both numbers; only its
"✅ Ya" joins them (storage/duplicates.py). "✂️ Pisahkan" on a duplicate's card asks for a reason like a
return does (bot/handlers/admin/inputs.py) and puts it back in its office's queue.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from datetime import datetime
from typing import Any

from aiogram import Bot, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from bot.handlers.admin import inputs
from bot.handlers.admin.guard import NotAnAdmin, may_view, require_ids, seat_for, toast
from bot.handlers.admin.outcome import pressed_copy
from bot.ui.admin_callbacks import CardCb, LinkCb, LinkYesCb, UnlinkCb
from bot.ui.cards import card_keyboard, card_text, did_words, may_link
from bot.ui.texts import Texts
from storage.complaints import ComplaintService
from storage.data_errors import ComplaintNotFound
from storage.duplicates import FOLLOWS_EARLIER, LINK, NOT_LINKED, UNLINK, may_unlink
from storage.outbox.notifications import CardCopy
from storage.views import AdminInfo, CardInfo, SimilarInfo
from workflow.calendar import WorkingCalendar
from workflow.definitions import S
from workflow.errors import NotPermitted, StaleVersion

FINISHED = frozenset({S.RESOLVED, S.CLOSED})


async def _card_for(
    complaints: ComplaintService,
    admins: list[AdminInfo],
    complaint_id: int,
    seen_version: int,
    trigger: str,
    session: AsyncSession | None,
) -> tuple[CardInfo, AdminInfo]:
    """The card as it is now and the presser's seat; refused like any card button otherwise."""
    require_ids(complaint_id, seen_version)
    if not admins:
        raise NotAnAdmin()
    card = await complaints.card(complaint_id, session=session)
    if card is None:
        raise ComplaintNotFound(complaint_id)
    complaint = card.complaint
    # Someone else's complaint is refused before staleness, which would tell them who handled it.
    if not any(may_view(seat, complaint) for seat in admins):
        raise NotPermitted(trigger, "not this organisation's complaint")
    if complaint.version != seen_version:
        raise StaleVersion(seen_version, complaint.version)
    return card, seat_for(admins, complaint)


def _linkable(card: CardInfo, seat: AdminInfo, earlier_id: int) -> SimilarInfo | None:
    if not may_link(card, seat):
        raise NotPermitted(
            LINK, FOLLOWS_EARLIER if card.complaint.duplicate_of_id else "not this admin's step"
        )
    return next((item for item in card.similar if item.id == earlier_id), None)


async def link_pressed(
    query: CallbackQuery,
    callback_data: LinkCb,
    t: Texts,
    admins: list[AdminInfo],
    complaints: ComplaintService,
    calendar: WorkingCalendar,
    clock: Callable[[], datetime],
    session: AsyncSession | None = None,
) -> None:
    c, v, d = callback_data.c, callback_data.v, callback_data.d
    card, seat = await _card_for(complaints, admins, c, v, LINK, session)
    earlier = _linkable(card, seat, d)
    if earlier is None or not isinstance(query.message, Message):
        await query.answer(t.plain("admin.link.gone"), show_alert=True)
        return
    number = card.complaint.tracking_number
    # Joined to a finished complaint, it takes that result at once and can no longer be separated.
    ask = "admin.link.ask.finished" if earlier.state in FINISHED else "admin.link.ask"
    footer = t(ask, number=number, earlier=earlier.tracking_number)
    text = card_text(card, viewer=seat, t=t, calendar=calendar, now=clock(), footer=footer)
    await query.answer()
    with suppress(TelegramBadRequest):
        await query.message.edit_text(text, reply_markup=_ask_keyboard(c, v, earlier, t))


def _ask_keyboard(c: int, v: int, earlier: SimilarInfo, t: Texts) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(
        text=t.plain("admin.btn.link_yes", earlier=earlier.tracking_number),
        callback_data=LinkYesCb(c=c, v=v, d=earlier.id),
    )
    builder.button(text=t.plain("admin.btn.abort"), callback_data=CardCb(c=c))
    builder.adjust(1)
    return builder.as_markup()


async def link_confirmed(
    query: CallbackQuery,
    callback_data: LinkYesCb,
    bot: Bot,
    t: Texts,
    admins: list[AdminInfo],
    complaints: ComplaintService,
    calendar: WorkingCalendar,
    clock: Callable[[], datetime],
    session: AsyncSession | None = None,
) -> None:
    c, v, d = callback_data.c, callback_data.v, callback_data.d
    card, seat = await _card_for(complaints, admins, c, v, LINK, session)
    if _linkable(card, seat, d) is None or not isinstance(query.message, Message):
        await query.answer(t.plain("admin.link.gone"), show_alert=True)
        return
    pressed = pressed_copy(query.message)
    await complaints.link_duplicate(
        c, d, seat.as_actor(), seen_version=v, pressed_card=pressed, session=session
    )
    await _show_done(query, bot, pressed, c, LINK, seat, t, complaints, calendar, clock, session)


async def unlink_pressed(
    query: CallbackQuery,
    callback_data: UnlinkCb,
    bot: Bot,
    state: FSMContext,
    t: Texts,
    admins: list[AdminInfo],
    complaints: ComplaintService,
    calendar: WorkingCalendar,
    clock: Callable[[], datetime],
    session: AsyncSession | None = None,
) -> None:
    c, v = callback_data.c, callback_data.v
    card, _ = await _card_for(complaints, admins, c, v, UNLINK, session)
    _check_unlink(card, admins)
    if not isinstance(query.message, Message):
        await query.answer(t.plain("button.expired"), show_alert=True)
        return
    assert card.earlier is not None
    await inputs.ask_unlink(
        query,
        query.message,
        card.complaint,
        card.earlier.tracking_number,
        bot,
        state,
        t,
        complaints,
        admins,
        calendar,
        clock,
    )


def _check_unlink(card: CardInfo, admins: list[AdminInfo]) -> AdminInfo:
    if card.earlier is None:
        raise NotPermitted(UNLINK, NOT_LINKED)
    seat = next((seat for seat in admins if may_unlink(seat.as_actor(), card.complaint)), None)
    if seat is None:
        raise NotPermitted(UNLINK, "not this office's")
    return seat


async def unlink_confirmed(
    query: CallbackQuery,
    pending: dict[str, Any],
    pressed: CardCopy,
    t: Texts,
    admins: list[AdminInfo],
    complaints: ComplaintService,
    calendar: WorkingCalendar,
    clock: Callable[[], datetime],
    session: AsyncSession | None = None,
) -> None:
    """The reason confirmed: separate it. A refusal is raised, for guard.press_refused to answer."""
    c, v = pending["c"], pending["v"]
    card, _ = await _card_for(complaints, admins, c, v, UNLINK, session)
    seat = _check_unlink(card, admins)
    await complaints.unlink_duplicate(
        c, seat.as_actor(), seen_version=v, reason=pending["reason"], pressed_card=pressed, session=session
    )
    assert query.bot is not None
    await _show_done(query, query.bot, pressed, c, UNLINK, seat, t, complaints, calendar, clock, session)


async def _show_done(
    query: CallbackQuery,
    bot: Bot,
    pressed: CardCopy,
    complaint_id: int,
    trigger: str,
    seat: AdminInfo,
    t: Texts,
    complaints: ComplaintService,
    calendar: WorkingCalendar,
    clock: Callable[[], datetime],
    session: AsyncSession | None,
) -> None:
    """The toast, and the pressed card edited to say what was done, with the buttons allowed now."""
    what = did_words(trigger, t)
    await query.answer(toast(t.plain("admin.toast.done", what=what)))
    card = await complaints.card(complaint_id, session=session)
    if card is None:
        return
    now = clock()
    footer = t("admin.card.done", what=what, name=seat.full_name, at=t.moment(now))
    text = card_text(card, viewer=seat, t=t, calendar=calendar, now=now, footer=footer)
    # A joined card keeps "✂️ Pisahkan" at hand; a separated one is back in the queue, whose new card (the
    # outbox's, to every admin of the office) carries its steps: this copy keeps none, as after any step.
    keyboard = card_keyboard(card, seat, t) if trigger == LINK else None
    with suppress(TelegramBadRequest):
        await bot.edit_message_text(
            text, chat_id=pressed.chat_id, message_id=pressed.message_id, reply_markup=keyboard
        )


# Separating asks for its reason through inputs.py, whose "✅ Kirim" then hands the press back here.
inputs.CONFIRMED_ELSEWHERE[UNLINK] = unlink_confirmed


def create_router() -> Router:
    router = Router(name=__name__)
    router.callback_query.register(link_pressed, LinkCb.filter())
    router.callback_query.register(link_confirmed, LinkYesCb.filter())
    router.callback_query.register(unlink_pressed, UnlinkCb.filter())
    return router
