"""A reason or a result, asked for in a follow-up message, shown back, and applied only on confirm.

The pending action keeps the version the admin saw when they pressed the card's button: if the complaint
moves on before they confirm, the confirm is refused as stale rather than applied to something else. It also
keeps the card message pressed (chat and message id): on confirm that message, not the prompt, is edited to
say what was done, so the transition leaves it out of the copies the outbox retires.

While a prompt is open the card's own buttons are taken off (an admin cannot start a second action on it
beside the one being written) and put back, as the workflow allows them then, when the prompt is cancelled
or replaced. Only the newest message of a prompt carries buttons; they name the pending action's complaint
and version, so a button of an older prompt is refused and acts on nothing.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Awaitable, Callable
from contextlib import suppress
from dataclasses import dataclass
from typing import Any

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.handlers.admin.desk import AdminDesk
from bot.handlers.admin.guard import REFUSALS, Press, seat_for
from bot.handlers.admin.outcome import pressed_copy, show_done
from bot.handlers.replies import drop_keyboard
from bot.ui import validation
from bot.ui.admin_callbacks import AbortCb, ConfirmCb, ResultDoneCb, code_of
from bot.ui.admin_states import PENDING, AdminInput
from bot.ui.cards import action_label, kind_key, render_card
from bot.ui.filing_steps import attachment_counts
from bot.ui.texts import Texts
from bot.ui.validation import MAX_FILE_BYTES
from storage.duplicates import UNLINK
from storage.outbox.notifications import CardCopy
from storage.views import ComplaintInfo
from workflow.complaint import MAX_ATTACHMENTS, AttachmentDraft, AttachmentKind
from workflow.definitions import T

MAX_REASON = 1000
# Pending actions asked for here whose confirmation is another module's: that module asks through this one
# (joining.py, separating a duplicate), so it registers its confirmation here rather than being imported.
ConfirmElsewhere = Callable[[CallbackQuery, dict[str, Any], CardCopy, AdminDesk], Awaitable[None]]
CONFIRMED_ELSEWHERE: dict[str, ConfirmElsewhere] = {}
# A result is shown back in one message with its labels, so it stays well inside Telegram's 4,096.
MAX_RESULT = 3000
INPUT_STATES = (AdminInput.reason, AdminInput.result_text, AdminInput.result_files, AdminInput.confirm)


def _abort_keyboard(pending: dict[str, Any], t: Texts, *, done: bool = False) -> InlineKeyboardMarkup:
    c, v = pending["c"], pending["v"]
    builder = InlineKeyboardBuilder()
    if done:
        builder.button(text=t.plain("admin.btn.done"), callback_data=ResultDoneCb(c=c, v=v))
    builder.button(text=t.plain("admin.btn.abort"), callback_data=AbortCb(c=c, v=v))
    return builder.as_markup()


async def _offer(
    message: Message,
    bot: Bot,
    state: FSMContext,
    pending: dict[str, Any],
    text: str,
    keyboard: InlineKeyboardMarkup,
) -> None:
    """The prompt's next message with buttons; the previous one loses its own, so only one is live. Sent
    first: should the send fail, the previous message keeps its buttons and the admin is never left with
    nothing to press."""
    sent = await message.answer(text, reply_markup=keyboard)
    await _drop_prompt_buttons(bot, pending)
    pending["prompt"] = [sent.chat.id, sent.message_id]
    await state.update_data({PENDING: pending})


async def _drop_prompt_buttons(bot: Bot, pending: dict[str, Any]) -> None:
    prompt = pending.pop("prompt", None)
    if prompt:
        # Already gone (pressed) or too old to edit: either way nothing is left to press.
        with suppress(TelegramBadRequest):
            await bot.edit_message_reply_markup(chat_id=prompt[0], message_id=prompt[1], reply_markup=None)


async def _close_prompt(query: CallbackQuery, bot: Bot, pending: dict[str, Any]) -> None:
    """Take the buttons off the pressed message and off the prompt's live one (the same, but for a forged
    press), each edited once."""
    pressed = query.message
    prompt = pending.get("prompt")
    if not (isinstance(pressed, Message) and prompt == [pressed.chat.id, pressed.message_id]):
        await drop_keyboard(query)
    await _drop_prompt_buttons(bot, pending)


@dataclass(frozen=True)
class _Buttons:
    """The buttons a pending action's card gets back (none, when the workflow allows it none now)."""

    markup: InlineKeyboardMarkup | None


async def _buttons_back(desk: AdminDesk, pending: dict[str, Any]) -> _Buttons | None:
    """The pending action is given up: the buttons the workflow allows its card now, unless the complaint has
    moved on since (those would only be refused; the outbox says who handled it). Read before any request of
    the update: its unit of work is committed at the first."""
    # A pending action saved before the card's chat was kept names no chat to edit in.
    if not pending or not desk.admins or "card_chat" not in pending:
        return None
    card = await desk.card(pending["c"])
    if card is None or card.complaint.version != pending["v"]:
        return None
    # Rendered whole, so the buttons that show more (the whole chronology) are the ones the card had.
    viewer = seat_for(desk.admins, card.complaint)
    _, markup = render_card(card, viewer=viewer, t=desk.t, calendar=desk.calendar, now=desk.clock())
    return _Buttons(markup)


async def _put_back(desk: AdminDesk, pending: dict[str, Any], buttons: _Buttons | None) -> None:
    if buttons is None:
        return
    with suppress(TelegramBadRequest):
        await desk.bot.edit_message_reply_markup(
            chat_id=pending["card_chat"], message_id=pending["card"], reply_markup=buttons.markup
        )


async def _release(state: FSMContext, desk: AdminDesk) -> dict[str, Any]:
    """End the pending action, if any: its prompt loses its buttons and its card gets them back."""
    pending = await _pending(state)
    await state.clear()
    if pending:
        buttons = await _buttons_back(desk, pending)
        await _drop_prompt_buttons(desk.bot, pending)
        await _put_back(desk, pending, buttons)
    return pending


async def _give_up(query: CallbackQuery, state: FSMContext, desk: AdminDesk, pending: dict[str, Any]) -> None:
    """A pending action refused or aborted: over, its prompt without buttons, its card usable again if
    nothing has moved the complaint on."""
    buttons = await _buttons_back(desk, pending)
    await state.clear()
    await _close_prompt(query, desk.bot, pending)
    await _put_back(desk, pending, buttons)


async def _own(
    query: CallbackQuery,
    callback_data: AbortCb | ConfirmCb | ResultDoneCb,
    state: FSMContext,
    t: Texts,
    states: tuple[State, ...],
) -> dict[str, Any] | None:
    """The pending action a prompt's button belongs to, if it is the one open now and at that step.

    Any other press (a prompt cancelled, done or replaced since) is refused and its buttons taken off: it
    must never act on what is being written now."""
    pending = await _pending(state)
    current = await state.get_state()
    if (
        current in {item.state for item in states}
        and pending.get("c") == callback_data.c
        and pending.get("v") == callback_data.v
    ):
        return pending
    await query.answer(t.plain("admin.prompt.other" if pending else "button.expired"), show_alert=True)
    if isinstance(query.message, Message) and query.message.reply_markup:
        await drop_keyboard(query)
    return None


async def _pend(
    query: CallbackQuery,
    card: Message,
    complaint: ComplaintInfo,
    seen_version: int,
    trigger: str,
    input_state: State,
    state: FSMContext,
    desk: AdminDesk,
) -> dict[str, Any]:
    """Remember what is pending, the prompt still to be offered; another prompt still open (the admin
    turned to another card) is given up, its card usable again."""
    await _release(state, desk)
    pressed = pressed_copy(card)
    pending = {
        "c": complaint.id,
        "v": seen_version,
        "trigger": trigger,
        "number": complaint.tracking_number,
        "card": pressed.message_id,
        "card_chat": pressed.chat_id,
        "files": [],
    }
    await state.set_state(input_state)
    await state.update_data({PENDING: pending})
    await query.answer()
    return pending


async def _prompt(
    card: Message, state: FSMContext, desk: AdminDesk, pending: dict[str, Any], text: str
) -> None:
    await _offer(card, desk.bot, state, pending, text, _abort_keyboard(pending, desk.t))
    # Only once the prompt (with its cancel button) is out: the card's buttons come off while it is open.
    with suppress(TelegramBadRequest):
        await card.edit_reply_markup(reply_markup=None)


async def ask(query: CallbackQuery, card: Message, press: Press, state: FSMContext, desk: AdminDesk) -> None:
    """Called from the card's button: remember what is pending, take the card's buttons off, ask."""
    step, complaint, t = press.step, press.complaint, desk.t
    asking = AdminInput.result_text if step.needs_result else AdminInput.reason
    pending = await _pend(query, card, complaint, press.seen_version, step.trigger, asking, state, desk)
    action = action_words(step.trigger, t)
    if step.needs_result:
        text = t(
            kind_key("admin.ask.result", complaint, t),
            action=action,
            number=complaint.tracking_number,
            max=MAX_RESULT,
            files=MAX_ATTACHMENTS,
        )
    else:
        text = t("admin.ask.reason", action=action, number=complaint.tracking_number, max=MAX_REASON)
    await _prompt(card, state, desk, pending, text)


async def ask_unlink(
    query: CallbackQuery,
    card: Message,
    complaint: ComplaintInfo,
    earlier_number: str,
    state: FSMContext,
    desk: AdminDesk,
) -> None:
    """Separating a duplicate asks for its reason the way a return does; confirmed in `confirmed`."""
    pending = await _pend(query, card, complaint, complaint.version, UNLINK, AdminInput.reason, state, desk)
    number = complaint.tracking_number
    text = desk.t("admin.ask.unlink", number=number, earlier=earlier_number, max=MAX_REASON)
    await _prompt(card, state, desk, pending, text)


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


async def reason_typed(message: Message, bot: Bot, state: FSMContext, t: Texts) -> None:
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
    await _offer(message, bot, state, pending, text, _confirm_keyboard(pending, t))


async def result_typed(message: Message, bot: Bot, state: FSMContext, t: Texts) -> None:
    assert message.text is not None
    await _take_result_text(message, message.text, bot, state, t)


async def _take_result_text(message: Message, text: str, bot: Bot, state: FSMContext, t: Texts) -> bool:
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
    text = t("admin.ask.result_files", max=MAX_ATTACHMENTS)
    await _offer(message, bot, state, pending, text, _abort_keyboard(pending, t, done=True))
    return True


async def result_file_with_caption(message: Message, bot: Bot, state: FSMContext, t: Texts) -> None:
    """A photo captioned with the result: the caption is the text and the photo its first attachment."""
    assert message.caption is not None
    if await _take_result_text(message, message.caption, bot, state, t):
        await result_file(message, bot, state, t)


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


async def result_file(message: Message, bot: Bot, state: FSMContext, t: Texts) -> None:
    pending = await _pending(state)
    files: list[dict[str, Any]] = list(pending.get("files", []))
    item = _file_of(message)
    if len(files) >= MAX_ATTACHMENTS:
        text = t("admin.result.files_full", max=MAX_ATTACHMENTS)
        await _offer(message, bot, state, pending, text, _abort_keyboard(pending, t, done=True))
        return
    size = item.get("size")
    if size is None or size > MAX_FILE_BYTES:
        await message.answer(t("admin.result.file_refused", limit_mb=MAX_FILE_BYTES // 1024 // 1024))
        return
    files.append(item)
    pending["files"] = files
    await state.update_data({PENDING: pending})
    key = "admin.result.files_full" if len(files) == MAX_ATTACHMENTS else "admin.result.file_added"
    text = t(key, count=len(files), max=MAX_ATTACHMENTS)
    await _offer(message, bot, state, pending, text, _abort_keyboard(pending, t, done=True))


async def result_done(
    query: CallbackQuery, callback_data: ResultDoneCb, bot: Bot, state: FSMContext, t: Texts
) -> None:
    pending = await _own(query, callback_data, state, t, (AdminInput.result_files,))
    if pending is None:
        return
    await query.answer()
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
        await _offer(query.message, bot, state, pending, text, _confirm_keyboard(pending, t))
    else:
        await _drop_prompt_buttons(bot, pending)


def _confirm_keyboard(pending: dict[str, Any], t: Texts) -> InlineKeyboardMarkup:
    c, v = pending["c"], pending["v"]
    builder = InlineKeyboardBuilder()
    builder.button(text=t.plain("admin.btn.confirm"), callback_data=ConfirmCb(c=c, v=v))
    builder.button(text=t.plain("admin.btn.abort"), callback_data=AbortCb(c=c, v=v))
    return builder.as_markup()


async def confirmed(
    query: CallbackQuery, callback_data: ConfirmCb, state: FSMContext, desk: AdminDesk
) -> None:
    pending = await _own(query, callback_data, state, desk.t, (AdminInput.confirm,))
    if pending is None:
        return
    # A pending action saved before the card's chat was kept: the card came to the admin's private chat.
    card = CardCopy(chat_id=pending.get("card_chat", query.from_user.id), message_id=pending["card"])
    pending.setdefault("card_chat", card.chat_id)
    elsewhere = CONFIRMED_ELSEWHERE.get(pending["trigger"])
    try:
        if elsewhere is not None:
            await elsewhere(query, pending, card, desk)
        else:
            await _fire(query, pending, card, desk)
    except REFUSALS:
        # Refused, this pending action is over and the complaint untouched: the card is usable again if
        # nothing has moved the complaint on. The refusal itself is answered by guard.press_refused.
        await _give_up(query, state, desk, pending)
        raise
    await state.clear()
    await _close_prompt(query, desk.bot, pending)


async def _fire(query: CallbackQuery, pending: dict[str, Any], card: CardCopy, desk: AdminDesk) -> None:
    c, v = pending["c"], pending["v"]
    press = await desk.check(c, v, code_of(pending["trigger"]))
    moved = await desk.complaints.fire(
        c,
        press.admin.as_actor(),
        press.step.trigger,
        seen_version=v,
        reason=pending.get("reason"),
        result=pending.get("result"),
        attachments=[_draft(item) for item in pending.get("files", [])],
        pressed_card=card,
        seen=press.complaint,
        session=desk.session,
    )
    # A return undoes an earlier choice of the office it goes back to, and is one of the returning
    # office's own decisions (a city's return to the province): both read their history afresh.
    if press.step.trigger in (T.RETURN_TO_CITY, T.RETURN_TO_PROVINCE):
        desk.directory.routing.forget(press.admin.org.id, moved.complaint.current_org_id)
    await show_done(query, desk, moved, press.admin, card)


def _draft(item: dict[str, Any]) -> AttachmentDraft:
    return AttachmentDraft(
        telegram_file_id=item["file_id"],
        kind=AttachmentKind(item["kind"]),
        file_unique_id=item.get("file_unique_id"),
        file_name=item.get("file_name"),
        mime_type=item.get("mime_type"),
        size=item.get("size"),
    )


async def aborted(query: CallbackQuery, callback_data: AbortCb, state: FSMContext, desk: AdminDesk) -> None:
    pending = await _own(query, callback_data, state, desk.t, INPUT_STATES)
    if pending is None:
        return
    await _give_up(query, state, desk, pending)
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.answer(desk.t("admin.aborted"))


async def cancel_command(message: Message, state: FSMContext, desk: AdminDesk) -> None:
    await _release(state, desk)
    await message.answer(desk.t("admin.aborted"))


async def text_expected(message: Message, t: Texts) -> None:
    await message.answer(t("admin.hint.text"))


async def files_expected(message: Message, bot: Bot, state: FSMContext, t: Texts) -> None:
    pending = await _pending(state)
    await _offer(message, bot, state, pending, t("admin.hint.files"), _abort_keyboard(pending, t, done=True))


async def buttons_expected(message: Message, t: Texts) -> None:
    await message.answer(t("admin.hint.buttons"))


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(cancel_command, StateFilter(*INPUT_STATES), Command("cancel"))
    # A prompt's buttons are taken in any state: one pressed after its prompt is over is refused (`_own`).
    router.callback_query.register(aborted, AbortCb.filter())
    is_answer = F.text & ~F.text.startswith("/")
    router.message.register(reason_typed, AdminInput.reason, is_answer)
    router.message.register(result_typed, AdminInput.result_text, is_answer)
    router.message.register(result_file_with_caption, AdminInput.result_text, F.photo | F.document, F.caption)
    router.message.register(text_expected, StateFilter(AdminInput.reason, AdminInput.result_text), ~F.text)
    router.message.register(result_file, AdminInput.result_files, F.photo | F.document)
    router.callback_query.register(result_done, ResultDoneCb.filter())
    router.message.register(files_expected, AdminInput.result_files, ~F.text.startswith("/"))
    router.callback_query.register(confirmed, ConfirmCb.filter())
    router.message.register(buttons_expected, AdminInput.confirm, ~F.text.startswith("/"))
    return router
