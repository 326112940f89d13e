"""The people of the chaos run: reporters filing in the conversation and admins pressing the cards the outbox
brings, all through the local Bot API server, each acting like a person whose bot sometimes goes quiet.

A person acts, then waits for the bot to answer. No answer within `ANSWER_S` (the bot was killed and the
update with it, or the database was away) and they do it again, as anyone would; the repeats are counted,
since each one is an update the bot did not answer. Whether a step took is judged from the database, never
from a message alone. The texts they expect are the bot's own (tests.e2e.chat.Reporter).
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from functools import partial

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from bot.dev.local_api import ChatMessage, ChatView, LocalBotApi, SimulationError, tiny_png
from bot.ui.cards import action_label
from storage.complaints import ComplaintService
from storage.views import AdminInfo, ComplaintInfo
from tests.e2e.chat import Reporter, visible
from tests.e2e.scripts import Answers
from workflow.definitions import S, T

# A person waits this long for an answer before doing it again: a restarted bot answers within seconds.
ANSWER_S = 20.0
# Between two actions of one person: people read before they press, and the bot's replies to one chat
# stay under Telegram's 1 message/s.
THINK_S = 1.0
# How long one step may take in all (cards come through the rate-limited, fault-ridden outbox).
STEP_S = 150.0
NUMBER = re.compile(r"\b[A-Z]{2}-\d{4}-\d{6}\b")
DB_ERRORS = (OperationalError, InterfaceError, DBAPIError, OSError, ConnectionError)


@dataclass
class Tally:
    numbers: dict[int, str] = field(default_factory=dict)  # reporter id → the tracking number they got
    repeats: int = 0  # actions done again after the bot said nothing
    apologies: int = 0  # "sorry, something went wrong" answers (the database away, say)
    steps: int = 0  # admin steps taken (through the bot, confirmed in the database)
    closed: int = 0  # complaints the reporter acknowledged (step 7)
    abandoned: list[str] = field(default_factory=list)


class Apology(Exception):
    pass


def apologies() -> set[str]:
    from bot.ui.texts import texts_for

    return {visible(texts_for(code)("error.unexpected")) for code in ("id", "en")}


class Person:
    """One chat with the bot; `act` does something and waits until the bot has answered it."""

    def __init__(
        self, api: LocalBotApi, user_id: int, name: str, tally: Tally, phone: str | None = None
    ) -> None:
        self.chatter = Reporter(api.user(user_id, name, phone_number=phone))
        self.user = self.chatter.user
        self.tally = tally
        self.lock = asyncio.Lock()
        self._sorry = apologies()

    def newest_bot_id(self) -> int:
        last = self.user.last_bot_message()
        return last.message_id if last else 0

    async def act(
        self, action: Callable[[], Awaitable[object]], answered: Callable[[ChatView], ChatMessage | None]
    ) -> ChatMessage:
        """Do `action` until `answered` finds the bot's answer; an apology or silence means do it again."""
        while True:
            await asyncio.sleep(THINK_S)
            since = self.newest_bot_id()
            with contextlib.suppress(SimulationError):
                await action()  # refused: the button is gone already, an earlier attempt took
            try:
                view = await self.user.wait_until(
                    partial(self._answered, answered=answered, since=since), ANSWER_S
                )
            except TimeoutError:
                self.tally.repeats += 1
                continue
            found = answered(view)
            if found is not None:
                return found
            self.tally.apologies += 1

    def _answered(
        self, view: ChatView, answered: Callable[[ChatView], ChatMessage | None], since: int
    ) -> bool:
        if answered(view) is not None:
            return True
        return any(m.message_id > since and m.text in self._sorry for m in view.bot_messages())


def newest(view: ChatView, check: Callable[[ChatMessage], bool], after: int = 0) -> ChatMessage | None:
    for message in reversed(view.bot_messages()):
        if message.message_id <= after:
            return None
        if check(message):
            return message
    return None


async def from_db(read: Callable[[], Awaitable[object]]) -> object:
    """A read that outlives the database restart."""
    while True:
        try:
            return await read()
        except DB_ERRORS:
            await asyncio.sleep(0.5)


# -- reporters ---------------------------------------------------------------------------------------------


class FilingReporter(Person):
    async def file(self, index: int) -> str | None:
        answers = Answers(subject=f"Chaos {index}: jalan berlubang")
        r = self.chatter

        def text_is(text: str, after: int = 0) -> Callable[[ChatView], ChatMessage | None]:
            return lambda view: newest(view, lambda m: m.text == text, after)

        menu = await self.act(lambda: r.command("/start"), text_is(r.said("welcome")))
        await self.act(lambda: r.press(menu, "btn.menu.new"), text_is(r.prompt("full_name", 1)))
        steps: list[tuple[Callable[[], Awaitable[object]], str]] = [
            (lambda: r.send(answers.full_name), r.prompt("nik", 2)),
            (lambda: r.send(answers.nik), r.prompt("phone", 3)),
            (lambda: self.user.send_contact(), r.prompt("address", 4)),
            (lambda: r.send(answers.address), r.prompt("subject", 5)),
            (lambda: r.send(answers.subject), r.prompt("chronology", 6)),
            (lambda: r.send(answers.chronology), r.prompt("event_date", 7)),
            (lambda: r.send(answers.event_date), r.prompt("event_place", 8)),
            (lambda: r.send(answers.event_place), r.prompt("location", 9)),
            (lambda: self.user.send_location(-6.888, 109.675), r.prompt("attachments", 10)),
        ]
        for action, next_prompt in steps:
            since = self.newest_bot_id()
            await self.act(action, text_is(next_prompt, since))
        attachments = newest(self.user.chat(), lambda m: m.text == r.prompt("attachments", 10))
        assert attachments is not None
        choice = await self.act(
            lambda: r.press(attachments, "btn.attachments.skip"), text_is(r.prompt("confidential", 11))
        )
        title = r.said("summary.title")
        summary = await self.act(
            lambda: r.press(choice, "btn.no_confidential"),
            lambda view: newest(view, lambda m: (m.text or "").startswith(title)),
        )
        submitted = r.said("submitted", number="X", deadline="Y").split("\n")[0]
        confirmation = await self.act(
            lambda: r.press(summary, "btn.submit"),
            lambda view: newest(view, lambda m: (m.text or "").startswith(submitted)),
        )
        found = NUMBER.search(confirmation.text or "")
        if found is None:
            self.tally.abandoned.append(f"reporter {self.user.id}: no number in {confirmation.text!r}")
            return None
        self.tally.numbers[self.user.id] = found.group(0)
        return found.group(0)

    async def acknowledge(self, number: str, complaints: ComplaintService) -> None:
        """Step 7: the result arrives with its buttons; the reporter confirms receipt."""
        r = self.chatter
        label = r.t.plain("btn.result.received")
        result = await self.user.wait_for_message(
            lambda m: number in (m.text or "") and m.button(label) is not None, timeout=STEP_S
        )
        thanks = r.said("result.thanks", number=number)
        await self.act(
            lambda: r.press(result, "btn.result.received"),
            lambda view: newest(view, lambda m: m.text == thanks),
        )
        await until_state(complaints, number, S.CLOSED)
        self.tally.closed += 1


# -- admins ------------------------------------------------------------------------------------------------


class AdminDesk(Person):
    def __init__(self, api: LocalBotApi, admin: AdminInfo, tally: Tally) -> None:
        super().__init__(api, admin.telegram_id, admin.full_name, tally)
        self.admin = admin

    def live_card(self, view: ChatView, number: str, *labels: str) -> ChatMessage | None:
        """The newest card of `number` showing one of `labels` (the action, or a picker's target left open
        by an attempt whose press of the target the bot never answered)."""
        cards = [
            m
            for m in view.bot_messages()
            if (m.text or "").startswith(f"📋 {number}") and any(m.button(label) for label in labels)
        ]
        return cards[-1] if cards else None

    async def step(
        self,
        complaints: ComplaintService,
        number: str,
        trigger: str,
        then: str,
        *,
        target: str | None = None,
        result: str | None = None,
    ) -> None:
        """Press `trigger` on the card of `number` (and see it through) until the complaint is in `then`."""
        t = self.chatter.t
        label = action_label(trigger, t)
        # A picker left open by an attempt shows the target, or the question about it with its ✅.
        labels = (label, target, t.plain("admin.btn.send_to", org=target)) if target else (label,)
        deadline = time.monotonic() + STEP_S
        while time.monotonic() < deadline:
            current = await complaint_of(complaints, number)
            if current.state == then:
                break
            view = await self.user.wait_until(
                lambda v: self.live_card(v, number, *labels) is not None, STEP_S
            )
            async with self.lock:
                try:
                    await self._press_through(self.live_card(view, number, *labels), label, target, result)
                except (TimeoutError, SimulationError):
                    self.tally.repeats += 1
                    await self._give_up_prompt()
                    continue
            try:
                await until_state(complaints, number, then, within=ANSWER_S, after=current.version)
                break
            except TimeoutError:
                self.tally.repeats += 1
        else:
            raise TimeoutError(f"{self.admin.full_name}: {trigger} of {number} did not take in {STEP_S:g}s")
        self.tally.steps += 1

    async def _send_to(self, card: ChatMessage, label: str, target: str) -> None:
        """Open the picker (unless an attempt left it open), press the target unless the picker already asks
        about it, then its ✅: only the confirmation moves the complaint."""
        yes = self.chatter.t.plain("admin.btn.send_to", org=target)
        if card.button(yes) is None and card.button(target) is None:
            await self.user.press_button(card, label)
            view = await self.user.wait_until(
                lambda v: _shows(v, card.message_id, yes) or _shows(v, card.message_id, target), ANSWER_S
            )
            card = _shows(view, card.message_id, yes) or _shows(view, card.message_id, target) or card
            await asyncio.sleep(THINK_S)
        if card.button(yes) is None:
            await self.user.press_button(card, target)
            view = await self.user.wait_until(lambda v: _shows(v, card.message_id, yes), ANSWER_S)
            card = _shows(view, card.message_id, yes) or card
            await asyncio.sleep(THINK_S)
        await self.user.press_button(card, yes)

    async def _give_up_prompt(self) -> None:
        """A card's buttons are off while its reason or result prompt is open: an attempt given up cancels
        its prompt (if one came), so the card can be pressed again."""
        abort = self.chatter.t.plain("admin.btn.abort")
        prompt = newest(self.user.chat(), lambda m: m.button(abort) is not None)
        if prompt is not None:
            with contextlib.suppress(SimulationError):
                await self.user.press_button(prompt, abort)
            await asyncio.sleep(THINK_S)

    async def _press_through(
        self, card: ChatMessage | None, label: str, target: str | None, result: str | None
    ) -> None:
        assert card is not None
        t = self.chatter.t
        await asyncio.sleep(THINK_S)
        since = self.newest_bot_id()
        if target is not None:
            await self._send_to(card, label, target)
            return
        await self.user.press_button(card, label)
        if result is not None:
            done = t.plain("admin.btn.done")
            abort = t.plain("admin.btn.abort")
            await self.user.wait_until(
                lambda v: newest(v, lambda m: m.button(abort) is not None, since), ANSWER_S
            )
            await asyncio.sleep(THINK_S)
            await self.user.send_text(result)
            asked = await self.user.wait_until(
                lambda v: newest(v, lambda m: m.button(done) is not None, since), ANSWER_S
            )
            asked_id = (newest(asked, lambda m: m.button(done) is not None, since) or card).message_id
            await asyncio.sleep(THINK_S)
            await self.user.send_photo(tiny_png(48, 32, (60, 60, 60)))
            taken_view = await self.user.wait_until(
                lambda v: newest(v, lambda m: m.button(done) is not None, asked_id), ANSWER_S
            )
            taken = newest(taken_view, lambda m: m.button(done) is not None, asked_id)
            await asyncio.sleep(THINK_S)
            await self.user.press_button(taken or card, done)
            confirm = t.plain("admin.btn.confirm")
            confirm_view = await self.user.wait_until(
                lambda v: newest(v, lambda m: m.button(confirm) is not None, since), ANSWER_S
            )
            await asyncio.sleep(THINK_S)
            message = newest(confirm_view, lambda m: m.button(confirm) is not None, since)
            await self.user.press_button(message or card, confirm)


def _shows(view: ChatView, message_id: int, target: str) -> ChatMessage | None:
    message = view.message(message_id)
    return message if message is not None and message.button(target) is not None else None


async def complaint_of(complaints: ComplaintService, number: str) -> ComplaintInfo:
    found = await from_db(lambda: complaints.by_tracking_number(number))
    if not isinstance(found, ComplaintInfo):
        raise LookupError(f"{number} is not in the database")
    return found


async def until_state(
    complaints: ComplaintService, number: str, state: str, *, within: float = STEP_S, after: int = 0
) -> ComplaintInfo:
    deadline = time.monotonic() + within
    while True:
        complaint = await complaint_of(complaints, number)
        if complaint.state == state and complaint.version > after:
            return complaint
        if time.monotonic() > deadline:
            raise TimeoutError(f"{number} is {complaint.state}, not {state}, after {within:g}s")
        await asyncio.sleep(0.2)


__all__ = ["AdminDesk", "FilingReporter", "T", "Tally", "until_state"]
