"""`python -m bot demo`: one complaint through the whole sandbox, every step by pressing the real buttons.

Siti files a complaint about a pothole in the conversation; the province disposes it to Kota Pekalongan's
Dinkominfo; the city first sends it to the wrong agency (DLH), which returns it with a reason; the city sends
it on to DPUPR, which accepts it and submits its result with a photo; the city confirms, the province
approves; Siti receives the result and rates it. Nothing is fired behind the bot's back: the people type and
press buttons on the simulated Telegram, the real dispatcher answers, the outbox sender brings each tier its
card. Then it prints each person's chat as they see it, times in WIB.

Exit code 0 only when the complaint reached Siti (closed with her rating, the result in her chat); otherwise
one line on stderr saying which step failed. The sandbox runs in-process on a free port with its own
temporary database, its clock moved to the next working day at 09:00 WIB, and with flood control loosened
so the run takes seconds rather than Telegram's pace.
"""

from __future__ import annotations

import asyncio
import difflib
import html
import logging
import re
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.app.factory import calendar_from
from bot.app.settings import Settings
from bot.dev.local_api import ChatMessage, ChatView, RateLimits, SimUser, tiny_png
from bot.dev.sandbox.clock import SandboxClock
from bot.dev.sandbox.personas import ADMINS, CITY_CODE, OPD_CODE, REPORTER, SECOND_OPD_CODE, Persona
from bot.dev.sandbox.server import Sandbox
from bot.ui.cards import action_label
from bot.ui.filing_steps import BY_NAME, FIELDS, FIRST_COMPLAINT_FIELD
from bot.ui.texts import Texts, texts_for
from bot.ui.validation import MAX_FILE_BYTES
from storage.views import ComplaintInfo
from workflow.calendar import WIB, to_wib
from workflow.complaint import MAX_ATTACHMENTS, MAX_CHRONOLOGY_LENGTH, MAX_SUBJECT_LENGTH
from workflow.definitions import S, T

log = logging.getLogger(__name__)

WAIT_S = 15.0
# One scripted person never waits on flood control; the sender spaces a chat's messages a little.
DEMO_RATE_LIMITS = RateLimits(
    enabled=True, per_chat_rate=30.0, per_chat_burst=30, global_rate=300.0, global_burst=300
)
DEMO_PER_CHAT_INTERVAL_S = 0.05
OPENING_HOUR = 9
PEKALONGAN = (-6.8886, 109.6753)
NUMBER = re.compile(r"\b[A-Z]{2}-\d{4}-\d{6}\b")
DAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")

SUBJECT = "Jalan berlubang di Jl. Hayam Wuruk"
CHRONOLOGY = (
    "Sejak dua minggu lalu ada lubang besar di depan toko batik dekat perempatan Jl. Hayam Wuruk. "
    "Saat hujan lubang tertutup genangan dan dua pengendara motor sudah terjatuh."
)
PLACE = "Jl. Hayam Wuruk, Pekalongan Timur"
RETURN_REASON = "Perbaikan jalan bukan tugas DLH; mohon diteruskan ke DPUPR."
RESULT = "Lubang sudah ditambal dengan aspal hotmix dan rambu peringatan dipasang selama pengerjaan."
STARS = 5
COMMENT = "Cepat dan rapi, terima kasih!"

SEATS = {persona.key: persona for persona in ADMINS}


class DemoFailed(Exception):
    """Its message is the one line the demo ends with."""


@dataclass
class Person:
    """One persona's end of the simulated Telegram chat."""

    persona: Persona
    user: SimUser
    t: Texts = field(default_factory=lambda: texts_for("id"))
    # A message as it looked when first pressed, and every label pressed on it: an edit takes the buttons
    # away, and the transcript shows what the person chose from.
    pressed: dict[int, tuple[ChatMessage, list[str]]] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.persona.name

    def said(self, key: str, **values: object) -> str:
        return visible(self.t(key, **values))

    def prompt(self, name: str) -> str:
        """The filing step's question, for a reporter who reused her saved identity (the steps are counted
        from the subject)."""
        return self.said(
            f"ask.{name}",
            step=FIELDS.index(BY_NAME[name]) - FIRST_COMPLAINT_FIELD + 1,
            total=len(FIELDS) - FIRST_COMPLAINT_FIELD,
            limit={"subject": MAX_SUBJECT_LENGTH, "chronology": MAX_CHRONOLOGY_LENGTH}.get(name, ""),
            max=MAX_ATTACHMENTS,
            size_mb=MAX_FILE_BYTES // (1024 * 1024),
        )

    async def next(self, check: Callable[[ChatMessage], bool], what: str, since: int = 0) -> ChatMessage:
        """The next bot message after message `since` passing `check` (earlier ones count: a fast bot is
        no race)."""
        apology = self.said("error.unexpected")

        def wanted(message: ChatMessage) -> bool:
            if message.message_id <= since:
                return False
            if message.text == apology:
                raise DemoFailed(f"the bot apologised for an error while {self.name} waited for {what}")
            return check(message)

        try:
            return await self.user.wait_for_message(wanted, timeout=WAIT_S)
        except TimeoutError:
            raise DemoFailed(f"{self.name} waited {WAIT_S:g}s for {what}; {self._last()}") from None

    async def expect(self, text: str) -> ChatMessage:
        return await self.next(lambda message: message.text == text, repr(_short(text)))

    async def expect_button(self, label: str, since: int = 0) -> ChatMessage:
        return await self.next(
            lambda message: message.button(label) is not None, f"a [{label}] button", since=since
        )

    def latest(self) -> int:
        """The id of the chat's newest message: what comes after it answers what the person does next."""
        messages = self.user.messages()
        return messages[-1].message_id if messages else 0

    async def until(self, check: Callable[[ChatView], ChatMessage | None], what: str) -> ChatMessage:
        found: list[ChatMessage] = []

        def done(view: ChatView) -> bool:
            message = check(view)
            if message is not None:
                found.append(message)
            return message is not None

        try:
            await self.user.wait_until(done, timeout=WAIT_S)
        except TimeoutError:
            raise DemoFailed(f"{self.name} waited {WAIT_S:g}s for {what}; {self._last()}") from None
        return found[-1]

    async def say(self, text: str) -> None:
        await self.user.send_text(text)

    async def press(self, message: ChatMessage, label: str) -> None:
        seen = self.user.chat().message(message.message_id) or message
        self.pressed.setdefault(message.message_id, (seen, []))[1].append(label)
        await self.user.press_button(message, label)

    def _last(self) -> str:
        last = self.user.last_bot_message()
        return f"the last bot message: {_short(last.text or last.kind)!r}" if last else "the bot said nothing"


class Scenario:
    def __init__(self, sandbox: Sandbox, log: Callable[[str], None]) -> None:
        assert sandbox.services is not None
        self.sandbox = sandbox
        self.services = sandbox.services
        self.log = log
        self.reporter = self._person(REPORTER)
        self.province = self._person(SEATS["province"])
        self.city = self._person(SEATS["city"])
        self.dlh = self._person(SEATS["opd-dlh"])
        self.dpupr = self._person(SEATS["opd"])
        self.cast = [self.reporter, self.province, self.city, self.dlh, self.dpupr]
        self.number = ""

    def _person(self, persona: Persona) -> Person:
        return Person(persona, self.sandbox.api.user(persona.telegram_id, persona.name))

    async def run(self) -> ComplaintInfo:
        self.step(1, f"{self.reporter.name} files a complaint in the conversation")
        await self.file()
        city, dlh, dpupr = [await self._org_name(code) for code in (CITY_CODE, SECOND_OPD_CODE, OPD_CODE)]
        # Each person acts some minutes after the one before, always within half a stage's target, so the
        # times read like a morning's work and no reminder falls due.
        await self.later(35)
        self.step(2, f"{self.province.name} disposes it to {city}")
        await self.act(self.province, T.DISPOSE, S.AT_CITY, target=city)
        await self.later(40)
        self.step(3, f"{self.city.name} forwards it to {dlh}")
        await self.act(self.city, T.FORWARD, S.AT_OPD, target=dlh)
        await self.later(45)
        self.step(4, f"{self.dlh.name} returns it to the city: roads are not DLH's duty")
        await self.act(self.dlh, T.RETURN_TO_CITY, S.AT_CITY, reason=RETURN_REASON)
        await self.later(20)
        self.step(3, f"{self.city.name} reads the reason and forwards it to {dpupr}")
        await self.act(self.city, T.FORWARD, S.AT_OPD, target=dpupr)
        await self.later(30)
        self.step(4, f"{self.dpupr.name} accepts it")
        await self.act(self.dpupr, T.ACCEPT, S.IN_FOLLOW_UP)
        await self.later(50)
        self.step(4, f"{self.dpupr.name} submits the result with a photo")
        await self.act(self.dpupr, T.SUBMIT_RESULT, S.RESULT_AT_CITY, result=RESULT)
        await self.later(40)
        self.step(5, f"{self.city.name} confirms the result")
        await self.act(self.city, T.CONFIRM_RESULT, S.RESULT_AT_PROVINCE)
        await self.later(30)
        self.step(6, f"{self.province.name} approves: the result goes to {self.reporter.name}")
        await self.act(self.province, T.APPROVE, S.RESOLVED)
        await self.later(25)
        self.step(7, f"{self.reporter.name} receives the result and rates it {STARS}⭐")
        return await self.rate()

    def step(self, number: int, what: str) -> None:
        self.log(f"[{number}/7] {to_wib(self.services.clock()):%H:%M} {what}")

    async def later(self, minutes: int) -> None:
        """Move the sandbox's clock on once everything due now has been delivered (so it is shown at the
        time it was sent), then let the real second turn: a message's date has whole seconds, and one dated
        in the second of the jump would show the time before it."""
        await self.delivered()
        self.sandbox.clock.advance(timedelta(minutes=minutes))
        await asyncio.sleep(1.0 - time.time() % 1.0 + 0.01)

    async def delivered(self) -> None:
        assert self.sandbox.notifier is not None
        outbox = self.sandbox.notifier.sender.outbox
        deadline = time.monotonic() + WAIT_S
        while await outbox.pending_count():
            if time.monotonic() > deadline:
                raise DemoFailed(f"the outbox still had messages to send after {WAIT_S:g}s")
            await asyncio.sleep(0.02)
        try:
            await self.sandbox.api.wait_idle(timeout=WAIT_S, quiet=0.05)
        except TimeoutError:
            raise DemoFailed(f"the bot was still busy after {WAIT_S:g}s") from None

    # -- 1: the reporter files, in the conversation ----------------------------------------------------

    async def file(self) -> None:
        siti = self.reporter
        await siti.user.send_command("/start")
        menu = await siti.expect_button(siti.t.plain("btn.menu.new"))
        await siti.press(menu, siti.t.plain("btn.menu.new"))
        saved = await siti.expect_button(siti.t.plain("btn.identity.use"))
        await siti.press(saved, siti.t.plain("btn.identity.use"))
        today = to_wib(self.services.clock()).date()
        answers = [
            ("subject", SUBJECT),
            ("chronology", CHRONOLOGY),
            ("event_date", (today - timedelta(days=3)).strftime("%d-%m-%Y")),
            ("event_place", PLACE),
        ]
        for name, answer in answers:
            await siti.expect(siti.prompt(name))
            await siti.say(answer)
        await siti.expect(siti.prompt("location"))
        await siti.user.send_location(*PEKALONGAN)  # what the reply keyboard's location button sends
        await siti.expect(siti.prompt("attachments"))
        await siti.user.send_photo(tiny_png(96, 64, (90, 80, 70)), caption=None)
        added = await siti.expect_button(siti.t.plain("btn.attachments.done"))
        await siti.press(added, siti.t.plain("btn.attachments.done"))
        choice = await siti.expect_button(siti.t.plain("btn.no_confidential"))
        await siti.press(choice, siti.t.plain("btn.no_confidential"))
        summary = await siti.expect_button(siti.t.plain("btn.submit"))
        await siti.press(summary, siti.t.plain("btn.submit"))
        title = siti.said("submitted", number="@", deadline="@").split("\n")[0]
        submitted = await siti.next(lambda m: (m.text or "").startswith(title), "the tracking number")
        found = NUMBER.search(submitted.text or "")
        if found is None:
            raise DemoFailed(f"no tracking number in the confirmation: {_short(submitted.text or '')!r}")
        self.number = found.group(0)
        await self.until_state(S.AT_PROVINCE, "the filed complaint")
        self.log(f"      filed as {self.number}")

    # -- 2-6: each admin presses the buttons on the card the outbox brought ------------------------------

    async def act(
        self,
        admin: Person,
        trigger: str,
        then: str,
        *,
        target: str | None = None,
        reason: str | None = None,
        result: str | None = None,
    ) -> None:
        label = action_label(trigger, admin.t)
        card = await admin.until(
            lambda view: self._live_card(view, label), f"the card of {self.number} with [{label}]"
        )
        before = await self.complaint()
        since = admin.latest()
        await admin.press(card, label)
        if target is not None:
            await self._pick(admin, card, target)
        elif reason is not None or result is not None:
            done_label = admin.t.plain("admin.btn.done")
            await admin.expect_button(admin.t.plain("admin.btn.abort"), since=since)
            await admin.say(reason or result or "")
            if result is not None:
                asked = await admin.expect_button(done_label, since=since)
                await admin.user.send_photo(tiny_png(96, 64, (60, 60, 60)))
                taken = await admin.expect_button(done_label, since=asked.message_id)
                await admin.press(taken, done_label)
            confirm = await admin.expect_button(admin.t.plain("admin.btn.confirm"), since=since)
            await admin.press(confirm, admin.t.plain("admin.btn.confirm"))
        await self.until_state(then, f"{admin.name}'s {trigger}", after=before.version)

    def _live_card(self, view: ChatView, label: str) -> ChatMessage | None:
        prefix = f"📋 {self.number}"
        cards = [m for m in view.bot_messages() if (m.text or "").startswith(prefix) and m.button(label)]
        return cards[-1] if cards else None

    async def _pick(self, admin: Person, card: ChatMessage, target: str) -> None:
        """The picker asks about the likely target at once; another is one press away, or in the whole list
        ("Lainnya…", a page at a time). The picker asks about it by its full name, and ✅ sends it."""
        label = await self._org_label(target)
        yes = admin.t.plain("admin.btn.send_to", org=label)
        more = admin.t.plain("admin.btn.more")
        layouts_seen: set[tuple[str, ...]] = set()
        while True:
            picker = await admin.until(
                lambda view: _picker(view, card.message_id, layouts_seen), f"the picker with {label}"
            )
            layouts_seen.add(tuple(picker.button_texts))
            if picker.button(yes) is not None:
                await admin.press(picker, yes)
                return
            following = next((b["text"] for b in picker.buttons if b["text"].endswith("▶️")), None)
            step = label if picker.button(label) is not None else more if picker.button(more) else following
            if step is None:
                raise DemoFailed(f"{target} is not among {admin.name}'s choices")
            await admin.press(picker, step)

    # -- 7: the reporter receives and rates ---------------------------------------------------------------

    async def rate(self) -> ComplaintInfo:
        siti = self.reporter
        stars = f"{STARS}⭐"
        result = await siti.next(
            lambda m: RESULT in (m.text or "") and m.button(stars) is not None, "the result with its stars"
        )
        await siti.press(result, stars)
        await siti.expect(siti.said("result.comment.ask", stars="⭐" * STARS, number=self.number))
        await siti.say(COMMENT)
        await siti.expect(siti.said("result.comment.saved"))
        return await self.until_state(S.CLOSED, "the rating")

    # -- the database, to know each step took ------------------------------------------------------------

    async def complaint(self) -> ComplaintInfo:
        complaint = await self.services.complaints.by_tracking_number(self.number)
        if complaint is None:
            raise DemoFailed(f"{self.number} is not in the database")
        return complaint

    async def until_state(self, state: str, what: str, *, after: int = 0) -> ComplaintInfo:
        deadline = time.monotonic() + WAIT_S
        while True:
            complaint = await self.complaint()
            if complaint.state == state and complaint.version > after:
                return complaint
            if time.monotonic() > deadline:
                raise DemoFailed(f"{what} did not take: {self.number} is {complaint.state}, not {state}")
            await asyncio.sleep(0.02)

    async def _org_label(self, name: str) -> str:
        """What a picker's button says for the organisation named `name`."""
        for code in (CITY_CODE, SECOND_OPD_CODE, OPD_CODE):
            org = await self.services.directory.organisation_by_code(code)
            if org is not None and org.name == name:
                return org.label
        return name

    async def _org_name(self, code: str) -> str:
        org = await self.services.directory.organisation_by_code(code)
        if org is None:
            raise DemoFailed(f"the demo organisation {code} is missing")
        return org.name


def _picker(view: ChatView, message_id: int, layouts_seen: set[tuple[str, ...]]) -> ChatMessage | None:
    """The card once its buttons are a picker not yet looked at."""
    message = view.message(message_id)
    if message is None or not message.buttons:
        return None
    back = texts_for("id").plain("admin.btn.back")
    if message.button(back) is None:
        return None
    return None if tuple(message.button_texts) in layouts_seen else message


# -- the transcript ---------------------------------------------------------------------------------------


INDENT = " " * 8


def transcript(person: Person, clock: SandboxClock) -> str:
    """The chat oldest first, times in WIB. A message the person pressed shows as it was then, with what
    they pressed, and then what the bot's edit changed; any other message as it is now."""
    title = person.persona.label_id
    lines = [f"━━━ {person.name} — {title} " + "━" * max(3, 60 - len(person.name) - len(title))]
    day = None
    for message in person.user.messages():
        shown = to_wib(clock.at(datetime.fromtimestamp(message.date, UTC)))
        if shown.date() != day:
            day = shown.date()
            lines.append(f"  · {DAYS[day.weekday()]}, {day:%d-%m-%Y} ·")
        who = "LaporGub" if message.sender == "bot" else person.name
        seen, labels = person.pressed.get(message.message_id, (message, []))
        edited = " (edited)" if seen.edit_date else ""
        body = _content(seen).splitlines() or [""]
        lines.append(f"  {shown:%H:%M} {who}{edited}: {body[0]}")
        lines.extend(INDENT + line for line in body[1:])
        lines.extend(_keyboard(seen))
        if labels:
            lines.append(INDENT + "▶ pressed " + " → ".join(f"[{label}]" for label in labels))
            lines.extend(_edit(seen, message))
    return "\n".join(lines)


def _keyboard(message: ChatMessage) -> list[str]:
    return [INDENT + " ".join(f"[{b['text']}]" for b in row) for row in message.inline_keyboard or []]


def _edit(before: ChatMessage, after: ChatMessage) -> list[str]:
    """The lines the bot's edit added or changed, and the buttons left (if any)."""
    old, new = _content(before).splitlines(), _content(after).splitlines()
    added = [line[2:] for line in difflib.ndiff(old, new) if line.startswith("+ ") and line[2:].strip()]
    lines = [
        INDENT + ("✎ edited: " if index == 0 else "          ") + line for index, line in enumerate(added)
    ]
    if after.inline_keyboard != before.inline_keyboard:
        lines.extend(_keyboard(after) or [INDENT + "✎ buttons removed"])
    return lines


def _content(message: ChatMessage) -> str:
    media = message.media if isinstance(message.media, dict) else {}
    label = {
        "photo": "🖼 (foto)",
        "document": f"📄 ({media.get('file_name', 'dokumen')})",
        "location": f"📍 ({media.get('latitude', 0):.5f}, {media.get('longitude', 0):.5f})",
        "contact": f"👤 ({media.get('first_name', '')} {media.get('phone_number', '')})",
    }.get(message.kind)
    text = message.text or ""
    if label is None:
        return text if message.kind == "text" else f"({message.kind}) {text}".rstrip()
    return f"{label} {text}".rstrip()


def visible(rendered: str) -> str:
    """What a person reads of the bot's HTML (Telegram trims the ends)."""
    return html.unescape(re.sub(r"<[^>]*>", "", rendered)).strip()


def _short(text: str, limit: int = 80) -> str:
    line = text.replace("\n", " ")
    return line if len(line) <= limit else line[: limit - 1] + "…"


# -- running --------------------------------------------------------------------------------------------


async def to_next_morning(clock: SandboxClock) -> None:
    """The next working day at opening time, whatever day the demo runs on, so the transcript reads like a
    working morning. Then the real second turns, as after every jump (``Scenario.later``)."""
    now = to_wib(clock.now())
    day = clock.calendar.add_working_days(now.date(), 1)
    clock.advance(datetime(day.year, day.month, day.day, OPENING_HOUR, tzinfo=WIB) - now)
    await asyncio.sleep(1.0 - time.time() % 1.0 + 0.01)


async def run_demo(settings: Settings, out: Callable[[str], None] = print) -> ComplaintInfo:
    """Raises ``DemoFailed`` with the line to show when the complaint did not reach the reporter."""
    started = time.monotonic()
    demo_settings = settings.model_copy(update={"sender_per_chat_interval": DEMO_PER_CHAT_INTERVAL_S})
    clock = SandboxClock(calendar_from(demo_settings))
    with tempfile.TemporaryDirectory(prefix="laporgub-demo-") as folder:
        sandbox = Sandbox(
            demo_settings,
            port=0,
            database=Path(folder) / "demo.sqlite3",
            clock=clock,
            rate_limits=DEMO_RATE_LIMITS,
        )
        out(f"LaporGub demo: the sandbox at {await sandbox.start()} (a temporary database; nothing is kept)")
        try:
            scenario = Scenario(sandbox, out)
            await to_next_morning(clock)
            failure: DemoFailed | None = None
            closed: ComplaintInfo | None = None
            try:
                closed = await scenario.run()
            except DemoFailed as error:
                failure = error
            except Exception as error:  # a bug: still one line, with the details in the debug log
                log.debug("the demo crashed", exc_info=True)
                failure = DemoFailed(f"{type(error).__name__}: {error}")
            # What each person saw, also when a step failed: the transcript shows where it stopped.
            for person in scenario.cast:
                out("")
                out(transcript(person, clock))
            if failure is not None:
                raise failure
            assert closed is not None
            result_shown = any(RESULT in (m.text or "") for m in scenario.reporter.user.messages())
            if closed.rating != STARS or not result_shown:
                raise DemoFailed(
                    f"{scenario.number} closed, but rated {closed.rating}, result in her chat: {result_shown}"
                )
            out("")
            out(
                f"✅ {scenario.number} reached {scenario.reporter.name}: {closed.state}, rated "
                f"{closed.rating}⭐, the result in her chat ({time.monotonic() - started:.1f}s)"
            )
            return closed
        finally:
            await sandbox.stop()


def main(settings: Settings) -> int:
    # The transcript is the output: the bot's INFO log lines would bury it.
    root = logging.getLogger()
    level = root.level
    root.setLevel(max(logging.WARNING, level))
    try:
        asyncio.run(run_demo(settings, out=lambda line: print(line, flush=True)))
    except DemoFailed as failure:
        print(f"laporgub demo: FAILED: {failure}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    finally:
        root.setLevel(level)
    return 0
