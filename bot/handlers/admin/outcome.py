"""After an action: the card the admin pressed shows what was done, and its buttons are gone.

Everyone else hears of it through the outbox that the transition wrote; nothing is sent from here. The
pressed copy is edited here and only here: the transition is told which one it is (`pressed_copy`) and
writes no outbox row to retire it, so it is edited once, in the very words the sender would have used.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from datetime import datetime

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.handlers.admin.guard import toast
from bot.ui.cards import card_text, did_words
from bot.ui.texts import Texts
from storage.complaints import ComplaintService
from storage.outbox.notifications import CardCopy
from storage.views import AdminInfo, TransitionResult
from workflow.calendar import WorkingCalendar


def pressed_copy(message: Message) -> CardCopy:
    """The card message whose button was pressed."""
    return CardCopy(chat_id=message.chat.id, message_id=message.message_id)


async def show_done(
    query: CallbackQuery,
    moved: TransitionResult,
    *,
    admin: AdminInfo,
    bot: Bot,
    pressed_card: CardCopy,
    t: Texts,
    complaints: ComplaintService,
    calendar: WorkingCalendar,
    clock: Callable[[], datetime],
    session: AsyncSession | None = None,
) -> None:
    card = await complaints.card(moved.complaint.id, session=session)
    target = card.orgs.get(moved.event.to_org_id) if card and moved.event.to_org_id is not None else None
    what = did_words(moved.event.trigger, t, target.name if target else "")
    await query.answer(toast(t.plain("admin.toast.done", what=what)))
    if card is None:
        return
    # The words bot.notices.delivery.Delivery.card_handled gives the actor's copies: every copy they hold
    # reads alike.
    footer = t("admin.card.done", what=what, name=admin.full_name, at=t.moment(moved.event.at))
    text = card_text(card, viewer=admin, t=t, calendar=calendar, now=clock(), footer=footer)
    # The message may be too old to edit, or gone from the chat: then there is nothing left to press.
    with suppress(TelegramBadRequest):
        await bot.edit_message_text(
            text, chat_id=pressed_card.chat_id, message_id=pressed_card.message_id, reply_markup=None
        )
