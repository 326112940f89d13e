"""Updates fed straight to the production dispatcher (bot/app/factory.py), with a real database and the local
Bot API server answering the bot's calls in-process (tests/in_process.py): no polling, no webhook and no HTTP
in between, so one update costs milliseconds and a property test can try hundreds. What each update made the
bot do is read back from the server's request log, what it changed from the database."""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.fsm.state import State
from aiogram.fsm.storage.base import StorageKey
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, Update
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app.factory import create_bot, create_dispatcher, create_services
from bot.app.settings import Settings
from bot.dev.local_api import LocalBotApi
from bot.dev.local_api.models import CallbackState
from bot.dev.local_api.records import RequestRecord
from bot.handlers.admin.report import ReportRange
from bot.handlers.officer_recording import PURPOSE, Recording
from bot.ui import filing_steps as filing
from bot.ui.admin_states import PENDING, AdminInput
from bot.updates.fsm_storage import DatabaseStorage
from storage import models
from storage.database import session_factory
from tests.conftest import World
from tests.e2e.admin_desk import seed
from tests.e2e.conftest import TOKEN
from tests.in_process import run_in_process
from workflow.calendar import WorkingCalendar
from workflow.engine import workflow_for


@dataclass
class Outcome:
    """What one update made the bot do."""

    requests: list[RequestRecord]
    errors: list[logging.LogRecord]

    def answers_to(self, query_id: str) -> list[RequestRecord]:
        return [
            record
            for record in self.requests
            if record.method == "answerCallbackQuery" and record.params.get("callback_query_id") == query_id
        ]

    def failed(self) -> list[str]:
        return [f"{record.method}: {record.description}" for record in self.requests if not record.ok]


class ErrorLog(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@dataclass
class Feed:
    api: LocalBotApi
    engine: AsyncEngine
    world: World
    dispatcher: Dispatcher = field(init=False)
    bot: Bot = field(init=False)
    storage: DatabaseStorage = field(init=False)
    _next_update: int = 10**6
    _errors: ErrorLog = field(default_factory=ErrorLog)
    notes: dict[str, Any] = field(default_factory=dict)  # what a test keeps across its examples

    async def start(self) -> None:
        services = create_services(self.engine, WorkingCalendar(), clock=self.world.clock)
        self.storage = DatabaseStorage(session_factory(self.engine))
        self.dispatcher = create_dispatcher(services, storage=self.storage)
        settings = Settings(_env_file=None, bot_token=TOKEN, telegram_api_base=self.api.base_url)
        self.bot = run_in_process(create_bot(settings), self.api)  # the server answers without HTTP
        logging.getLogger().addHandler(self._errors)

    async def stop(self) -> None:
        logging.getLogger().removeHandler(self._errors)
        await self.bot.session.close()

    async def _feed(self, payload: dict[str, Any]) -> Outcome:
        self._next_update += 1
        before = len(self.api.requests())
        errors_before = len(self._errors.records)
        update = Update.model_validate({"update_id": self._next_update, **payload}, context={"bot": self.bot})
        await self.dispatcher.feed_update(self.bot, update)
        return Outcome(self.api.requests()[before:], self._errors.records[errors_before:])

    async def card(self, user_id: int) -> dict[str, Any]:
        """A fresh message with a button, sent by the bot to the person, for the person to press (a handler
        may take the buttons off the message it was pressed on)."""
        self.api.user(user_id, f"Orang {user_id}")._chat.started = True  # the person opened the chat
        button = InlineKeyboardButton(text="Tombol", callback_data="noop")
        sent = await self.bot.send_message(
            user_id, "Kartu", reply_markup=InlineKeyboardMarkup(inline_keyboard=[[button]])
        )
        return dict(self.api.user(user_id)._chat.messages[sent.message_id])

    async def press(self, user_id: int, data: str) -> tuple[str, Outcome]:
        """The person presses a button carrying `data` on a message the bot sent them."""
        raw = await self.card(user_id)
        user = self.api.user(user_id)
        query_id = str(secrets.randbits(62))
        user.bot.callbacks[query_id] = CallbackState(
            query_id, user_id, raw["message_id"], data, user._world.clock()
        )
        callback = {
            "id": query_id,
            "from": user.person.user_json(),
            "message": dict(raw),
            "chat_instance": str(user.bot.id ^ user_id),
            "data": data,
        }
        return query_id, await self._feed({"callback_query": callback})

    async def say(self, user_id: int, text: str) -> Outcome:
        """The person sends `text` in their private chat with the bot."""
        user = self.api.user(user_id, f"Orang {user_id}")
        await user.send_text(text)
        update = user.bot.queue.pending.pop()
        return await self._feed({"message": update["message"]})

    def key(self, user_id: int) -> StorageKey:
        return StorageKey(bot_id=self.bot.id, chat_id=user_id, user_id=user_id)

    async def set_state(self, user_id: int, state: str | None, data: dict[str, Any]) -> None:
        await self.storage.set_state(self.key(user_id), state)
        await self.storage.set_data(self.key(user_id), data)

    async def state_of(self, user_id: int) -> tuple[str | None, dict[str, Any]]:
        return await self.storage.get_state(self.key(user_id)), await self.storage.get_data(self.key(user_id))


async def complaint_rows(engine: AsyncEngine) -> dict[int, tuple[str, int]]:
    async with session_factory(engine)() as session:
        rows = await session.execute(
            select(models.Complaint.id, models.Complaint.state, models.Complaint.version)
        )
        return {row.id: (row.state, row.version) for row in rows}


async def illegal_events(engine: AsyncEngine, after_id: int) -> list[str]:
    """Events written after `after_id` that the workflow does not allow: a step that does not exist, or one
    made by a role it is not given to."""
    async with session_factory(engine)() as session:
        rows = await session.execute(
            select(models.ComplaintEvent, models.Complaint.kind)
            .join(models.Complaint, models.Complaint.id == models.ComplaintEvent.complaint_id)
            .where(models.ComplaintEvent.id > after_id)
        )
        wrong = []
        for event, kind in rows:
            try:
                step = workflow_for(kind).step(event.from_state, event.trigger)
            except Exception as error:
                wrong.append(f"{event.trigger} from {event.from_state}: {error}")
                continue
            if step.dest != event.to_state or event.actor_role not in {str(role) for role in step.roles}:
                wrong.append(f"{event.trigger} by {event.actor_role}: {event.from_state} -> {event.to_state}")
        return wrong


async def last_event_id(engine: AsyncEngine) -> int:
    async with session_factory(engine)() as session:
        return int(
            await session.scalar(
                select(models.ComplaintEvent.id).order_by(models.ComplaintEvent.id.desc()).limit(1)
            )
            or 0
        )


OFFICER = 4001  # the world's officer seat
# What a filing conversation holds when every answer is in: the data of any of its states.
DRAFT: dict[str, Any] = {
    "full_name": "Rina Marlina",
    "nik": "3375014507900002",
    "phone": "+6281234567801",
    "address": "Jl. Sriwijaya No. 12",
    "subject": "Jalan berlubang",
    "chronology": "Lubang besar di depan sekolah.",
    "event_date": date(2026, 11, 20).isoformat(),
    "event_place": "Jl. Merdeka",
    "attachments": [],
    "confidential": False,
    filing.FIRST_STEP: 0,
    filing.FRESH_IDENTITY: ["full_name", "nik", "phone", "address"],
}


async def conversation_data(feed: Feed, state: State | None, presser: int) -> dict[str, Any]:
    """What the conversation holds in `state`, as the bot itself would have left it."""
    if state is None or state.group is ReportRange:
        return {}
    if state.group is AdminInput:
        if "complaint" not in feed.notes:
            feed.notes["complaint"] = await seed(feed.world)
        complaint = feed.notes["complaint"]
        card = await feed.card(presser)
        pending = {
            "c": complaint.id,
            "v": complaint.version,
            "trigger": "reject",
            "number": complaint.tracking_number,
        }
        return {PENDING: {**pending, "card": card["message_id"], "card_chat": presser, "files": []}}
    recording = {PURPOSE: {"kind": "laporgub", "channel": "telephone"}}
    if state == Recording.external_number:  # entered only once a system was chosen, before the channel
        return {PURPOSE: {"kind": "laporgub", "system": "sp4n_lapor"}}
    if state.group is Recording:  # only an officer's recording is ever in these states
        return recording
    if presser != OFFICER:
        recording = {}
    return {**DRAFT, **recording, filing.EDITING: True}
