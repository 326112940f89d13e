"""Conversation states. Their names are stored in `fsm_states`: renaming one strands half-filed drafts."""

from __future__ import annotations

from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup


class Filing(StatesGroup):
    identity_choice = State()
    full_name = State()
    nik = State()
    phone = State()
    address = State()
    subject = State()
    chronology = State()
    event_date = State()
    event_place = State()
    location = State()
    attachments = State()
    confidential = State()
    summary = State()


async def is_filing(state: FSMContext) -> bool:
    current = await state.get_state()
    return current is not None and current in Filing.__all_states_names__
