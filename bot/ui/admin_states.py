"""Conversation states of an admin writing a reason or a result. Their names are stored in `fsm_states`."""

from __future__ import annotations

from aiogram.fsm.state import State, StatesGroup


class AdminInput(StatesGroup):
    reason = State()
    result_text = State()
    result_files = State()
    confirm = State()


# FSM data key holding the pending action: complaint, version seen, trigger, card message, texts so far.
PENDING = "admin_pending"
