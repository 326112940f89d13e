"""Step 7: the reporter confirms they received the result and may rate it (1-5, with an optional comment),
which closes the complaint.

The buttons come with the result message (`bot.delivery`). "Received" closes at once; a rating asks for a
comment in a follow-up message with a Skip button, and closes when it comes. A press on a result that moved
on (closed by an officer or by the system, or pressed twice) or on someone else's result changes nothing and
says so in the toast.
"""

from __future__ import annotations

import logging
from contextlib import suppress

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot import validation
from bot.callbacks import CommentSkipCb, ResultCb
from bot.delivery import RATINGS, stars
from bot.ownership import own_complaint
from bot.states import is_filing
from bot.texts import Texts
from storage.complaints import ComplaintService
from storage.directory import Directory
from storage.views import ComplaintInfo, ReporterInfo
from workflow.definitions import S, T
from workflow.errors import WorkflowError

log = logging.getLogger(__name__)

MAX_COMMENT_LENGTH = 1000
# FSM data key of a rating waiting for its comment: complaint, version, rating, the result message.
PENDING = "result_pending"


class ResultComment(StatesGroup):
    comment = State()


async def result_pressed(
    query: CallbackQuery,
    callback_data: ResultCb,
    state: FSMContext,
    bot: Bot,
    t: Texts,
    directory: Directory,
    complaints: ComplaintService,
) -> None:
    owned = await own_complaint(directory, complaints, query.from_user.id, callback_data.c)
    if owned is None:
        log.warning("result button of complaint %s pressed by someone else's account", callback_data.c)
        await query.answer(t.plain("result.foreign"), show_alert=True)
        return
    reporter, complaint = owned
    if not _waiting(complaint, callback_data.v) or callback_data.n not in (0, *RATINGS):
        await query.answer(t.plain("result.stale"), show_alert=True)
        await _drop_buttons(bot, query.from_user.id, _message_id(query))
        return
    rating = callback_data.n or None
    # Asking for a comment would take over a complaint being filed: a rating given mid-filing closes at once.
    if rating is None or await is_filing(state):
        closed = await _close(
            bot, complaints, query.from_user.id, reporter, complaint, callback_data.v, rating, t
        )
        await query.answer(None if closed else t.plain("result.stale"), show_alert=not closed)
        await _drop_buttons(bot, query.from_user.id, _message_id(query))
        return
    await query.answer(t.plain("result.rated_toast", stars=stars(rating)))
    await state.set_state(ResultComment.comment)
    pending = {"c": complaint.id, "v": callback_data.v, "n": rating, "m": _message_id(query)}
    await state.update_data({PENDING: pending})
    skip = InlineKeyboardBuilder()
    skip.button(text=t.plain("btn.result.skip"), callback_data=CommentSkipCb(c=complaint.id))
    await bot.send_message(
        query.from_user.id, t("result.comment.ask", stars=stars(rating)), reply_markup=skip.as_markup()
    )


async def comment_typed(
    message: Message,
    state: FSMContext,
    bot: Bot,
    t: Texts,
    directory: Directory,
    complaints: ComplaintService,
) -> None:
    assert message.from_user is not None
    assert message.text is not None
    comment = validation.visible(message.text, multiline=True)
    if len(comment) > MAX_COMMENT_LENGTH:
        await message.answer(t("result.comment.too_long", max=MAX_COMMENT_LENGTH))
        return
    await _finish(bot, message.from_user.id, state, t, directory, complaints, comment or None)


async def comment_not_text(message: Message, t: Texts) -> None:
    await message.answer(t("result.comment.text_only"))


async def comment_skipped(
    query: CallbackQuery,
    callback_data: CommentSkipCb,
    state: FSMContext,
    bot: Bot,
    t: Texts,
    directory: Directory,
    complaints: ComplaintService,
) -> None:
    pending = (await state.get_data()).get(PENDING)
    if (
        await state.get_state() != ResultComment.comment.state
        or not pending
        or pending["c"] != callback_data.c
    ):
        await query.answer(t.plain("button.expired"), show_alert=True)
        await _drop_buttons(bot, query.from_user.id, _message_id(query))
        return
    await query.answer()
    await _drop_buttons(bot, query.from_user.id, _message_id(query))
    await _finish(bot, query.from_user.id, state, t, directory, complaints, None)


async def _finish(
    bot: Bot,
    chat_id: int,
    state: FSMContext,
    t: Texts,
    directory: Directory,
    complaints: ComplaintService,
    comment: str | None,
) -> None:
    pending = (await state.get_data()).get(PENDING) or {}
    await state.clear()
    owned = await own_complaint(directory, complaints, chat_id, pending.get("c"))
    if owned is None:
        await bot.send_message(chat_id, t("result.stale"))
        return
    reporter, complaint = owned
    if not await _close(
        bot, complaints, chat_id, reporter, complaint, pending["v"], pending["n"], t, comment
    ):
        await bot.send_message(chat_id, t("result.stale"))
    await _drop_buttons(bot, chat_id, pending.get("m"))


async def _close(
    bot: Bot,
    complaints: ComplaintService,
    chat_id: int,
    reporter: ReporterInfo,
    complaint: ComplaintInfo,
    seen_version: int,
    rating: int | None,
    t: Texts,
    comment: str | None = None,
) -> bool:
    """Fire the acknowledgement; False when the complaint moved on first (nothing was changed)."""
    try:
        await complaints.fire(
            complaint.id,
            reporter.as_actor(),
            T.ACKNOWLEDGE,
            seen_version=seen_version,
            rating=rating,
            comment=comment,
        )
    except WorkflowError:
        return False
    thanks = (
        t("result.thanks_rated", stars=stars(rating), number=complaint.tracking_number)
        if rating
        else t("result.thanks", number=complaint.tracking_number)
    )
    await bot.send_message(chat_id, thanks)
    return True


def _waiting(complaint: ComplaintInfo, version: int) -> bool:
    return complaint.state == S.RESOLVED and complaint.version == version


def _message_id(query: CallbackQuery) -> int | None:
    return query.message.message_id if query.message is not None else None


async def _drop_buttons(bot: Bot, chat_id: int, message_id: int | None) -> None:
    if message_id is None:
        return
    # Already without buttons (pressed twice) or too old to edit: either way nothing is left to press.
    with suppress(TelegramBadRequest):
        await bot.edit_message_reply_markup(chat_id=chat_id, message_id=message_id, reply_markup=None)


def create_router() -> Router:
    router = Router(name=__name__)
    router.callback_query.register(result_pressed, ResultCb.filter())
    router.callback_query.register(comment_skipped, CommentSkipCb.filter())
    router.message.register(
        comment_typed, StateFilter(ResultComment.comment), F.text, ~F.text.startswith("/")
    )
    router.message.register(comment_not_text, StateFilter(ResultComment.comment))
    return router
