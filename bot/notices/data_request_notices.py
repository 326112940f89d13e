"""A reporter's personal data in words: what /datasaya shows, the handling office's card for an erasure
request, and the notices the outbox sends about one (storage/data_requests.py decides; this renders).

The outbox rows carry only the request's id: each is rendered when sent, from the rows as they are then. A
card whose request was decided before it could go out is not sent (its buttons could only be refused); a
decided card shows no identity, which may be erased by then.
"""

from __future__ import annotations

import logging
from contextlib import suppress

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.notices.context import NoticeContext
from bot.ui.admin_callbacks import DataRequestCb
from bot.ui.callbacks import MyDataCb
from bot.ui.texts import Html, Texts
from storage.data_requests import DataRequestInfo, DataRequests, Holdings, RequestStatus
from storage.outbox.claims import OutboxEntry
from storage.outbox.notifications import NoticeKind

log = logging.getLogger(__name__)

# How many complaint numbers /datasaya lists; the rest are counted (/my lists them all).
LISTED_COMPLAINTS = 10
NOT_MODIFIED = "message is not modified"


def holdings_text(
    held: Holdings | None, t: Texts, *, office: str, retention_days: int, telegram_name: str = ""
) -> tuple[Html, InlineKeyboardMarkup | None]:
    """What /datasaya shows, and the erasure button when there is something to erase and no request
    waits. `telegram_name`: the Telegram first name kept with the chosen language, if any."""
    parts = [t("data.title")]
    language = t.plain("language.name")
    account = (
        t("data.account.named", name=telegram_name, language=language)
        if telegram_name
        else t("data.account", language=language)
    )
    if held is None:
        parts.append(t("data.none"))
        parts.append(account)
        parts.append(t("data.retention", days=retention_days))
        return Html("\n\n".join(parts)), None
    reporter = held.reporter
    if held.erased_at is not None:
        parts.append(t("data.erased", at=t.moment(held.erased_at)))
    else:
        identity = t(
            "data.identity",
            name=reporter.full_name,
            nik=reporter.masked_nik,
            phone=reporter.masked_phone,
            address=reporter.address,
        )
        parts.append(Html(identity + "\n" + t("data.encrypted" if held.encrypted else "data.plain")))
    parts.append(_complaints(held, t))
    parts.append(account)
    if held.erased_at is None:
        parts.append(t("data.retention", days=retention_days))
    keyboard = None
    if held.erased_at is not None:
        if held.complaints:
            parts.append(t("data.after_erasure"))
    elif held.pending is not None:
        parts.append(t("data.pending", at=t.moment(held.pending.requested_at), office=office))
    else:
        if held.last_decided is not None and held.last_decided.status is RequestStatus.REFUSED:
            decided_at = held.last_decided.decided_at or held.last_decided.requested_at
            parts.append(
                t("data.refused_last", at=t.moment(decided_at), reason=held.last_decided.reason or "")
            )
        parts.append(t("data.offer", office=office))
        keyboard = erase_keyboard(t)
    return Html("\n\n".join(parts)), keyboard


def _complaints(held: Holdings, t: Texts) -> Html:
    if not held.complaints:
        return t("data.complaints.none")
    lines = [t("data.complaints", count=len(held.complaints))]
    for complaint in held.complaints[:LISTED_COMPLAINTS]:
        key = "data.complaint.finished" if complaint.finished else "data.complaint.open"
        lines.append(t(key, number=complaint.tracking_number))
    if len(held.complaints) > LISTED_COMPLAINTS:
        lines.append(t("data.complaints.more", count=len(held.complaints) - LISTED_COMPLAINTS))
    lines.append(t("data.attachments", count=held.attachments))
    return Html("\n".join(lines))


def erase_keyboard(t: Texts) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=t.plain("btn.data.erase"), callback_data=MyDataCb(step="ask"))
    return builder.as_markup()


def confirm_keyboard(t: Texts) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=t.plain("btn.data.yes"), callback_data=MyDataCb(step="yes"))
    builder.button(text=t.plain("btn.data.no"), callback_data=MyDataCb(step="no"))
    return builder.as_markup()


def confirm_text(held: Holdings, t: Texts, *, office: str) -> Html:
    still_open = len(held.open_complaints)
    open_line = t("data.confirm.open", count=still_open) if still_open else Html("")
    return t("data.confirm", office=office, open=open_line)


# -- the handling office ------------------------------------------------------------------------------------


def request_card(
    request: DataRequestInfo, held: Holdings, t: Texts
) -> tuple[Html, InlineKeyboardMarkup | None]:
    """The card an office admin decides from: who asks, what they filed, what erasing means now."""
    if request.status is not RequestStatus.PENDING:
        return decided_card(request, t), None
    reporter = held.reporter
    numbers = ", ".join(complaint.tracking_number for complaint in held.complaints[:LISTED_COMPLAINTS])
    if len(held.complaints) > LISTED_COMPLAINTS:
        numbers += f" (+{len(held.complaints) - LISTED_COMPLAINTS})"
    parts = [
        t(
            "admin.data.card",
            id=request.id,
            at=t.moment(request.requested_at),
            name=reporter.full_name,
            nik=reporter.masked_nik,
            phone=reporter.masked_phone,
            complaints=numbers or t.plain("admin.data.card.none"),
        )
    ]
    if held.open_complaints:
        parts.append(t("admin.data.card.open", count=len(held.open_complaints)))
    parts.append(t("admin.data.card.explain"))
    return Html("\n\n".join(parts)), request_keyboard(request.id, t)


def request_keyboard(request_id: int, t: Texts) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(
        text=t.plain("admin.data.btn.erase"), callback_data=DataRequestCb(r=request_id, erase=True)
    )
    builder.button(
        text=t.plain("admin.data.btn.refuse"), callback_data=DataRequestCb(r=request_id, erase=False)
    )
    return builder.as_markup()


def decided_card(request: DataRequestInfo, t: Texts) -> Html:
    """A decided request's card: what was done, by whom, when; no identity (it may be erased)."""
    return t(
        "admin.data.card.decided",
        id=request.id,
        at=t.moment(request.requested_at),
        done=done_line(request, t),
    )


def done_line(request: DataRequestInfo, t: Texts) -> Html:
    at = t.moment(request.decided_at) if request.decided_at else ""
    if request.status is RequestStatus.ERASED:
        return t("admin.data.done.erased", name=request.decided_by_name, at=at)
    return t("admin.data.done.refused", name=request.decided_by_name, at=at, reason=request.reason or "")


def already_toast(request: DataRequestInfo, t: Texts) -> str:
    at = t.moment(request.decided_at) if request.decided_at else ""
    return t.plain(f"admin.data.toast.already.{request.status}", name=request.decided_by_name, at=at)


async def show_decided(bot: Bot, chat_id: int, message_id: int, request: DataRequestInfo, t: Texts) -> None:
    """Edit a copy of the card to say what was decided; its buttons go."""
    # Too old to edit, gone from the chat, or already saying it: nothing is left to press either way.
    with suppress(TelegramBadRequest):
        await bot.edit_message_text(
            decided_card(request, t), chat_id=chat_id, message_id=message_id, reply_markup=None
        )


# -- the outbox --------------------------------------------------------------------------------------------


def register_data_requests(delivery: NoticeContext, requests: DataRequests) -> None:
    async def card(entry: OutboxEntry) -> int | None:
        found = await requests.with_holdings(int(entry.payload["request_id"]))
        if found is None:
            return None
        request, held = found
        if request.status is not RequestStatus.PENDING:
            log.info(
                "outbox row %s: data request %s was decided before its card went out", entry.id, request.id
            )
            return None
        t = await delivery.texts(entry.chat_id)
        text, keyboard = request_card(request, held, t)
        return (await delivery.bot.send_message(entry.chat_id, text, reply_markup=keyboard)).message_id

    async def handled(entry: OutboxEntry) -> int | None:
        message_id = await delivery.outbox.delivered_message_id(int(entry.payload["card_row_id"]))
        request = await requests.get(int(entry.payload["request_id"]))
        if message_id is None or request is None:
            return None  # the copy never went out (or was skipped as decided): nothing to retire
        t = await delivery.texts(entry.chat_id)
        try:
            await delivery.bot.edit_message_text(
                decided_card(request, t), chat_id=entry.chat_id, message_id=message_id, reply_markup=None
            )
        except TelegramBadRequest as error:
            if NOT_MODIFIED in error.message:
                return message_id
            if "message to edit not found" in error.message or "can't be edited" in error.message:
                return None
            raise
        return message_id

    async def decided(entry: OutboxEntry) -> int | None:
        request = await requests.get(int(entry.payload["request_id"]))
        if request is None or request.status is RequestStatus.PENDING:
            return None
        t = await delivery.texts(entry.chat_id)
        office = await delivery.directory.organisation(request.office_org_id)
        at = t.moment(request.decided_at) if request.decided_at else ""
        office_name = office.name if office else t.plain("org.unknown")
        if request.status is RequestStatus.ERASED:
            text = t("data.decided.erased", office=office_name, at=at)
        else:
            text = t("data.decided.refused", office=office_name, at=at, reason=request.reason or "")
        return (await delivery.bot.send_message(entry.chat_id, text)).message_id

    delivery.register_chat(NoticeKind.DATA_REQUEST, card)
    delivery.register_chat(NoticeKind.DATA_REQUEST_HANDLED, handled)
    delivery.register_chat(NoticeKind.DATA_REQUEST_DECIDED, decided)
