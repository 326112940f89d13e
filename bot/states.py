"""Conversation states. Their names are stored in `fsm_states`: renaming one strands half-filed drafts."""

from __future__ import annotations

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
