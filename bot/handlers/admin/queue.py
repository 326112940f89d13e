"""An organisation's queue: most urgent deadline first, in pages; each entry opens its card."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from datetime import datetime

from aiogram import Bot, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command
from aiogram.types import (
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputMediaDocument,
    InputMediaPhoto,
    Message,
)
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from bot.attachment_keeper import FileShelf, media_source
from bot.handlers.admin.guard import MAX_ID, Forged, NotAnAdmin, may_view, require_ids
from bot.ui.admin_callbacks import ChronologyCb, FilesCb, HistoryCb, OpenCardCb, QueuePageCb
from bot.ui.cards import due_words, event_author, event_did, render_card
from bot.ui.display import TEXT_LIMIT, split_message, split_plain, visible_length
from bot.ui.texts import Html, Texts, escape
from storage.complaints import ComplaintService
from storage.data_errors import ComplaintNotFound
from storage.views import AdminInfo, AttachmentInfo, CardInfo
from workflow.calendar import WorkingCalendar
from workflow.complaint import AttachmentKind
from workflow.errors import NotPermitted

PAGE_SIZE = 10
SUBJECT_SHOWN = 60
MEDIA_GROUP_MAX = 10


async def queue_view(
    admin: AdminInfo,
    page: int,
    t: Texts,
    complaints: ComplaintService,
    calendar: WorkingCalendar,
    now: datetime,
    session: AsyncSession | None = None,
) -> tuple[Html, InlineKeyboardMarkup | None]:
    listing = await complaints.queue(
        admin.org.id, admin.role, limit=PAGE_SIZE, offset=page * PAGE_SIZE, session=session
    )
    if listing.total == 0:
        return t("admin.queue.empty", org=admin.org.name), None
    pages = -(-listing.total // PAGE_SIZE)
    lines = [t("admin.queue.title", org=admin.org.name, total=listing.total, page=page + 1, pages=pages), ""]
    builder = InlineKeyboardBuilder()
    for index, item in enumerate(listing.items, start=page * PAGE_SIZE + 1):
        subject = (
            item.subject if len(item.subject) <= SUBJECT_SHOWN else item.subject[: SUBJECT_SHOWN - 1] + "…"
        )
        lines.append(
            t(
                "admin.queue.item",
                index=index,
                number=item.tracking_number,
                subject=subject,
                due=due_words(item, t, calendar, now),
            )
        )
        builder.button(
            text=t.plain("admin.btn.open", index=index, number=item.tracking_number),
            callback_data=OpenCardCb(c=item.id),
        )
    builder.adjust(2)
    nav = []
    if page > 0:
        nav.append(
            InlineKeyboardButton(
                text=t.plain("admin.btn.prev"), callback_data=QueuePageCb(s=admin.id, page=page - 1).pack()
            )
        )
    if page + 1 < pages:
        nav.append(
            InlineKeyboardButton(
                text=t.plain("admin.btn.next"), callback_data=QueuePageCb(s=admin.id, page=page + 1).pack()
            )
        )
    if nav:
        builder.row(*nav)
    return Html("\n".join(lines)), builder.as_markup()


async def send_queues(
    message: Message,
    admins: list[AdminInfo],
    t: Texts,
    complaints: ComplaintService,
    calendar: WorkingCalendar,
    clock: Callable[[], datetime],
    session: AsyncSession | None = None,
) -> None:
    """The first page of the queue of each seat the person holds (most hold one), all read before the first
    is sent: the update's unit of work is committed then (bot/updates/once.py)."""
    views = [await queue_view(seat, 0, t, complaints, calendar, clock(), session) for seat in admins]
    for text, markup in views:
        await message.answer(text, reply_markup=markup)


async def queue_command(
    message: Message,
    t: Texts,
    admins: list[AdminInfo],
    complaints: ComplaintService,
    calendar: WorkingCalendar,
    clock: Callable[[], datetime],
    session: AsyncSession | None = None,
) -> None:
    if not admins:
        await message.answer(t("admin.only"))
        return
    await send_queues(message, admins, t, complaints, calendar, clock, session)


async def queue_page(
    query: CallbackQuery,
    callback_data: QueuePageCb,
    t: Texts,
    admins: list[AdminInfo],
    complaints: ComplaintService,
    calendar: WorkingCalendar,
    clock: Callable[[], datetime],
    session: AsyncSession | None = None,
) -> None:
    if not admins:
        raise NotAnAdmin()
    if not 0 <= callback_data.page <= MAX_ID // PAGE_SIZE:
        raise Forged("queue page out of range")
    seat = next((seat for seat in admins if seat.id == callback_data.s), None)
    if seat is None:
        # Not one of the presser's active seats: deactivated since the page was shown, or made up.
        raise NotAnAdmin()
    text, markup = await queue_view(seat, callback_data.page, t, complaints, calendar, clock(), session)
    await query.answer()
    if isinstance(query.message, Message):
        # A double tap asks for the page already shown: Telegram refuses an edit that changes nothing.
        with suppress(TelegramBadRequest):
            await query.message.edit_text(text, reply_markup=markup)


async def _viewable_card(
    complaint_id: int, admins: list[AdminInfo], complaints: ComplaintService, session: AsyncSession | None
) -> tuple[CardInfo, AdminInfo]:
    if not admins:
        raise NotAnAdmin()
    require_ids(complaint_id)
    card = await complaints.card(complaint_id, session=session)
    if card is None:
        raise ComplaintNotFound(complaint_id)
    viewers = [admin for admin in admins if may_view(admin, card.complaint)]
    if not viewers:
        raise NotPermitted("view", "another organisation's complaint")
    # The seat that holds the complaint now, so its buttons are the ones this person may press.
    holding = [admin for admin in viewers if admin.org.id == card.complaint.current_org_id]
    return card, (holding or viewers)[0]


async def open_card(
    query: CallbackQuery,
    callback_data: OpenCardCb,
    t: Texts,
    admins: list[AdminInfo],
    complaints: ComplaintService,
    calendar: WorkingCalendar,
    clock: Callable[[], datetime],
    session: AsyncSession | None = None,
) -> None:
    card, viewer = await _viewable_card(callback_data.c, admins, complaints, session)
    text, markup = render_card(card, viewer=viewer, t=t, calendar=calendar, now=clock())
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.answer(text, reply_markup=markup)


async def show_files(
    query: CallbackQuery,
    callback_data: FilesCb,
    bot: Bot,
    t: Texts,
    admins: list[AdminInfo],
    complaints: ComplaintService,
    shelf: FileShelf | None = None,
    session: AsyncSession | None = None,
) -> None:
    card, _ = await _viewable_card(callback_data.c, admins, complaints, session)
    await query.answer()
    number = card.complaint.tracking_number
    if not card.attachments:
        await bot.send_message(query.from_user.id, t("admin.files.none"))
        return
    for is_result, key in ((False, "admin.files.caption"), (True, "admin.files.result_caption")):
        files = [item for item in card.attachments if item.is_result is is_result]
        caption = t(key, number=number)
        for kind in (AttachmentKind.PHOTO, AttachmentKind.DOCUMENT):
            same = [item for item in files if item.kind == kind]
            for start in range(0, len(same), MEDIA_GROUP_MAX):
                chunk = same[start : start + MEDIA_GROUP_MAX]
                await _send_media(bot, query.from_user.id, chunk, caption, shelf)


async def show_history(
    query: CallbackQuery,
    callback_data: HistoryCb,
    bot: Bot,
    t: Texts,
    admins: list[AdminInfo],
    complaints: ComplaintService,
    session: AsyncSession | None = None,
) -> None:
    """Every event of the complaint, oldest first, each reason whole (in as many messages as it takes)."""
    card, _ = await _viewable_card(callback_data.c, admins, complaints, session)
    await query.answer()
    lines: list[str] = [t("admin.history.title", number=card.complaint.tracking_number)]
    for event in card.history:
        lines.append(
            t(
                "admin.history.line",
                at=t.moment(event.at),
                who=event_author(event, card, t),
                what=event_did(event, card, t),
            )
        )
        if event.reason:
            # A line of a message must fit one message: a reason longer than that (none typed in the bot
            # is) goes on in lines of its own.
            first, *more = split_plain(event.reason, TEXT_LIMIT - 100)
            lines.append(t("admin.history.reason", reason=first))
            lines += [escape(piece) for piece in more]
    for part in split_message("\n".join(lines)):
        await bot.send_message(query.from_user.id, part)


async def show_chronology(
    query: CallbackQuery,
    callback_data: ChronologyCb,
    bot: Bot,
    t: Texts,
    admins: list[AdminInfo],
    complaints: ComplaintService,
    session: AsyncSession | None = None,
) -> None:
    """The whole chronology, in as many messages as Telegram's limit needs, each headed with its number."""
    card, _ = await _viewable_card(callback_data.c, admins, complaints, session)
    await query.answer()
    number = card.complaint.tracking_number
    widest = t("admin.chronology.title", number=number, part=99, parts=99)
    pieces = split_plain(card.complaint.chronology, TEXT_LIMIT - visible_length(widest) - 1)
    for index, piece in enumerate(pieces, start=1):
        title = t("admin.chronology.title", number=number, part=index, parts=len(pieces))
        await bot.send_message(query.from_user.id, Html(f"{title}\n{escape(piece)}"))


async def _send_media(
    bot: Bot, chat_id: int, files: list[AttachmentInfo], caption: str, shelf: FileShelf | None
) -> None:
    """Photos as an album, documents as a document album; one file alone as a single message. A file whose
    id is another bot's (a replaced token) goes from our copy."""
    photo = files[0].kind == AttachmentKind.PHOTO
    sources = [media_source(item, bot.id, shelf) for item in files]
    if len(files) == 1:
        if photo:
            await bot.send_photo(chat_id, sources[0], caption=caption)
        else:
            await bot.send_document(chat_id, sources[0], caption=caption)
        return
    media: list[InputMediaPhoto | InputMediaDocument] = [
        (InputMediaPhoto if photo else InputMediaDocument)(
            media=source, caption=caption if index == 0 else None
        )
        for index, source in enumerate(sources)
    ]
    await bot.send_media_group(chat_id, media)


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(queue_command, Command("antrian", "queue"))
    router.callback_query.register(queue_page, QueuePageCb.filter())
    router.callback_query.register(open_card, OpenCardCb.filter())
    router.callback_query.register(show_files, FilesCb.filter())
    router.callback_query.register(show_history, HistoryCb.filter())
    router.callback_query.register(show_chronology, ChronologyCb.filter())
    return router
