"""Rendering a relay: what an officer must give a complainant who is not on Telegram, with "delivered".

A relay carries everything the complainant would have had in the bot: the words, the result's photos and
documents (sent first, as media the officer forwards or shows), and how to pass them on through the channel
the complainant is reached by. The first one also tells them how to follow the complaint in Telegram
themselves: /link with the tracking number and the last four digits of the phone on file. A relay for the
complainant of a duplicate (storage/duplicates.py) says it is news of the earlier complaint it follows.
"""

from __future__ import annotations

from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.notices.context import NoticeContext
from bot.ui.admin_callbacks import RelayCb
from bot.ui.display import fit
from bot.ui.texts import Html, Texts
from storage.outbox.claims import OutboxEntry
from storage.outbox.notifications import NoticeKind
from storage.outbox.parts import parts_done
from storage.relays import contact_of
from storage.views import AttachmentInfo, CardInfo
from workflow.channels import Channel
from workflow.complaint import AttachmentKind
from workflow.definitions import ST, T

# The relays that hand the complainant a result or a response: its files go with them.
WITH_FILES = frozenset({T.APPROVE, ST.RESPOND, ST.RESOLVE})
# The first word the complainant gets of their complaint: it names /link.
FIRST = frozenset({T.SUBMIT, ST.RECORD})
# How each way of reaching a complainant passes things on (text keys relay.how.<channel>).
HOW = frozenset({Channel.TELEPHONE, Channel.EMAIL, Channel.TWITTER, Channel.INSTAGRAM, Channel.DIRECT})


def files_of(card: CardInfo, trigger: str) -> dict[str, list[AttachmentInfo]]:
    """The result's files for a relay that hands over a result or a response: photos, then documents."""
    if trigger not in WITH_FILES:
        return {}
    files = [item for item in card.attachments if item.is_result]
    return {
        "photos": [item for item in files if item.kind == AttachmentKind.PHOTO],
        "documents": [item for item in files if item.kind != AttachmentKind.PHOTO],
    }


def how_to_pass_on(
    channel: str, contact: str, has_files: bool, t: Texts, *, at_counter: bool = False
) -> Html:
    """By the way the complainant is reached; for one who came to the counter, also there."""
    how = channel if channel in HOW else Channel.TELEPHONE
    text = t(f"relay.how.{how}", contact=contact)
    if at_counter and how != Channel.DIRECT:
        text = Html(text + "\n" + t("relay.how.direct"))
    if has_files:
        text = Html(text + "\n" + t(f"relay.files.{'email' if how == Channel.EMAIL else 'other'}"))
    return text


def register_relays(delivery: NoticeContext) -> None:
    async def relay(entry: OutboxEntry, card: CardInfo) -> int | None:
        t = await delivery.texts(entry.chat_id)  # the officer's language, as for every notice
        trigger = entry.payload["trigger"]
        reporter = card.reporter
        contact, channel = await contact_of(delivery.directory.sessions, reporter.id) or (
            reporter.phone,
            "telephone",
        )
        common = {
            "name": reporter.full_name,
            "contact": contact,
            "channel": t.plain(f"admin.channel.{channel}"),
            "number": card.complaint.tracking_number,
        }
        groups = files_of(card, trigger)
        done = parts_done(entry.payload)
        requests = 0
        for part, items in groups.items():
            if not items or part in done:
                continue
            if requests:
                await delivery.gate.wait(entry.chat_id)
            caption = t.plain("relay.files_caption", name=reporter.full_name, number=common["number"])
            sent = await delivery.send_files(entry.chat_id, items, caption)
            requests += 1
            entry = await delivery.parts.record(entry, delivery.sender_id, part, sent)
        has_files = any(groups.values())
        if trigger == T.APPROVE:
            say = fit(
                lambda shown: t("relay.result", result=shown, **common), card.complaint.result_text or "", t
            )
        else:
            # The words the complainant would have read in Telegram, rendered in the officer's language.
            say = delivery.milestone(entry, card, trigger, t)
        if trigger in FIRST:
            say = Html(say + "\n\n" + t("relay.link", number=common["number"], digits=reporter.phone[-4:]))
        at_counter = card.complaint.channel == Channel.DIRECT
        how = how_to_pass_on(channel, contact, has_files, t, at_counter=at_counter)
        head = Html(t("relay.task", **common) + "\n" + how)
        if earlier := entry.payload.get("earlier"):
            # A duplicate's complainant: the news is the earlier complaint's, which the officer may not know.
            head = Html(head + "\n" + t("relay.follows", number=common["number"], earlier=earlier))
        text = Html(head + "\n\n" + say)
        builder = InlineKeyboardBuilder()
        builder.button(
            text=t.plain("relay.btn.delivered"), callback_data=RelayCb(relay_id=entry.payload["relay_id"])
        )
        if requests:
            await delivery.gate.wait(entry.chat_id)
        message = await delivery.bot.send_message(entry.chat_id, text, reply_markup=builder.as_markup())
        return message.message_id

    delivery.register(NoticeKind.RELAY, relay)
