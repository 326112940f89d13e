"""What an outbox row becomes in Telegram: rendered when it is sent, in the recipient's language, from the
complaint as it is at that moment (rows record what happened, never text).

`Delivery` is the `deliver` function of `bot.notices.sender.OutboxSender`: it returns the Telegram message id
the row produced (kept so a later row can edit that message), or None when there was nothing to send.
Telegram's refusals propagate unchanged; the sender decides what each one means.

Two decisions:
- A task card whose complaint moved on before the card could be delivered (a colleague acted first, or the
  sender was held back by rates or an outage) is not sent at all. Its buttons could only be refused, its
  "handled by" edit would follow at once, and the admin can open the complaint from their queue if it comes
  back to them; a stale card is noise in a chat where the next live card must stand out.
- The complaint's own photos are not pushed with every task card (three admins per organisation, four tiers:
  that would be most of a chat's rate spent on media nobody asked for); the card carries a button that shows
  them. The reporter's result is different: its attachments are the product of step 7, so they are sent,
  before the result text, each group as one request, and each part is recorded as it is answered
  (`storage.outbox.parts`) so a retry never sends a part again.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import InlineKeyboardMarkup, InputMediaDocument, InputMediaPhoto
from aiogram.types.media_union import MediaUnion
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from bot.attachment_keeper import FileShelf, media_source
from bot.notices.context import ChatRender, Render
from bot.notices.sender import Gate
from bot.ui.callbacks import ResultCb
from bot.ui.cards import card_text, did_words, render_card
from bot.ui.display import TEXT_LIMIT, fit
from bot.ui.texts import Html, Texts, texts_for
from storage.complaints import ComplaintService
from storage.directory import Caller, Directory
from storage.duplicates import LINK, UNLINK
from storage.outbox.claims import Outbox, OutboxEntry, delivered_message_ids
from storage.outbox.notifications import NoticeKind
from storage.outbox.parts import OutboxParts, parts_done
from storage.views import AdminInfo, AttachmentInfo, CardInfo, EventInfo
from workflow.calendar import WorkingCalendar
from workflow.complaint import AttachmentKind
from workflow.definitions import SS, ST, ComplaintKind, S, T
from workflow.engine import workflow_for
from workflow.sla import WAITING_STAGES

log = logging.getLogger(__name__)

# What the reporter must receive (not only hear about): when one of these cannot be delivered because the
# reporter blocked the bot, the city's admins are asked to deliver it another way.
OUTCOMES = frozenset({T.APPROVE, T.REJECT, ST.RESPOND, ST.RESOLVE})
RATINGS = range(1, 6)
MESSAGE_NOT_MODIFIED = "message is not modified"
# Edits of a copy that is gone (deleted from the chat): nothing is left to retire.
NOTHING_TO_EDIT = ("message to edit not found", "message can't be edited")
REASON_SHOWN = 500
# What a claim read for its rows (`Delivery.prepare`) is used while it is this recent; a row held back longer
# (rates, a busy chat) reads its complaint again, as it is when the row goes out.
PREPARED_FRESH_S = 1.0
CARD_IDS_KEPT_S = 60.0
# Notices whose reader is shown no card: their renderers read the complaint, never its similar list (which
# costs a search of the complaints' words).
SHOWN_NO_CARD = frozenset(
    {
        NoticeKind.REPORTER_UPDATE,
        NoticeKind.REPORTER_OVERDUE,
        NoticeKind.REPORTER_UNREACHABLE,
        NoticeKind.ACTION_DONE,
    }
)


class UnknownNotice(Exception):
    pass


@dataclass
class _RowRecipient:
    """The chat a row goes to, and (once asked for) its language and admin seats."""

    chat_id: int
    read: Caller | None = None


@dataclass(frozen=True)
class _Prepared:
    """What a claim's transaction read for one row: its complaint's card and its recipient."""

    card: CardInfo | None
    recipient: Caller | None
    read_at: float  # time.monotonic()


# The recipient of the row this task is rendering. A rendering asks for the chat's language and seats
# several times (the seat that acted, any seat, the texts), and so do the renderers other modules register
# through `_texts` and `_seat`: all of them share one read of the recipient per row.
_row_recipient: ContextVar[_RowRecipient | None] = ContextVar("row_recipient", default=None)


def stars(rating: int) -> str:
    return "⭐" * rating


def result_keyboard(complaint_id: int, version: int, t: Texts) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(
        text=t.plain("btn.result.received"), callback_data=ResultCb(c=complaint_id, v=version, n=0)
    )
    for rating in RATINGS:
        builder.button(
            text=t.plain("btn.result.rate", stars=f"{rating}⭐"),
            callback_data=ResultCb(c=complaint_id, v=version, n=rating),
        )
    builder.adjust(1, len(RATINGS))
    return builder.as_markup()


class Delivery:
    """Renders and sends outbox rows; to the renderers other modules register it is their `NoticeContext`
    (bot/notices/context.py)."""

    def __init__(
        self,
        bot: Bot,
        *,
        directory: Directory,
        complaints: ComplaintService,
        outbox: Outbox,
        parts: OutboxParts,
        calendar: WorkingCalendar,
        clock: Callable[[], datetime],
        gate: Gate,
        sender_id: str,
        default_language: str = "id",
        shelf: FileShelf | None = None,
    ) -> None:
        self.bot = bot
        # Our copies of the attachments: a file whose id is another bot's is sent from there.
        self.shelf = shelf
        self.directory = directory
        self.complaints = complaints
        self.outbox = outbox
        self.parts = parts
        self.calendar = calendar
        self.clock = clock
        # The sender waits on the gate before the first request of a row; the extra parts of a several-
        # message row wait on it here, so they count against the same rates.
        self.gate = gate
        self.sender_id = sender_id
        self.default_language = default_language
        self.renderers: dict[str, Render] = {
            NoticeKind.TASK: self.task,
            NoticeKind.CARD_HANDLED: self.card_handled,
            NoticeKind.ACTION_DONE: self.action_done,
            NoticeKind.REPORTER_UPDATE: self.reporter_update,
            NoticeKind.REPORTER_UNREACHABLE: self.reporter_unreachable,
            NoticeKind.REPORTER_OVERDUE: self.reporter_overdue,
        }
        self.chat_renderers: dict[str, ChatRender] = {}
        self._prepared: dict[int, _Prepared] = {}  # by outbox row id, until the row is rendered
        # By outbox row id of a card copy: its message id, and when it was read (a recorded id stays).
        self._card_message_ids: dict[int, tuple[int | None, float]] = {}

    async def prepare(self, session: AsyncSession, entries: list[OutboxEntry]) -> None:
        """In the claim's transaction (`Outbox.settle_and_claim`): each claimed row's complaint card and
        recipient, and the message ids of the card copies rows retire, so that rendering a row reads
        nothing more of its own and the sender spends one transaction per claim, not one per row."""
        self._forget_stale(time.monotonic())
        about = {
            entry.id: (entry, entry.complaint_id)
            for entry in entries
            if entry.complaint_id is not None and entry.kind in self.renderers
        }
        shows_card: dict[int, bool] = {}
        for entry, complaint_id in about.values():
            shows_card[complaint_id] = shows_card.get(complaint_id, False) or entry.kind not in SHOWN_NO_CARD
        cards = {
            complaint_id: await self.complaints.card(complaint_id, similar=similar, session=session)
            for complaint_id, similar in shows_card.items()
        }
        recipients = {
            chat_id: await self.directory.caller(chat_id, session=session)
            for chat_id in dict.fromkeys(
                entry.chat_id for entry, complaint_id in about.values() if cards[complaint_id] is not None
            )
        }
        now = time.monotonic()  # read by then: a slow claim does not age its rows before they start
        for entry, complaint_id in about.values():
            self._prepared[entry.id] = _Prepared(cards[complaint_id], recipients.get(entry.chat_id), now)
        copies = [
            int(entry.payload["card_row_id"])
            for entry, _ in about.values()
            if entry.kind == NoticeKind.CARD_HANDLED and "card_row_id" in entry.payload
        ]
        if copies:
            for row_id, message_id in (await delivered_message_ids(session, copies)).items():
                self._card_message_ids[row_id] = (message_id, now)

    def _forget_stale(self, now: float) -> None:
        # What was read for rows that went out without it (a sender stopped with rows in flight, a row held
        # back too long) is dropped: nothing piles up.
        self._prepared = {
            row_id: ready
            for row_id, ready in self._prepared.items()
            if now - ready.read_at <= PREPARED_FRESH_S
        }
        self._card_message_ids = {
            row_id: read
            for row_id, read in self._card_message_ids.items()
            if now - read[1] <= CARD_IDS_KEPT_S
        }

    async def delivered_message_id(self, row_id: int) -> int | None:
        """The Telegram message id an earlier outbox row (a card copy) produced: as the claim read it, or
        now. A copy is an earlier row of the same chat: recorded before the row retiring it was claimed."""
        if row_id in self._card_message_ids:
            return self._card_message_ids.pop(row_id)[0]
        return await self.outbox.delivered_message_id(row_id)

    def register(self, kind: str, render: Render) -> None:
        """Another kind of notice (the scheduler's reminders, say), rendered by its own module."""
        self.renderers[kind] = render

    def register_chat(self, kind: str, render: ChatRender) -> None:
        """A kind of notice about no complaint (a half-filed draft, say): rendered from its payload alone."""
        self.chat_renderers[kind] = render

    async def __call__(self, entry: OutboxEntry) -> int | None:
        token = _row_recipient.set(_RowRecipient(entry.chat_id))
        try:
            return await self._render(entry)
        finally:
            _row_recipient.reset(token)

    async def _render(self, entry: OutboxEntry) -> int | None:
        if entry.complaint_id is None and entry.kind in self.chat_renderers:
            return await self.chat_renderers[entry.kind](entry)
        render = self.renderers.get(entry.kind)
        if render is None:
            raise UnknownNotice(f"no rendering for outbox rows of kind {entry.kind!r}")
        card = None
        ready = self._prepared.pop(entry.id, None)
        row = _row_recipient.get()
        if ready is not None and time.monotonic() - ready.read_at <= PREPARED_FRESH_S:
            card = ready.card
            if row is not None and row.chat_id == entry.chat_id and row.read is None:
                row.read = ready.recipient
        elif entry.complaint_id is not None:
            # Not read by its claim (or too long ago): the card and who reads it, in one transaction.
            async with self.complaints.sessions() as session:
                card = await self.complaints.card(
                    entry.complaint_id, similar=entry.kind not in SHOWN_NO_CARD, session=session
                )
                if card is not None and row is not None and row.chat_id == entry.chat_id and row.read is None:
                    row.read = await self.directory.caller(entry.chat_id, session=session)
        if card is None:
            log.warning("outbox row %s: complaint %s is gone; nothing to send", entry.id, entry.complaint_id)
            return None
        return await render(entry, card)

    async def undeliverable(self, entry: OutboxEntry, error: str, session: AsyncSession) -> None:
        """The sender gave up on a row: a reporter who blocked the bot must still get their outcome (the
        city's admins alerted in `session`, the transaction that records the refusal)."""
        blocked = error.startswith("TelegramForbiddenError")
        if (
            entry.kind == NoticeKind.REPORTER_UPDATE
            and entry.payload.get("trigger") in OUTCOMES
            and blocked
            and entry.complaint_id is not None
        ):
            alerted = await self.complaints.reporter_unreachable(
                entry.complaint_id, entry.id, error, session=session
            )
            log.warning(
                "complaint %s: reporter unreachable; %d city admins alerted", entry.complaint_id, len(alerted)
            )

    # -- admins ------------------------------------------------------------------------------------------

    async def task(self, entry: OutboxEntry, card: CardInfo) -> int | None:
        complaint = card.complaint
        if complaint.version != entry.complaint_version:
            log.info("outbox row %s: the complaint moved on before its card went out; not sent", entry.id)
            return None
        holder = workflow_for(complaint.kind).holder(complaint.state)
        viewer = await self.seat(entry.chat_id, complaint.current_org_id, holder)
        if viewer is None:
            log.info("outbox row %s: the admin no longer holds a seat there; not sent", entry.id)
            return None
        t = await self.texts(entry.chat_id)
        text, keyboard = render_card(card, viewer=viewer, t=t, calendar=self.calendar, now=self.clock())
        return (await self.bot.send_message(entry.chat_id, text, reply_markup=keyboard)).message_id

    async def card_handled(self, entry: OutboxEntry, card: CardInfo) -> int | None:
        message_id = await self.delivered_message_id(entry.payload["card_row_id"])
        if message_id is None:
            return None  # the copy was never delivered (or was skipped as stale): nothing to retire
        t = await self.texts(entry.chat_id)
        event = _event_at(card, entry.complaint_version)
        what = self._did(entry, card, event, t)
        at = datetime.fromisoformat(entry.payload["at"])
        actor = entry.payload.get("actor_name") or (event.actor_name if event else "")
        viewer = await self.seat(
            entry.chat_id, event.org_id if event else None, entry.payload.get("actor_role")
        )
        if viewer is not None and _acted(entry.payload, viewer):
            # The admin who acted: the same words their own card was given when they pressed.
            footer = t("admin.card.done", what=what, name=actor, at=t.moment(at))
        else:
            footer = t("notify.handled", name=actor, at=t.moment(at), what=what)
        viewer = viewer or await self._any_seat(entry.chat_id, event.org_id if event else None)
        reason = entry.payload.get("reason")
        if viewer is None and reason:
            # Without a card (the reader holds no seat there now) the footer is all they read: it says why.
            # A card shows the latest reason whole near its top already.
            footer = Html(footer + t("notify.handled_reason", reason=_clip(reason, REASON_SHOWN)))
        if viewer is not None:
            text = card_text(
                card, viewer=viewer, t=t, calendar=self.calendar, now=self.clock(), footer=footer
            )
        else:
            title = t(
                "notify.card_title", number=card.complaint.tracking_number, subject=card.complaint.subject
            )
            text = Html(f"{title}\n{footer}")
        try:
            await self.bot.edit_message_text(
                text, chat_id=entry.chat_id, message_id=message_id, reply_markup=None
            )
        except TelegramBadRequest as error:
            if MESSAGE_NOT_MODIFIED in error.message:
                return message_id
            if any(reason in error.message for reason in NOTHING_TO_EDIT):
                log.info("outbox row %s: the card copy is gone (%s)", entry.id, error.message)
                return None
            raise
        return message_id

    async def action_done(self, entry: OutboxEntry, card: CardInfo) -> int | None:
        t = await self.texts(entry.chat_id)
        what = self._did(entry, card, _event_at(card, entry.complaint_version), t)
        text = t(
            "notify.done", number=card.complaint.tracking_number, subject=card.complaint.subject, what=what
        )
        return (await self.bot.send_message(entry.chat_id, text)).message_id

    async def reporter_unreachable(self, entry: OutboxEntry, card: CardInfo) -> int | None:
        t = await self.texts(entry.chat_id)
        complaint = card.complaint
        text = t(
            "notify.unreachable",
            number=complaint.tracking_number,
            subject=complaint.subject,
            name=card.reporter.full_name,
            phone=card.reporter.masked_phone,
            what=t.plain(f"notify.missed.{_missed(card)}"),
        )
        return (await self.bot.send_message(entry.chat_id, text)).message_id

    def _did(self, entry: OutboxEntry, card: CardInfo, event: EventInfo | None, t: Texts) -> str:
        target = card.orgs.get(event.to_org_id) if event and event.to_org_id is not None else None
        return did_words(entry.payload["trigger"], t, target.name if target else "")

    async def seat(self, chat_id: int, org_id: int | None, role: str | None) -> AdminInfo | None:
        seats = (await self._recipient(chat_id)).admins
        return next((seat for seat in seats if seat.org.id == org_id and seat.role == role), None)

    async def _any_seat(self, chat_id: int, org_id: int | None) -> AdminInfo | None:
        seats = (await self._recipient(chat_id)).admins
        return next((seat for seat in seats if seat.org.id == org_id), None)

    async def _recipient(self, chat_id: int) -> Caller:
        """The chat's language and seats: read once per row (in one statement), on the first question."""
        row = _row_recipient.get()
        if row is None or row.chat_id != chat_id:
            return await self.directory.caller(chat_id)
        if row.read is None:
            row.read = await self.directory.caller(chat_id)
        return row.read

    # -- the reporter ------------------------------------------------------------------------------------

    async def reporter_update(self, entry: OutboxEntry, card: CardInfo) -> int | None:
        t = await self.texts(entry.chat_id, card.reporter.language)
        trigger = entry.payload["trigger"]
        if trigger == T.APPROVE:
            return await self._result(entry, card, t)
        text = self.milestone(entry, card, trigger, t)
        return (await self.bot.send_message(entry.chat_id, text)).message_id

    async def reporter_overdue(self, entry: OutboxEntry, card: CardInfo) -> int | None:
        """The complaint passed its deadline still waiting on an office (written once by the scheduler): an
        apology, where it is, and what happens next. Not sent if it was resolved before this went out."""
        complaint = card.complaint
        if complaint.state not in WAITING_STAGES:
            log.info("outbox row %s: the complaint is no longer waiting; no apology sent", entry.id)
            return None
        t = await self.texts(entry.chat_id, card.reporter.language)
        org = card.orgs.get(complaint.current_org_id) if complaint.current_org_id is not None else None
        text = t(
            "notify.reporter.overdue",
            number=complaint.tracking_number,
            subject=complaint.subject,
            deadline=t.wib_day(complaint.deadline),
            org=org.name if org else t.plain("org.unknown"),
        )
        return (await self.bot.send_message(entry.chat_id, text)).message_id

    def milestone(self, entry: OutboxEntry, card: CardInfo, trigger: str, t: Texts) -> Html:
        complaint = card.complaint
        event = _event_at(card, entry.complaint_version)
        common = {"number": complaint.tracking_number, "subject": complaint.subject}
        if trigger in (LINK, UNLINK):
            return t(f"notify.reporter.{trigger}", earlier=entry.payload.get("earlier", ""), **common)
        if complaint.kind is ComplaintKind.LAPORGUB and trigger in (T.DISPOSE, T.FORWARD, T.ACCEPT):
            org_id = (event.org_id if trigger == T.ACCEPT else event.to_org_id) if event else None
            # A duplicate hears the earlier complaint's milestone: the office is in the row, not its events.
            org_id = entry.payload.get("org_id", org_id)
            org = card.orgs.get(org_id) if org_id is not None else None
            # A move to another office than the one the reporter was told of is explained, blaming no one.
            key = f"notify.reporter.{trigger}" + ("_moved" if entry.payload.get("moved") else "")
            return t(key, org=org.name if org else t.plain("org.unknown"), **common)
        if complaint.kind is ComplaintKind.LAPORGUB and trigger in (T.SUBMIT_RESULT, T.ACKNOWLEDGE):
            return t(f"notify.reporter.{trigger}", **common)
        if complaint.kind is ComplaintKind.LAPORGUB and trigger == T.SUBMIT:
            return t("notify.reporter.submit", deadline=t.wib_day(complaint.deadline), **common)
        if complaint.kind is ComplaintKind.LAPORGUB and trigger == T.AUTO_CLOSE:
            return t("notify.reporter.auto_close", **common)
        if complaint.kind is ComplaintKind.LAPORGUB and trigger == T.REJECT:
            reason = entry.payload.get("reason") or ""
            return fit(lambda shown: t("notify.reporter.reject", reason=shown, **common), reason, t)
        if complaint.kind is ComplaintKind.SERVICE and trigger == ST.AUTO_CLOSE:
            return t("service.auto_close", **common)
        if complaint.kind is ComplaintKind.SERVICE and trigger == ST.RECORD:
            return t("notify.reporter.record", **common)
        if complaint.kind is ComplaintKind.SERVICE and trigger in (ST.RESPOND, ST.RESOLVE):
            answer = (event.note if event else None) or complaint.result_text or ""
            return fit(lambda shown: t(f"notify.reporter.{trigger}", result=shown, **common), answer, t)
        state = t.plain(f"state.{complaint.kind.value}.{complaint.state}")
        return t("notify.reporter.other", state=state, **common)

    async def _result(self, entry: OutboxEntry, card: CardInfo, t: Texts) -> int | None:
        """Step 7: the result's files (photos, then documents), then its text with receipt and rating."""
        complaint = card.complaint
        files = [item for item in card.attachments if item.is_result]
        groups = {
            "photos": [item for item in files if item.kind == AttachmentKind.PHOTO],
            "documents": [item for item in files if item.kind != AttachmentKind.PHOTO],
        }
        done = parts_done(entry.payload)
        requests = 0
        for part, items in groups.items():
            if not items or part in done:
                continue
            if requests:
                await self.gate.wait(entry.chat_id)
            caption = t("notify.reporter.files_caption", number=complaint.tracking_number)
            sent = await self.send_files(entry.chat_id, items, caption)
            requests += 1
            entry = await self.parts.record(entry, self.sender_id, part, sent)
        # Buttons only while the complaint still waits on this reporter at the version the result was sent
        # with (an officer may already have confirmed receipt for them, or it closed by itself).
        waiting = complaint.state == S.RESOLVED and complaint.version == entry.complaint_version
        tail = t("notify.reporter.approve_files") if files else Html("")
        tail = Html(tail + t("notify.reporter.approve_ask" if waiting else "notify.reporter.approve_closed"))

        def render(result: Html) -> Html:
            head = t(
                "notify.reporter.approve",
                number=complaint.tracking_number,
                subject=complaint.subject,
                result=result,
            )
            return Html(head + tail)

        text = fit(render, complaint.result_text or "", t, TEXT_LIMIT)
        keyboard = result_keyboard(complaint.id, complaint.version, t) if waiting else None
        if requests:
            await self.gate.wait(entry.chat_id)
        return (await self.bot.send_message(entry.chat_id, text, reply_markup=keyboard)).message_id

    async def send_files(self, chat_id: int, items: list[AttachmentInfo], caption: str) -> list[int]:
        photo = items[0].kind == AttachmentKind.PHOTO
        if len(items) == 1:
            send = self.bot.send_photo if photo else self.bot.send_document
            message = await send(chat_id, media_source(items[0], self.bot.id, self.shelf), caption=caption)
            return [message.message_id]
        media_type = InputMediaPhoto if photo else InputMediaDocument
        media: list[MediaUnion] = [
            media_type(
                media=media_source(item, self.bot.id, self.shelf), caption=caption if index == 0 else None
            )
            for index, item in enumerate(items)
        ]
        return [message.message_id for message in await self.bot.send_media_group(chat_id, media)]

    async def texts(self, chat_id: int, fallback: str | None = None) -> Texts:
        language = (await self._recipient(chat_id)).language
        return texts_for(language or fallback or self.default_language)


def _event_at(card: CardInfo, version: int | None) -> EventInfo | None:
    return next((event for event in card.history if event.version == version), None)


def _missed(card: CardInfo) -> str:
    """Which outcome the reporter did not get, from where the complaint is (only outcomes raise alerts)."""
    complaint = card.complaint
    if complaint.kind is ComplaintKind.LAPORGUB:
        return "reject" if complaint.state == S.REJECTED else "approve"
    return {SS.RESPONDED: "respond", SS.RESOLVED: "resolve"}.get(SS(complaint.state), "other")


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit].rstrip() + "…"


def _acted(payload: dict[str, Any], viewer: AdminInfo) -> bool:
    """Whether the admin viewing a retired card copy is the one who acted. Rows written before the actor's
    admin id was recorded can only be matched by name."""
    actor_admin_id = payload.get("actor_admin_id")
    if actor_admin_id is not None:
        return bool(actor_admin_id == viewer.id)
    return bool(payload.get("actor_name") == viewer.full_name)
