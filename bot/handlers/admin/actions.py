"""A card's action button: act at once, or open the target picker, or ask for a reason or a result.

What a button may do is the workflow's step (`needs_reason`, `needs_result`, `target_kind`); this module
only chooses how to ask for what the step needs.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from aiogram import Bot, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.handlers.admin import inputs, pickers
from bot.handlers.admin.guard import check_press
from bot.handlers.admin.outcome import pressed_copy, show_done
from bot.ui.admin_callbacks import ActionCb
from bot.ui.texts import Texts
from storage.complaints import ComplaintService
from storage.directory import Directory
from storage.views import AdminInfo
from workflow.calendar import WorkingCalendar


async def action_pressed(
    query: CallbackQuery,
    callback_data: ActionCb,
    bot: Bot,
    state: FSMContext,
    t: Texts,
    admins: list[AdminInfo],
    directory: Directory,
    complaints: ComplaintService,
    calendar: WorkingCalendar,
    clock: Callable[[], datetime],
    session: AsyncSession | None = None,
) -> None:
    c, v = callback_data.c, callback_data.v
    press = await check_press(complaints, admins, c, v, callback_data.t, session=session)
    if not isinstance(query.message, Message):
        await query.answer(t.plain("button.expired"), show_alert=True)
        return
    step = press.step
    if step.target_kind is not None:
        await pickers.open_picker(
            query,
            query.message,
            press,
            state=state,
            t=t,
            directory=directory,
            complaints=complaints,
            calendar=calendar,
            clock=clock,
            session=session,
        )
    elif step.needs_reason or step.needs_result:
        await inputs.ask(
            query, query.message, press, bot, state, t, complaints, admins, calendar, clock, session=session
        )
    else:
        card = pressed_copy(query.message)
        moved = await complaints.fire(
            c,
            press.admin.as_actor(),
            step.trigger,
            seen_version=v,
            pressed_card=card,
            seen=press.complaint,
            session=session,
        )
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
            session=session,
        )


def create_router() -> Router:
    router = Router(name=__name__)
    router.callback_query.register(action_pressed, ActionCb.filter())
    return router
