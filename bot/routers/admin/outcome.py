"""After an action: the card the admin pressed shows what was done, and its buttons are gone.

Everyone else hears of it through the outbox that the transition wrote; nothing is sent from here.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from datetime import datetime

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import CallbackQuery

from bot.cards import card_text, did_words
from bot.routers.admin.guard import toast
from bot.texts import Texts
from storage.complaints import ComplaintService
from storage.views import AdminInfo, TransitionResult
from workflow.calendar import WorkingCalendar


async def show_done(
    query: CallbackQuery,
    moved: TransitionResult,
    *,
    admin: AdminInfo,
    bot: Bot,
    chat_id: int,
    card_message_id: int,
    t: Texts,
    complaints: ComplaintService,
    calendar: WorkingCalendar,
    clock: Callable[[], datetime],
) -> None:
    card = await complaints.card(moved.complaint.id)
    target = card.orgs.get(moved.event.to_org_id) if card and moved.event.to_org_id is not None else None
    what = did_words(moved.event.trigger, t, target.name if target else "")
    await query.answer(toast(t.plain("admin.toast.done", what=what)))
    if card is None:
        return
    footer = t("admin.card.done", what=what, name=admin.full_name, at=t.moment(moved.event.at))
    text = card_text(card, viewer=admin, t=t, calendar=calendar, now=clock(), footer=footer)
    # The outbox may already have retired this copy, or the message is too old to edit: nothing to press.
    with suppress(TelegramBadRequest):
        await bot.edit_message_text(text, chat_id=chat_id, message_id=card_message_id, reply_markup=None)
