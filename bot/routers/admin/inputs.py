"""A reason or a result, asked for in a follow-up message, shown back, and applied only on confirm.

The pending action keeps the version the admin saw when they pressed the card's button: if the complaint
moves on before they confirm, the confirm is refused as stale rather than applied to something else. It also
keeps the card message pressed (chat and message id): on confirm that message, not the prompt, is edited to
say what was done, so the transition leaves it out of the copies the outbox retires.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from datetime import datetime
from typing import Any

from aiogram import Bot, F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot import validation
from bot.admin_callbacks import AbortCb, ConfirmCb, ResultDoneCb, code_of
from bot.cards import action_label
from bot.filing import attachment_counts
from bot.replies import drop_keyboard
from bot.routers.admin.guard import Press, check_press, refusals
from bot.routers.admin.outcome import pressed_copy, show_done
from bot.routers.admin.states import PENDING, AdminInput
from bot.texts import Texts
from bot.validation import MAX_FILE_BYTES
from storage.complaints import ComplaintService
from storage.notifications import CardCopy
from storage.views import AdminInfo
from workflow.calendar import WorkingCalendar
from workflow.complaint import MAX_ATTACHMENTS, AttachmentDraft, AttachmentKind

MAX_REASON = 1000
# A result is shown back in one message with its labels, so it stays well inside Telegram's 4,096.
MAX_RESULT = 3000
INPUT_STATES = (AdminInput.reason, AdminInput.result_text, AdminInput.result_files, AdminInput.confirm)


def _abort_keyboard(t: Texts, *, done: bool = False) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    if done:
        builder.button(text=t.plain("admin.btn.done"), callback_data=ResultDoneCb())
    builder.button(text=t.plain("admin.btn.abort"), callback_data=AbortCb())
    return builder.as_markup()


async def ask(query: CallbackQuery, card: Message, press: Press, state: FSMContext, t: Texts) -> None:
    """Called from the card's button: remember what is pending and ask for its text."""
    step, complaint = press.step, press.complaint
    pressed = pressed_copy(card)
    pending = {
        "c": complaint.id,
        "v": press.seen_version,
        "trigger": step.trigger,
        "number": complaint.tracking_number,
        "card": pressed.message_id,
        "card_chat": pressed.chat_id,
        "files": [],
    }
    await state.set_state(AdminInput.result_text if step.needs_result else AdminInput.reason)
    await state.update_data({PENDING: pending})
    await query.answer()
    action = action_words(step.trigger, t)
    if step.needs_result:
        text = t(
            "admin.ask.result",
            action=action,
            number=complaint.tracking_number,
            max=MAX_RESULT,
            files=MAX_ATTACHMENTS,
        )
    else:
        text = t("admin.ask.reason", action=action, number=complaint.tracking_number, max=MAX_REASON)
    await card.answer(text, reply_markup=_abort_keyboard(t))


def action_words(trigger: str, t: Texts) -> str:
    """The step's button label without its emoji: the prompt begins with its own (✍️ or 📝), and
    "📝 📝 Kirim hasil" would say it twice."""
    label = action_label(trigger, t)
    first_word = next((index for index, char in enumerate(label) if _is_word(char)), 0)
    return label[first_word:]


def _is_word(char: str) -> bool:
    # Emoji are symbols (So), joined and varied by marks (Mn) and format characters (Cf).
    return unicodedata.category(char) not in {"So", "Sk", "Mn", "Cf", "Zs"}


async def _pending(state: FSMContext) -> dict[str, Any]:
    return dict((await state.get_data()).get(PENDING) or {})


async def reason_typed(message: Message, state: FSMContext, t: Texts) -> None:
    assert message.text is not None
    reason = validation.visible(message.text, multiline=True)
    if not reason:
        await message.answer(t("bad.empty"))
        return
    if len(reason) > MAX_REASON:
        await message.answer(t("admin.bad.too_long", length=len(reason), max=MAX_REASON))
        return
    pending = await _pending(state)
    pending["reason"] = reason
    await state.update_data({PENDING: pending})
    await state.set_state(AdminInput.confirm)
    text = t(
        "admin.confirm.reason",
        action=action_label(pending["trigger"], t),
        number=pending["number"],
        reason=reason,
    )
    await message.answer(text, reply_markup=_confirm_keyboard(pending, t))


async def result_typed(message: Message, state: FSMContext, t: Texts) -> None:
    assert message.text is not None
    await _take_result_text(message, message.text, state, t)


async def _take_result_text(message: Message, text: str, state: FSMContext, t: Texts) -> bool:
    result = validation.visible(text, multiline=True)
    if not result:
        await message.answer(t("bad.empty"))
        return False
    if len(result) > MAX_RESULT:
        await message.answer(t("admin.bad.too_long", length=len(result), max=MAX_RESULT))
        return False
    pending = await _pending(state)
    pending["result"] = result
    await state.update_data({PENDING: pending})
    await state.set_state(AdminInput.result_files)
    await message.answer(
        t("admin.ask.result_files", max=MAX_ATTACHMENTS), reply_markup=_abort_keyboard(t, done=True)
    )
    return True


async def result_file_with_caption(message: Message, state: FSMContext, t: Texts) -> None:
    """A photo captioned with the result: the caption is the text and the photo its first attachment."""
    assert message.caption is not None
    if await _take_result_text(message, message.caption, state, t):
        await result_file(message, state, t)


def _file_of(message: Message) -> dict[str, Any]:
    if message.photo:
        largest = message.photo[-1]
        return {
            "file_id": largest.file_id,
            "file_unique_id": largest.file_unique_id,
            "kind": AttachmentKind.PHOTO.value,
            "file_name": None,
            "mime_type": "image/jpeg",
            "size": largest.file_size,
        }
    assert message.document is not None
    doc = message.document
    return {
        "file_id": doc.file_id,
        "file_unique_id": doc.file_unique_id,
        "kind": AttachmentKind.DOCUMENT.value,
        "file_name": doc.file_name,
        "mime_type": doc.mime_type,
        "size": doc.file_size,
    }


async def result_file(message: Message, state: FSMContext, t: Texts) -> None:
    pending = await _pending(state)
    files: list[dict[str, Any]] = list(pending.get("files", []))
    item = _file_of(message)
    if len(files) >= MAX_ATTACHMENTS:
        await message.answer(
            t("admin.result.files_full", max=MAX_ATTACHMENTS), reply_markup=_abort_keyboard(t, done=True)
        )
        return
    size = item.get("size")
    if size is None or size > MAX_FILE_BYTES:
        await message.answer(t("admin.result.file_refused", limit_mb=MAX_FILE_BYTES // 1024 // 1024))
        return
    files.append(item)
    pending["files"] = files
    await state.update_data({PENDING: pending})
    key = "admin.result.files_full" if len(files) == MAX_ATTACHMENTS else "admin.result.file_added"
    await message.answer(
        t(key, count=len(files), max=MAX_ATTACHMENTS), reply_markup=_abort_keyboard(t, done=True)
    )


async def result_done(query: CallbackQuery, state: FSMContext, t: Texts) -> None:
    await query.answer()
    await drop_keyboard(query)
    pending = await _pending(state)
    photos, documents = attachment_counts(pending.get("files", []))
    await state.set_state(AdminInput.confirm)
    text = t(
        "admin.confirm.result",
        action=action_label(pending["trigger"], t),
        number=pending["number"],
        result=pending.get("result", ""),
        photos=photos,
        documents=documents,
    )
    if isinstance(query.message, Message):
        await query.message.answer(text, reply_markup=_confirm_keyboard(pending, t))


def _confirm_keyboard(pending: dict[str, Any], t: Texts) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=t.plain("admin.btn.confirm"), callback_data=ConfirmCb(c=pending["c"]))
    builder.button(text=t.plain("admin.btn.abort"), callback_data=AbortCb())
    return builder.as_markup()


async def confirmed(
    query: CallbackQuery,
    callback_data: ConfirmCb,
    bot: Bot,
    state: FSMContext,
    t: Texts,
    admins: list[AdminInfo],
    complaints: ComplaintService,
    calendar: WorkingCalendar,
    clock: Callable[[], datetime],
) -> None:
    pending = await _pending(state)
    if pending.get("c") != callback_data.c:
        # The confirm of an action since cancelled or replaced by another one.
        await query.answer(t.plain("button.expired"), show_alert=True)
        await drop_keyboard(query)
        return
    c, v = pending["c"], pending["v"]
    # A pending action saved before the card's chat was kept: the card came to the admin's private chat.
    card = CardCopy(chat_id=pending.get("card_chat", query.from_user.id), message_id=pending["card"])
    async with refusals(query, t, complaints, complaint_id=c, seen_version=v, admins=admins):
        try:
            press = await check_press(complaints, admins, c, v, code_of(pending["trigger"]))
            moved = await complaints.fire(
                c,
                press.admin.as_actor(),
                press.step.trigger,
                seen_version=v,
                reason=pending.get("reason"),
                result=pending.get("result"),
                attachments=[_draft(item) for item in pending.get("files", [])],
                pressed_card=card,
            )
        finally:
            # Refused or applied, this pending action is over; a refusal leaves the complaint untouched.
            await state.clear()
            await drop_keyboard(query)
        await show_done(
            query,
            moved,
            admin=press.admin,
            bot=bot,
            pressed_card=card,
            t=t,
            complaints=complaints,
            calendar=calendar,
            clock=clock,
        )


def _draft(item: dict[str, Any]) -> AttachmentDraft:
    return AttachmentDraft(
        telegram_file_id=item["file_id"],
        kind=AttachmentKind(item["kind"]),
        file_unique_id=item.get("file_unique_id"),
        file_name=item.get("file_name"),
        mime_type=item.get("mime_type"),
        size=item.get("size"),
    )


async def aborted(query: CallbackQuery, state: FSMContext, t: Texts) -> None:
    await state.clear()
    await query.answer()
    await drop_keyboard(query)
    if isinstance(query.message, Message):
        await query.message.answer(t("admin.aborted"))


async def cancel_command(message: Message, state: FSMContext, t: Texts) -> None:
    await state.clear()
    await message.answer(t("admin.aborted"))


async def text_expected(message: Message, t: Texts) -> None:
    await message.answer(t("admin.hint.text"))


async def files_expected(message: Message, t: Texts) -> None:
    await message.answer(t("admin.hint.files"), reply_markup=_abort_keyboard(t, done=True))


async def buttons_expected(message: Message, t: Texts) -> None:
    await message.answer(t("admin.hint.buttons"))


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(cancel_command, StateFilter(*INPUT_STATES), Command("cancel"))
    router.callback_query.register(aborted, StateFilter(*INPUT_STATES), AbortCb.filter())
    is_answer = F.text & ~F.text.startswith("/")
    router.message.register(reason_typed, AdminInput.reason, is_answer)
    router.message.register(result_typed, AdminInput.result_text, is_answer)
    router.message.register(result_file_with_caption, AdminInput.result_text, F.photo | F.document, F.caption)
    router.message.register(text_expected, StateFilter(AdminInput.reason, AdminInput.result_text), ~F.text)
    router.message.register(result_file, AdminInput.result_files, F.photo | F.document)
    router.callback_query.register(result_done, AdminInput.result_files, ResultDoneCb.filter())
    router.message.register(files_expected, AdminInput.result_files, ~F.text.startswith("/"))
    router.callback_query.register(confirmed, AdminInput.confirm, ConfirmCb.filter())
    router.message.register(buttons_expected, AdminInput.confirm, ~F.text.startswith("/"))
    return router
