"""After an action: the card the admin pressed shows what was done, and its buttons are gone.

Everyone else hears of it through the outbox that the transition wrote; nothing is sent from here. The
pressed copy is edited here and only here: the transition is told which one it is (`pressed_copy`) and
writes no outbox row to retire it, so it is edited once, in the very words the sender would have used.
"""

from __future__ import annotations

from contextlib import suppress
from datetime import datetime

from aiogram.exceptions import TelegramBadRequest
from aiogram.types import CallbackQuery, Message

from bot.handlers.admin.desk import AdminDesk
from bot.handlers.admin.guard import toast
from bot.ui.cards import card_keyboard, card_text, did_words
from storage.outbox.notifications import CardCopy
from storage.views import AdminInfo, TransitionResult


def pressed_copy(message: Message) -> CardCopy:
    """The card message whose button was pressed."""
    return CardCopy(chat_id=message.chat.id, message_id=message.message_id)


async def show_done(
    query: CallbackQuery, desk: AdminDesk, moved: TransitionResult, admin: AdminInfo, pressed: CardCopy
) -> None:
    """A step of the machine done: the toast, and the pressed card saying so, without buttons."""
    event = moved.event
    await show_on_card(
        query, desk, admin, pressed, moved.complaint.id, event.trigger, event.at, event.to_org_id
    )


async def show_on_card(
    query: CallbackQuery,
    desk: AdminDesk,
    admin: AdminInfo,
    pressed: CardCopy,
    complaint_id: int,
    trigger: str,
    at: datetime,
    to_org_id: int | None = None,
    *,
    buttons: bool = False,
) -> None:
    """The toast, and the pressed card edited to say what was done; with the buttons allowed now when
    `buttons` (a duplicate joined or separated stays where it was)."""
    t = desk.t
    # Read before the toast, the update's first request: its unit of work is committed then.
    card = await desk.card(complaint_id)
    target = card.orgs.get(to_org_id) if card and to_org_id is not None else None
    what = did_words(trigger, t, target.name if target else "")
    await query.answer(toast(t.plain("admin.toast.done", what=what)))
    if card is None:
        return
    # The words bot.notices.delivery.Delivery.card_handled gives the actor's copies: every copy they hold
    # reads alike.
    footer = t("admin.card.done", what=what, name=admin.full_name, at=t.moment(at))
    text = card_text(card, viewer=admin, t=t, calendar=desk.calendar, now=desk.clock(), footer=footer)
    markup = card_keyboard(card, admin, t) if buttons else None
    # The message may be too old to edit, or gone from the chat: then there is nothing left to press.
    with suppress(TelegramBadRequest):
        await desk.bot.edit_message_text(
            text, chat_id=pressed.chat_id, message_id=pressed.message_id, reply_markup=markup
        )
