"""A card's action button: act at once, or open the target picker, or ask for a reason or a result.

What a button may do is the workflow's step (`needs_reason`, `needs_result`, `target_kind`); this module
only chooses how to ask for what the step needs. The press comes checked (bot/handlers/admin/desk.py).
"""

from __future__ import annotations

from aiogram import Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bot.handlers.admin import inputs, pickers
from bot.handlers.admin.desk import PRESS, AdminDesk, Check
from bot.handlers.admin.guard import Press
from bot.handlers.admin.outcome import pressed_copy, show_done
from bot.ui.admin_callbacks import ActionCb


async def action_pressed(
    query: CallbackQuery, press: Press, pressed: Message, state: FSMContext, desk: AdminDesk
) -> None:
    step = press.step
    if step.target_kind is not None:
        await pickers.open_picker(query, pressed, press, state, desk)
    elif step.needs_reason or step.needs_result:
        await inputs.ask(query, pressed, press, state, desk)
    else:
        card = pressed_copy(pressed)
        moved = await desk.complaints.fire(
            press.complaint.id,
            press.admin.as_actor(),
            step.trigger,
            seen_version=press.seen_version,
            pressed_card=card,
            seen=press.complaint,
            session=desk.session,
        )
        await show_done(query, desk, moved, press.admin, card)


def create_router() -> Router:
    router = Router(name=__name__)
    router.callback_query.register(action_pressed, ActionCb.filter(), flags={PRESS: Check.STEP})
    return router
