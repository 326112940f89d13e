"""Rendering a relay: what an officer must tell a complainant who is not on Telegram, with "delivered"."""

from __future__ import annotations

from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.delivery import Delivery
from bot.display import fit
from bot.routers.onboarding import RelayCb
from bot.texts import Html
from storage.notifications import NoticeKind
from storage.outbox import OutboxEntry
from storage.relays import contact_of
from storage.views import CardInfo
from workflow.definitions import T


def register_relays(delivery: Delivery) -> None:
    async def relay(entry: OutboxEntry, card: CardInfo) -> int | None:
        t = await delivery._texts(entry.chat_id)  # the officer's language, as for every notice
        trigger = entry.payload["trigger"]
        reporter = card.reporter
        contact, channel = await contact_of(delivery.complaints.sessions, reporter.id) or (
            reporter.phone,
            "telephone",
        )
        common = {
            "name": reporter.full_name,
            "contact": contact,
            "channel": t.plain(f"admin.channel.{channel}"),
            "number": card.complaint.tracking_number,
        }
        if trigger == T.APPROVE:
            say = fit(
                lambda shown: t("relay.result", result=shown, **common), card.complaint.result_text or "", t
            )
        else:
            # The words the complainant would have read in Telegram, rendered in the officer's language.
            say = delivery._milestone(entry, card, trigger, t)
        text = Html(t("relay.task", **common) + "\n\n" + say)
        builder = InlineKeyboardBuilder()
        builder.button(
            text=t.plain("relay.btn.delivered"), callback_data=RelayCb(relay_id=entry.payload["relay_id"])
        )
        message = await delivery.bot.send_message(entry.chat_id, text, reply_markup=builder.as_markup())
        return message.message_id

    delivery.register(NoticeKind.RELAY, relay)
