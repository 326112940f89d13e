"""An organisation's queue: most urgent deadline first, in pages; each entry opens its card."""

from __future__ import annotations

from contextlib import suppress

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
from aiogram.types.media_union import MediaUnion
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.attachment_keeper import FileShelf, media_source
from bot.handlers.admin.desk import AdminDesk
from bot.handlers.admin.guard import MAX_ID, Forged, NotAnAdmin
from bot.ui.admin_callbacks import ChronologyCb, FilesCb, HistoryCb, OpenCardCb, QueuePageCb
from bot.ui.cards import due_words, event_author, event_did, render_card
from bot.ui.display import TEXT_LIMIT, split_message, split_plain, visible_length
from bot.ui.texts import Html, escape
from storage.views import AdminInfo, AttachmentInfo
from workflow.complaint import AttachmentKind

PAGE_SIZE = 10
SUBJECT_SHOWN = 60
MEDIA_GROUP_MAX = 10


async def queue_view(
    admin: AdminInfo, page: int, desk: AdminDesk
) -> tuple[Html, InlineKeyboardMarkup | None]:
    t = desk.t
    listing = await desk.complaints.queue(
        admin.org.id, admin.role, limit=PAGE_SIZE, offset=page * PAGE_SIZE, session=desk.session
    )
    if listing.total == 0:
        return t("admin.queue.empty", org=admin.org.name), None
    now = desk.clock()
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
                due=due_words(item, t, desk.calendar, now),
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


async def send_queues(message: Message, desk: AdminDesk) -> None:
    """The first page of the queue of each seat the person holds (most hold one), all read before the first
    is sent: the update's unit of work is committed then (bot/updates/once.py)."""
    views = [await queue_view(seat, 0, desk) for seat in desk.admins]
    for text, markup in views:
        await message.answer(text, reply_markup=markup)


async def queue_command(message: Message, desk: AdminDesk) -> None:
    if not desk.admins:
        await message.answer(desk.t("admin.only"))
        return
    await send_queues(message, desk)


async def queue_page(query: CallbackQuery, callback_data: QueuePageCb, desk: AdminDesk) -> None:
    if not desk.admins:
        raise NotAnAdmin()
    if not 0 <= callback_data.page <= MAX_ID // PAGE_SIZE:
        raise Forged("queue page out of range")
    seat = next((seat for seat in desk.admins if seat.id == callback_data.s), None)
    if seat is None:
        # Not one of the presser's active seats: deactivated since the page was shown, or made up.
        raise NotAnAdmin()
    text, markup = await queue_view(seat, callback_data.page, desk)
    await query.answer()
    if isinstance(query.message, Message):
        # A double tap asks for the page already shown: Telegram refuses an edit that changes nothing.
        with suppress(TelegramBadRequest):
            await query.message.edit_text(text, reply_markup=markup)


async def open_card(query: CallbackQuery, callback_data: OpenCardCb, desk: AdminDesk) -> None:
    card, viewer = await desk.viewable_card(callback_data.c)
    text, markup = render_card(card, viewer=viewer, t=desk.t, calendar=desk.calendar, now=desk.clock())
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.answer(text, reply_markup=markup)


async def show_files(
    query: CallbackQuery, callback_data: FilesCb, desk: AdminDesk, shelf: FileShelf | None = None
) -> None:
    card, _ = await desk.viewable_card(callback_data.c)
    await query.answer()
    number = card.complaint.tracking_number
    if not card.attachments:
        await desk.bot.send_message(query.from_user.id, desk.t("admin.files.none"))
        return
    for is_result, key in ((False, "admin.files.caption"), (True, "admin.files.result_caption")):
        files = [item for item in card.attachments if item.is_result is is_result]
        caption = desk.t(key, number=number)
        for kind in (AttachmentKind.PHOTO, AttachmentKind.DOCUMENT):
            same = [item for item in files if item.kind == kind]
            for start in range(0, len(same), MEDIA_GROUP_MAX):
                chunk = same[start : start + MEDIA_GROUP_MAX]
                await _send_media(desk.bot, query.from_user.id, chunk, caption, shelf)


async def show_history(query: CallbackQuery, callback_data: HistoryCb, desk: AdminDesk) -> None:
    """Every event of the complaint, oldest first, each reason whole (in as many messages as it takes)."""
    t = desk.t
    card, _ = await desk.viewable_card(callback_data.c)
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
        await desk.bot.send_message(query.from_user.id, part)


async def show_chronology(query: CallbackQuery, callback_data: ChronologyCb, desk: AdminDesk) -> None:
    """The whole chronology, in as many messages as Telegram's limit needs, each headed with its number."""
    t = desk.t
    card, _ = await desk.viewable_card(callback_data.c)
    await query.answer()
    number = card.complaint.tracking_number
    widest = t("admin.chronology.title", number=number, part=99, parts=99)
    pieces = split_plain(card.complaint.chronology, TEXT_LIMIT - visible_length(widest) - 1)
    for index, piece in enumerate(pieces, start=1):
        title = t("admin.chronology.title", number=number, part=index, parts=len(pieces))
        await desk.bot.send_message(query.from_user.id, Html(f"{title}\n{escape(piece)}"))


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
    media: list[MediaUnion] = [
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
