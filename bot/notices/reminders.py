"""Rendering the scheduler's notices (`storage.scheduler`): stage reminders and escalations to admins, and
the reminder or discard notice about a half-filed complaint to its reporter.

A stage notice whose complaint has moved on since (someone acted before it went out) is not sent: the
stage it speaks of is over. A stage notice carries one button, which opens the complaint's card: the tier
above reads of an overdue complaint it holds no card of, and the holder's card may be far up the chat.
"""

from __future__ import annotations

import logging
from datetime import datetime

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.notices.context import NoticeContext
from bot.ui.admin_callbacks import OpenCardCb
from bot.ui.texts import Html, Texts
from storage.outbox.claims import OutboxEntry
from storage.outbox.notifications import NoticeKind
from storage.views import CardInfo

log = logging.getLogger(__name__)

STAGE_KINDS = (NoticeKind.STAGE_HALF, NoticeKind.STAGE_DUE_TODAY, NoticeKind.STAGE_OVERDUE)


def register_reminders(delivery: NoticeContext) -> None:
    async def stage(entry: OutboxEntry, card: CardInfo) -> int | None:
        complaint = card.complaint
        if complaint.version != entry.complaint_version:
            log.info("outbox row %s: the complaint moved on before its reminder went out; not sent", entry.id)
            return None
        t = await delivery.texts(entry.chat_id)
        payload = entry.payload
        text: Html = t(
            f"reminder.{entry.kind}",
            number=complaint.tracking_number,
            subject=complaint.subject,
            stage=t.plain(f"admin.state.{complaint.kind.value}.{payload['state']}"),
            due=t.moment(datetime.fromisoformat(payload["due_at"])),
            org=payload.get("holding_org_name") or t.plain("org.unknown"),
        )
        keyboard = open_card_keyboard(complaint.id, t)
        return (await delivery.bot.send_message(entry.chat_id, text, reply_markup=keyboard)).message_id

    async def draft(entry: OutboxEntry) -> int | None:
        t = await delivery.texts(entry.chat_id)
        discard_at = entry.payload.get("discard_at")
        text = t(
            f"reminder.{entry.kind}",
            discard=t.moment(datetime.fromisoformat(discard_at)) if discard_at else "",
        )
        return (await delivery.bot.send_message(entry.chat_id, text)).message_id

    for kind in STAGE_KINDS:
        delivery.register(kind, stage)
    delivery.register_chat(NoticeKind.DRAFT_REMINDER, draft)
    delivery.register_chat(NoticeKind.DRAFT_DISCARDED, draft)


def open_card_keyboard(complaint_id: int, t: Texts) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=t.plain("admin.btn.open_card"), callback_data=OpenCardCb(c=complaint_id))
    return builder.as_markup()
