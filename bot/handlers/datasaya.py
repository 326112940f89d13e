"""/datasaya: a reporter sees what is held about them and asks for erasure; the handling office's admins
erase or refuse (with a reason, shown back before it is sent) from the request's card.

Every press is checked against the request as it is now: one decided meanwhile (by a colleague, or two
presses at once) is answered with who decided it and when, and changes nothing; a press on a request of
another office, on one that does not exist, or of a refusal prompt that is no longer the open one, is
refused with a toast.
"""

from __future__ import annotations

import logging
from contextlib import suppress
from typing import Any

from aiogram import Bot, F, Router
from aiogram.enums import ChatType
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from bot.handlers.replies import answer_long, drop_keyboard
from bot.notices.data_request_notices import (
    already_toast,
    confirm_keyboard,
    confirm_text,
    holdings_text,
    show_decided,
)
from bot.ui import validation
from bot.ui.admin_callbacks import DataRefusalCb, DataRequestCb
from bot.ui.callbacks import MyDataCb
from bot.ui.service_desk import ServiceDesk
from bot.ui.texts import Texts
from storage.data_requests import DataRequestInfo, DataRequests, DecideOutcome, FileOutcome, RequestStatus
from storage.directory import Directory
from storage.outbox.notifications import CardCopy
from storage.views import AdminInfo

log = logging.getLogger(__name__)

MAX_REASON = 1000
# FSM data key of a refusal being written: the request, the card pressed, the prompt's live message.
REFUSAL = "data_refusal"


class DataRefusal(StatesGroup):
    reason = State()
    confirm = State()


async def _office_name(directory: Directory, desk: ServiceDesk, session: AsyncSession | None) -> str:
    office = await directory.organisation_by_code(desk.office_code, session=session)
    return office.name if office else desk.office_name


# -- the reporter ------------------------------------------------------------------------------------------


async def my_data(
    message: Message,
    t: Texts,
    directory: Directory,
    data_requests: DataRequests,
    service_desk: ServiceDesk,
    identity_retention_days: int,
    session: AsyncSession | None = None,
) -> None:
    assert message.from_user is not None
    held = await data_requests.holdings(message.from_user.id, session=session)
    text, keyboard = holdings_text(
        held,
        t,
        office=await _office_name(directory, service_desk, session),
        retention_days=identity_retention_days,
        telegram_name=await data_requests.telegram_name(message.from_user.id, session=session),
    )
    await answer_long(message, text, reply_markup=keyboard)


async def my_data_pressed(
    query: CallbackQuery,
    callback_data: MyDataCb,
    t: Texts,
    directory: Directory,
    data_requests: DataRequests,
    service_desk: ServiceDesk,
    session: AsyncSession | None = None,
) -> None:
    message = query.message
    if not isinstance(message, Message):
        await query.answer()
        return
    # Read before the press is answered, the update's first request: its unit of work is committed then.
    office = await _office_name(directory, service_desk, session)
    held = (
        await data_requests.holdings(query.from_user.id, session=session)
        if callback_data.step == "ask"
        else None
    )
    await query.answer()
    if callback_data.step == "no":
        await drop_keyboard(query)
        await message.answer(t("data.kept"))
        return
    if callback_data.step == "ask":
        if held is None or held.erased_at is not None:
            await message.answer(t("data.nothing_held"))
        elif held.pending is not None:
            await message.answer(t("data.already_pending", at=t.moment(held.pending.requested_at)))
        else:
            await message.answer(confirm_text(held, t, office=office), reply_markup=confirm_keyboard(t))
        return
    await drop_keyboard(query)
    filed = await data_requests.request_erasure(query.from_user.id, service_desk.office_code)
    if filed.outcome is FileOutcome.FILED:
        if not filed.admins_told:
            # Kept, and listed by `laporgub datarequests`; but no admin sees it until the office has one.
            log.warning("erasure request filed with %s, which has no active admin", service_desk.office_code)
        await message.answer(t("data.filed", office=office))
    elif filed.outcome is FileOutcome.ALREADY_PENDING and filed.request is not None:
        await message.answer(t("data.already_pending", at=t.moment(filed.request.requested_at)))
    elif filed.outcome is FileOutcome.NO_OFFICE:
        log.error(
            "SERVICE_OFFICE_CODE %r names no organisation: erasure requests cannot be filed",
            service_desk.office_code,
        )
        await message.answer(t("data.unavailable"))
    else:
        await message.answer(t("data.nothing_held"))


# -- the handling office -----------------------------------------------------------------------------------


async def decision_pressed(
    query: CallbackQuery,
    callback_data: DataRequestCb,
    bot: Bot,
    state: FSMContext,
    t: Texts,
    admins: list[AdminInfo],
    data_requests: DataRequests,
    session: AsyncSession | None = None,
) -> None:
    card = query.message
    request = await data_requests.get(callback_data.r, session=session)
    if not admins:
        await query.answer(t.plain("admin.refused.not_admin"), show_alert=True)
        return
    if request is None:
        await query.answer(t.plain("admin.data.toast.gone"), show_alert=True)
        return
    if not any(seat.org.id == request.office_org_id for seat in admins):
        await query.answer(t.plain("admin.data.toast.not_yours"), show_alert=True)
        return
    if request.status is not RequestStatus.PENDING:
        await query.answer(already_toast(request, t), show_alert=True)
        if isinstance(card, Message):
            await show_decided(bot, card.chat.id, card.message_id, request, t)
        return
    pressed = CardCopy(card.chat.id, card.message_id) if isinstance(card, Message) else None
    if not callback_data.erase:
        await query.answer()
        await _ask_reason(card if isinstance(card, Message) else None, bot, state, t, request.id, pressed)
        return
    decision = await data_requests.decide(
        request.id, admins, erase=True, pressed_card=pressed, session=session
    )
    await _after_decision(
        query, bot, t, decision.outcome, decision.request, pressed, "admin.data.toast.erased"
    )


async def _ask_reason(
    card: Message | None, bot: Bot, state: FSMContext, t: Texts, request_id: int, pressed: CardCopy | None
) -> None:
    await _close_refusal(bot, state)
    if card is None:
        return
    pending: dict[str, Any] = {"r": request_id}
    if pressed is not None:
        pending["card"] = [pressed.chat_id, pressed.message_id]
    await state.set_state(DataRefusal.reason)
    await _offer(
        card, state, pending, t("admin.data.ask_reason", id=request_id, max=MAX_REASON), _abort(request_id, t)
    )


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
    await _drop_prompt(bot, pending)
    pending["reason"] = reason
    await state.set_state(DataRefusal.confirm)
    text = t("admin.data.confirm_reason", id=pending.get("r", ""), reason=reason)
    await _offer(message, state, pending, text, _send_or_abort(int(pending.get("r", 0)), t))


async def refusal_pressed(
    query: CallbackQuery,
    callback_data: DataRefusalCb,
    bot: Bot,
    state: FSMContext,
    t: Texts,
    admins: list[AdminInfo],
    data_requests: DataRequests,
    session: AsyncSession | None = None,
) -> None:
    pending = await _pending(state)
    current = await state.get_state()
    wanted = DataRefusal.confirm.state if callback_data.send else None
    if pending.get("r") != callback_data.r or current not in (
        {wanted} if wanted else {DataRefusal.reason.state, DataRefusal.confirm.state}
    ):
        await query.answer(t.plain("button.expired"), show_alert=True)
        await drop_keyboard(query)
        return
    await state.clear()
    if not callback_data.send:
        await _drop_prompt(bot, pending)
        await drop_keyboard(query)
        await query.answer()
        if isinstance(query.message, Message):
            await query.message.answer(t("admin.data.aborted", id=callback_data.r))
        return
    card = pending.get("card")
    pressed = CardCopy(int(card[0]), int(card[1])) if card else None
    # Decided before the prompt's buttons come off: its work is committed once, before that first request.
    decision = await data_requests.decide(
        callback_data.r,
        admins,
        erase=False,
        reason=str(pending.get("reason", "")),
        pressed_card=pressed,
        session=session,
    )
    await _drop_prompt(bot, pending)
    await drop_keyboard(query)
    await _after_decision(
        query, bot, t, decision.outcome, decision.request, pressed, "admin.data.toast.refused"
    )


async def _after_decision(
    query: CallbackQuery,
    bot: Bot,
    t: Texts,
    outcome: DecideOutcome,
    request: DataRequestInfo | None,
    pressed: CardCopy | None,
    done_toast: str,
) -> None:
    if outcome is DecideOutcome.DONE:
        await query.answer(t.plain(done_toast))
    elif outcome is DecideOutcome.ALREADY_DECIDED and request is not None:
        await query.answer(already_toast(request, t), show_alert=True)
    elif outcome is DecideOutcome.NOT_YOURS:
        await query.answer(t.plain("admin.data.toast.not_yours"), show_alert=True)
        return
    else:
        await query.answer(t.plain("admin.data.toast.gone"), show_alert=True)
        return
    if pressed is not None and request is not None:
        await show_decided(bot, pressed.chat_id, pressed.message_id, request, t)


# -- the refusal prompt ------------------------------------------------------------------------------------


def _abort(request_id: int, t: Texts) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=t.plain("admin.btn.abort"), callback_data=DataRefusalCb(r=request_id, send=False))
    return builder.as_markup()


def _send_or_abort(request_id: int, t: Texts) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=t.plain("admin.btn.confirm"), callback_data=DataRefusalCb(r=request_id, send=True))
    builder.button(text=t.plain("admin.btn.abort"), callback_data=DataRefusalCb(r=request_id, send=False))
    return builder.as_markup()


async def _offer(
    message: Message, state: FSMContext, pending: dict[str, Any], text: str, keyboard: InlineKeyboardMarkup
) -> None:
    sent = await message.answer(text, reply_markup=keyboard)
    pending["prompt"] = [sent.chat.id, sent.message_id]
    await state.update_data({REFUSAL: pending})


async def _pending(state: FSMContext) -> dict[str, Any]:
    return dict((await state.get_data()).get(REFUSAL) or {})


async def _drop_prompt(bot: Bot, pending: dict[str, Any]) -> None:
    """Only the prompt's newest message keeps buttons."""
    prompt = pending.pop("prompt", None)
    if prompt:
        with suppress(TelegramBadRequest):
            await bot.edit_message_reply_markup(chat_id=prompt[0], message_id=prompt[1], reply_markup=None)


async def _close_refusal(bot: Bot, state: FSMContext) -> None:
    """A refusal still being written when the admin presses another card's button is given up."""
    if await state.get_state() in (DataRefusal.reason.state, DataRefusal.confirm.state):
        await _drop_prompt(bot, await _pending(state))
    await state.clear()


async def refusal_cancelled(message: Message, bot: Bot, state: FSMContext, t: Texts) -> None:
    pending = await _pending(state)
    await _close_refusal(bot, state)
    await message.answer(t("admin.data.aborted", id=pending.get("r", "")))


async def buttons_expected(message: Message, t: Texts) -> None:
    await message.answer(t("admin.hint.buttons"))


def create_router() -> Router:
    router = Router(name=__name__)
    private = F.chat.type == ChatType.PRIVATE
    router.message.register(my_data, Command("datasaya", "mydata"), private)
    router.callback_query.register(my_data_pressed, MyDataCb.filter())
    router.callback_query.register(decision_pressed, DataRequestCb.filter())
    router.callback_query.register(refusal_pressed, DataRefusalCb.filter())
    refusing = StateFilter(DataRefusal.reason, DataRefusal.confirm)
    router.message.register(refusal_cancelled, refusing, Command("cancel"))
    is_answer = F.text & ~F.text.startswith("/")
    router.message.register(reason_typed, DataRefusal.reason, is_answer)
    router.message.register(buttons_expected, DataRefusal.confirm, ~F.text.startswith("/"))
    return router
