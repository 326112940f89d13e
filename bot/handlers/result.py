"""Step 7: the reporter confirms they received the result and rates it (1-5), with an optional comment.

The buttons come with the result message (`bot.notices.delivery`). Nothing the reporter gives is held back
waiting for something else:
- a star closes the complaint with its rating at the press; the comment is asked for afterwards and, if
  one comes, added to the rating already stored (Skip, or simply going on, leaves the rating as it is);
- "Received" closes at the press and then asks for the stars; a star pressed there is stored at once.
A star pressed on a result closed meanwhile (by an officer or by the system) is kept too, if the complaint
has no rating yet. Anything else on a result that moved on ("received" pressed late or twice, a second
rating) or on someone else's result changes nothing and says so in the toast.
"""

from __future__ import annotations

import logging
from contextlib import suppress

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from bot.handlers.ownership import own_complaint
from bot.notices.delivery import RATINGS, stars
from bot.ui import validation
from bot.ui.callbacks import CommentSkipCb, RateCb, ResultCb
from bot.ui.states import is_filing
from bot.ui.texts import Texts
from storage.complaints import ComplaintService
from storage.directory import Directory
from storage.views import ComplaintInfo, ReporterInfo
from workflow.definitions import S, T
from workflow.errors import WorkflowError

log = logging.getLogger(__name__)

MAX_COMMENT_LENGTH = 1000
# FSM data key of a stored rating waiting for its optional comment: {"c": complaint id}.
PENDING = "result_pending"


class ResultComment(StatesGroup):
    comment = State()


def rating_keyboard(complaint_id: int, t: Texts) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for rating in RATINGS:
        builder.button(
            text=t.plain("btn.result.rate", stars=f"{rating}⭐"),
            callback_data=RateCb(c=complaint_id, n=rating),
        )
    builder.adjust(len(RATINGS))
    return builder.as_markup()


async def result_pressed(
    query: CallbackQuery,
    callback_data: ResultCb,
    state: FSMContext,
    bot: Bot,
    t: Texts,
    directory: Directory,
    complaints: ComplaintService,
    session: AsyncSession | None = None,
) -> None:
    owned = await _own_or_refuse(query, t, directory, complaints, callback_data.c, session)
    if owned is None:
        return
    reporter, complaint = owned
    if not _waiting(complaint, callback_data.v) or callback_data.n not in (0, *RATINGS):
        # Closed meanwhile (by the system after 10 working days, or by an officer for them): a star is still
        # the reporter's rating of how it was handled, and is kept if none was given yet.
        late = callback_data.n in RATINGS and complaint.state == S.CLOSED and complaint.rating is None
        if late and await complaints.rate(complaint.id, reporter.id, callback_data.n, session=session):
            await query.answer(t.plain("result.rated_toast", stars=stars(callback_data.n)))
            await _drop_buttons(bot, query.from_user.id, _message_id(query))
            await _ask_comment(bot, query.from_user.id, state, t, complaint, callback_data.n)
            return
        await query.answer(t.plain("result.stale"), show_alert=True)
        await _drop_buttons(bot, query.from_user.id, _message_id(query))
        return
    rating = callback_data.n or None
    closed = await _close(complaints, reporter, complaint, callback_data.v, rating, session)
    if not closed:
        await query.answer(t.plain("result.stale"), show_alert=True)
        await _drop_buttons(bot, query.from_user.id, _message_id(query))
        return
    await query.answer(t.plain("result.rated_toast", stars=stars(rating)) if rating else None)
    await _drop_buttons(bot, query.from_user.id, _message_id(query))
    if rating is None:
        # Received: the complaint is closed; the stars are asked now, and stored when pressed.
        await bot.send_message(
            query.from_user.id,
            t("result.thanks", number=complaint.tracking_number),
            reply_markup=rating_keyboard(complaint.id, t),
        )
        return
    await _ask_comment(bot, query.from_user.id, state, t, complaint, rating)


async def rate_pressed(
    query: CallbackQuery,
    callback_data: RateCb,
    state: FSMContext,
    bot: Bot,
    t: Texts,
    directory: Directory,
    complaints: ComplaintService,
    session: AsyncSession | None = None,
) -> None:
    owned = await _own_or_refuse(query, t, directory, complaints, callback_data.c, session)
    if owned is None:
        return
    reporter, complaint = owned
    rated = callback_data.n in RATINGS and await complaints.rate(
        complaint.id, reporter.id, callback_data.n, session=session
    )
    await _drop_buttons(bot, query.from_user.id, _message_id(query))
    if not rated:
        await query.answer(t.plain("result.already_rated"), show_alert=True)
        return
    await query.answer(t.plain("result.rated_toast", stars=stars(callback_data.n)))
    await _ask_comment(bot, query.from_user.id, state, t, complaint, callback_data.n)


async def _own_or_refuse(
    query: CallbackQuery,
    t: Texts,
    directory: Directory,
    complaints: ComplaintService,
    complaint_id: int,
    session: AsyncSession | None,
) -> tuple[ReporterInfo, ComplaintInfo] | None:
    """The presser's own complaint, or None once they are told the button is not theirs."""
    owned = await own_complaint(directory, complaints, query.from_user.id, complaint_id, session=session)
    if owned is None:
        log.warning("result button of complaint %s pressed by someone else's account", complaint_id)
        await query.answer(t.plain("result.foreign"), show_alert=True)
    return owned


async def _ask_comment(
    bot: Bot, chat_id: int, state: FSMContext, t: Texts, complaint: ComplaintInfo, rating: int
) -> None:
    """The rating is stored: thank the reporter and offer a comment, unless they are filing a complaint
    (a comment prompt would take their next answer)."""
    if await is_filing(state):
        await bot.send_message(
            chat_id, t("result.thanks_rated", stars=stars(rating), number=complaint.tracking_number)
        )
        return
    skip = InlineKeyboardBuilder()
    skip.button(text=t.plain("btn.result.skip"), callback_data=CommentSkipCb(c=complaint.id))
    asked = await bot.send_message(
        chat_id,
        t("result.comment.ask", stars=stars(rating), number=complaint.tracking_number),
        reply_markup=skip.as_markup(),
    )
    await state.set_state(ResultComment.comment)
    # The prompt's message: its "Lewati" goes once a comment is written.
    await state.update_data({PENDING: {"c": complaint.id, "m": asked.message_id}})


async def comment_typed(
    message: Message,
    state: FSMContext,
    bot: Bot,
    t: Texts,
    directory: Directory,
    complaints: ComplaintService,
    session: AsyncSession | None = None,
) -> None:
    assert message.from_user is not None
    assert message.text is not None
    comment = validation.visible(message.text, multiline=True)
    if len(comment) > MAX_COMMENT_LENGTH:
        await message.answer(t("result.comment.too_long", max=MAX_COMMENT_LENGTH))
        return
    if not comment:
        await message.answer(t("result.comment.text_only"))
        return
    pending = (await state.get_data()).get(PENDING) or {}
    await state.clear()
    owned = await own_complaint(
        directory, complaints, message.from_user.id, pending.get("c"), session=session
    )
    saved = owned is not None and await complaints.add_rating_comment(
        owned[1].id, owned[0].id, comment, session=session
    )
    if pending.get("m"):
        await _drop_buttons(bot, message.from_user.id, int(pending["m"]))
    await message.answer(t("result.comment.saved" if saved else "result.stale"))


async def comment_not_text(message: Message, t: Texts) -> None:
    await message.answer(t("result.comment.text_only"))


async def comment_skipped(
    query: CallbackQuery, callback_data: CommentSkipCb, state: FSMContext, bot: Bot, t: Texts
) -> None:
    await _drop_buttons(bot, query.from_user.id, _message_id(query))
    pending = (await state.get_data()).get(PENDING)
    if await state.get_state() == ResultComment.comment.state and pending and pending["c"] == callback_data.c:
        await state.clear()
    # The rating was stored at its press: skipping the comment changes nothing, whenever it is pressed.
    await query.answer(t.plain("result.comment.skipped"))


async def _close(
    complaints: ComplaintService,
    reporter: ReporterInfo,
    complaint: ComplaintInfo,
    seen_version: int,
    rating: int | None,
    session: AsyncSession | None,
) -> bool:
    """Fire the acknowledgement (with the rating, if one was pressed); False when the complaint moved on
    first (nothing was changed)."""
    try:
        await complaints.fire(
            complaint.id,
            reporter.as_actor(),
            T.ACKNOWLEDGE,
            seen_version=seen_version,
            rating=rating,
            seen=complaint,
            session=session,
        )
    except WorkflowError:
        return False
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
    router.callback_query.register(rate_pressed, RateCb.filter())
    router.callback_query.register(comment_skipped, CommentSkipCb.filter())
    router.message.register(
        comment_typed, StateFilter(ResultComment.comment), F.text, ~F.text.startswith("/")
    )
    router.message.register(comment_not_text, StateFilter(ResultComment.comment))
    return router
