"""Delivering an officer's response to a service complaint with the complainant's answer buttons.

The response reaches a complainant on Telegram with "solved" / "not solved" while the complaint still waits
on them. For a complainant an officer recorded (not on Telegram), the response is a relay task
(`bot.notices.relay`); the officer is first sent the complaint's card, whose buttons (from the workflow: the
handling office may answer for its complainant) record the answer the complainant gave them.

A complainant who stays silent is reminded once, with the same buttons, on the last working day before the
scheduler takes the response as the solution (`storage.scheduler`), and told when it did.
"""

from __future__ import annotations

import logging
from datetime import datetime

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.notices.context import NoticeContext, Render
from bot.ui.cards import card_keyboard, card_text
from bot.ui.service_callbacks import ServiceAnswerCb
from bot.ui.texts import Html, Texts
from storage.outbox.claims import OutboxEntry
from storage.outbox.notifications import NoticeKind
from storage.outbox.parts import parts_done
from storage.scheduler import SERVICE_ANSWER_REMINDER
from storage.views import CardInfo
from workflow.actors import Role
from workflow.definitions import SS, ST, ComplaintKind

log = logging.getLogger(__name__)

CARD_PART = "card"


def answer_keyboard(complaint_id: int, version: int, t: Texts) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(
        text=t.plain("service.btn.solved"),
        callback_data=ServiceAnswerCb(c=complaint_id, v=version, solved=True),
    )
    builder.button(
        text=t.plain("service.btn.not_solved"),
        callback_data=ServiceAnswerCb(c=complaint_id, v=version, solved=False),
    )
    return builder.as_markup()


def _still_awaits_answer(entry: OutboxEntry, card: CardInfo) -> bool:
    """The complaint waits on its complainant at the very version the row was written for."""
    complaint = card.complaint
    return (
        complaint.kind is ComplaintKind.SERVICE
        and complaint.state == SS.RESPONDED
        and complaint.version == entry.complaint_version
    )


def _awaits_answer(entry: OutboxEntry, card: CardInfo) -> bool:
    return entry.payload.get("trigger") == ST.RESPOND and _still_awaits_answer(entry, card)


def register_service_notices(delivery: NoticeContext) -> None:
    """Wrap the reporter-update and relay renderings (register after `register_relays`)."""
    plain_update: Render = delivery.renderers[NoticeKind.REPORTER_UPDATE]
    plain_relay: Render | None = delivery.renderers.get(NoticeKind.RELAY)

    async def reporter_update(entry: OutboxEntry, card: CardInfo) -> int | None:
        if not _awaits_answer(entry, card):
            return await plain_update(entry, card)
        t = await delivery.texts(entry.chat_id, card.reporter.language)
        text = Html(delivery.milestone(entry, card, ST.RESPOND, t) + t("service.answer.ask"))
        keyboard = answer_keyboard(card.complaint.id, card.complaint.version, t)
        return (await delivery.bot.send_message(entry.chat_id, text, reply_markup=keyboard)).message_id

    async def relay(entry: OutboxEntry, card: CardInfo) -> int | None:
        assert plain_relay is not None
        if _awaits_answer(entry, card) and CARD_PART not in parts_done(entry.payload):
            officer = await delivery.seat(entry.chat_id, card.complaint.city_org_id, Role.OFFICER)
            if officer is not None:
                # The card goes first and is recorded as a part, so a retry of the relay never resends it.
                t = await delivery.texts(entry.chat_id)
                text = card_text(
                    card,
                    viewer=officer,
                    t=t,
                    calendar=delivery.calendar,
                    now=delivery.clock(),
                    footer=t("officer.answer_for"),
                )
                sent = await delivery.bot.send_message(
                    entry.chat_id, text, reply_markup=card_keyboard(card, officer, t)
                )
                entry = await delivery.parts.record(entry, delivery.sender_id, CARD_PART, [sent.message_id])
                await delivery.gate.wait(entry.chat_id)
        return await plain_relay(entry, card)

    async def answer_reminder(entry: OutboxEntry, card: CardInfo) -> int | None:
        if not _still_awaits_answer(entry, card):
            log.info(
                "outbox row %s: the complainant answered before their reminder went out; not sent", entry.id
            )
            return None
        complaint = card.complaint
        t = await delivery.texts(entry.chat_id, card.reporter.language)
        text = t(
            f"reminder.{SERVICE_ANSWER_REMINDER}",
            number=complaint.tracking_number,
            subject=complaint.subject,
            close=t.moment(datetime.fromisoformat(entry.payload["close_at"])),
        )
        keyboard = answer_keyboard(complaint.id, complaint.version, t)
        reminder = Html(text + t("service.answer.ask"))
        return (await delivery.bot.send_message(entry.chat_id, reminder, reply_markup=keyboard)).message_id

    delivery.register(NoticeKind.REPORTER_UPDATE, reporter_update)
    delivery.register(SERVICE_ANSWER_REMINDER, answer_reminder)
    if plain_relay is not None:
        delivery.register(NoticeKind.RELAY, relay)
