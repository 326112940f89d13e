"""The people of the throughput bench: a province office, lanes of city and agency admins, and reporters who
file through the conversations the end-to-end tests script (tests/e2e), all talking to the bot through the
local Bot API server."""

from __future__ import annotations

import asyncio
import re
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bench.throughput_measure import PacedUser, Pacer
from bot.dev.local_api import ChatMessage, LocalBotApi
from bot.dev.local_api.chat_view import view_message
from storage import models
from storage.database import session_factory
from storage.directory import Directory
from tests.e2e.chat import Reporter
from tests.e2e.notifications import AdminChat
from tests.e2e.scripts import Answers, file_complaint
from workflow.actors import OrgKind, Role
from workflow.definitions import S, T

NUMBER = re.compile(r"\b[A-Z]+-\d{4}-\d{6}\b")
PROVINCE = ("JATENG", "Pemerintah Provinsi Jawa Tengah")
# The target picker shows 8 organisations a page; the lanes stay on its first page.
MAX_LANES = 8
ANSWERS = Answers(photos=1)
RESULT = "Saluran sudah dibersihkan dan jalan ditambal."
# Every trigger a complaint passes on its way through the seven steps, in order.
SEVEN_STEPS = (
    T.SUBMIT,
    T.DISPOSE,
    T.FORWARD,
    T.ACCEPT,
    T.SUBMIT_RESULT,
    T.CONFIRM_RESULT,
    T.APPROVE,
    T.ACKNOWLEDGE,
)
WAIT_S = 60.0
REPORTER_IDS = 700_000
OPEN_IDS = 800_000


@dataclass
class Desk:
    """One admin's chat, acting on one complaint at a time (a reason or a result is a conversation)."""

    chat: AdminChat
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    _cards: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    _scanned: int = 0

    def _index(self) -> None:
        """Cards by tracking number, from messages not yet looked at (a full view of a big chat is slow)."""
        messages = self.chat.user._chat.messages
        for message_id in sorted(id_ for id_ in messages if id_ > self._scanned):
            text = messages[message_id].get("text") or ""
            if text.startswith("📋 "):
                found = NUMBER.search(text)
                if found:
                    self._cards[found.group(0)].append(message_id)
            self._scanned = message_id

    def live_card(self, number: str) -> ChatMessage | None:
        self._index()
        messages = self.chat.user._chat.messages
        for message_id in reversed(self._cards.get(number, [])):
            card = view_message(messages[message_id], self.chat.user.bot.id)
            if self.chat.action_buttons(card):
                return card
        return None

    def is_live(self, card: ChatMessage) -> bool:
        raw = self.chat.user._chat.messages.get(card.message_id)
        return raw is not None and bool(self.chat.action_buttons(view_message(raw, self.chat.user.bot.id)))

    async def act(self, number: str, trigger: str, **answers: Any) -> None:
        card = await _poll(lambda: self.live_card(number), f"a live card of {number} for {trigger}")
        async with self.lock:
            await self.chat.act(card, trigger, **answers)
            await _poll(lambda: None if self.is_live(card) else True, f"the card of {number} after {trigger}")


async def _poll(find: Any, what: str, interval: float = 0.005) -> Any:
    deadline = time.monotonic() + WAIT_S
    while True:
        found = find()
        if found is not None:
            return found
        if time.monotonic() > deadline:
            raise TimeoutError(f"waited {WAIT_S}s for {what}")
        await asyncio.sleep(interval)


@dataclass
class Lane:
    city: str
    opd: str
    city_desk: Desk
    opd_desk: Desk


@dataclass
class People:
    api: LocalBotApi
    province: list[Desk]
    lanes: list[Lane]
    pacer: Pacer = field(default_factory=Pacer)

    def reporter(self, person_id: int) -> Reporter:
        user = self.api.user(person_id, f"Warga {person_id}", language_code="id")
        return Reporter(PacedUser(user, self.pacer))  # type: ignore[arg-type]

    async def journey(self, index: int) -> str:
        """Complaint `index` from /start to the reporter's acknowledgement; returns its tracking number."""
        lane = self.lanes[index % len(self.lanes)]
        province = self.province[index % len(self.province)]
        reporter = self.reporter(REPORTER_IDS + index)
        confirmation = await file_complaint(reporter, ANSWERS)
        found = NUMBER.search(confirmation.text or "")
        assert found is not None, confirmation.text
        number = found.group(0)
        await province.act(number, T.DISPOSE, target=lane.city)
        await lane.city_desk.act(number, T.FORWARD, target=lane.opd)
        await lane.opd_desk.act(number, T.ACCEPT)
        await lane.opd_desk.act(number, T.SUBMIT_RESULT, result=RESULT)
        await lane.city_desk.act(number, T.CONFIRM_RESULT)
        await province.act(number, T.APPROVE)
        received = reporter.t.plain("btn.result.received")
        result = await reporter.next_where(lambda m: m.button(received) is not None, "the result")
        await reporter.press(result, "btn.result.received")
        await reporter.expect_key("result.thanks", number=number)
        return number

    async def open_conversation(self, index: int) -> None:
        """A new reporter starts filing and stops at the first question: a half-filed conversation."""
        reporter = self.reporter(OPEN_IDS + index)
        await reporter.command("/new")
        await reporter.expect_prompt("full_name", 1)

    async def continue_conversation(self, index: int) -> None:
        """A reporter with a conversation open answers its first question and is asked the second."""
        reporter = self.reporter(OPEN_IDS + index)
        await reporter.send(ANSWERS.full_name)
        await reporter.expect_prompt("nik", 2)


async def copy_conversations(engine: AsyncEngine, source: int, first: int, count: int) -> list[int]:
    """Conversations for people `first`... in the state the bot left `source`'s in (copies of its rows in
    fsm_states: the bot keeps conversations in the database, not in memory); returns their indexes."""
    async with session_factory(engine).begin() as session:
        rows = list(
            await session.scalars(
                select(models.FsmRecord).where(models.FsmRecord.key.contains(f":{source}:"))
            )
        )
        assert rows, f"the bot kept no conversation for {source}"
        for index in range(first, first + count):
            for row in rows:
                parts = row.key.split(":")  # fsm:<chat>:<user>:<destiny>: both ids change
                key = ":".join(str(OPEN_IDS + index) if part == str(source) else part for part in parts)
                session.add(models.FsmRecord(key=key, state=row.state, data=dict(row.data)))
    return list(range(first, first + count))


async def seat_people(api: LocalBotApi, engine: AsyncEngine, *, lanes: int, province_admins: int) -> People:
    """The organisations and admins in the database, and every admin having opened the bot."""
    directory = Directory(session_factory(engine))
    await directory.add_organisation(code=PROVINCE[0], name=PROVINCE[1], kind=OrgKind.PROVINCE)
    province = []
    for seat in range(province_admins):
        admin = await directory.add_admin(
            telegram_id=1000 + seat, role=Role.PROVINCE, org_code=PROVINCE[0], full_name=f"Provinsi {seat}"
        )
        province.append(Desk(AdminChat(api, admin)))
    seated = []
    for lane in range(min(lanes, MAX_LANES)):
        city = await directory.add_organisation(
            code=f"KOTA-{lane}", name=f"Dinkominfo Kota {lane}", kind=OrgKind.CITY, parent_code=PROVINCE[0]
        )
        opd = await directory.add_organisation(
            code=f"OPD-{lane}", name=f"Dinas PU Kota {lane}", kind=OrgKind.OPD, parent_code=city.code
        )
        city_admin = await directory.add_admin(
            telegram_id=2000 + lane, role=Role.CITY, org_code=city.code, full_name=f"Kota {lane}"
        )
        opd_admin = await directory.add_admin(
            telegram_id=3000 + lane, role=Role.OPD, org_code=opd.code, full_name=f"Dinas {lane}"
        )
        seated.append(
            Lane(city.name, opd.name, Desk(AdminChat(api, city_admin)), Desk(AdminChat(api, opd_admin)))
        )
    return People(api, province, seated)


async def greet_admins(people: People) -> None:
    """Every admin opens the bot (a bot cannot write first)."""
    desks = [*people.province, *(desk for lane in people.lanes for desk in (lane.city_desk, lane.opd_desk))]
    for desk in desks:
        await desk.chat.command("/start")
    await asyncio.gather(*(desk.chat.next_where(lambda _: True, "the menu") for desk in desks))


async def unfinished(engine: AsyncEngine, numbers: list[str]) -> list[str]:
    """The complaints among `numbers` that are not closed having passed each of the seven steps once."""
    sessions = session_factory(engine)
    async with sessions() as session:
        rows = await session.execute(
            select(models.Complaint.tracking_number, models.Complaint.state, models.ComplaintEvent.trigger)
            .join(models.ComplaintEvent, models.ComplaintEvent.complaint_id == models.Complaint.id)
            .where(models.Complaint.tracking_number.in_(numbers))
            .order_by(models.Complaint.tracking_number, models.ComplaintEvent.version)
        )
        triggers: dict[str, list[str]] = defaultdict(list)
        states: dict[str, str] = {}
        for number, state, trigger in rows:
            triggers[number].append(trigger)
            states[number] = state
        complaints = await session.scalar(
            select(func.count())
            .select_from(models.Complaint)
            .where(models.Complaint.tracking_number.in_(numbers))
        )
    assert complaints == len(set(numbers)), (
        f"{complaints} complaints in the database for {len(numbers)} numbers"
    )
    return [
        number
        for number in numbers
        if states.get(number) != S.CLOSED or tuple(triggers[number]) != SEVEN_STEPS
    ]
