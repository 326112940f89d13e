"""Filing with fewer presses: dates as people write them (and two buttons for the usual ones), a summary whose
one action comes first with the edits behind one button, and the whole journey of a returning reporter
counted against the press budget published in README."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.dev.local_api import ChatMessage, LocalBotApi
from storage import models
from storage.database import session_factory
from tests.conftest import World
from tests.e2e.chat import Reporter
from tests.e2e.conftest import RunningBot
from tests.e2e.scripts import edit_answer, open_edits

# A reporter with a saved identity, from /start to the tracking number: /start, "new complaint", "use my
# saved identity", the seven answers of the standard's complaint fields (subject, chronology, date, place,
# location, attachments, confidentiality: each one message or press), "send".
PRESS_BUDGET = 11
BOT_MESSAGES = 13
# Changing one answer from the summary: "✏️ Ubah", the answer's button, the new answer.
EDIT_BUDGET = 3
# Wednesday 25 November 2026 in the world's clock.
TODAY = date(2026, 11, 25)


class CountingReporter(Reporter):
    """A reporter whose every message and press is counted."""

    actions = 0

    async def send(self, text: str) -> ChatMessage:
        self.actions += 1
        return await super().send(text)

    async def command(self, command: str, args: str = "") -> ChatMessage:
        self.actions += 1
        return await super().command(command, args)

    async def press(self, message: ChatMessage, label_key: str, **values: object) -> None:
        self.actions += 1
        await super().press(message, label_key, **values)

    async def press_text(self, message: ChatMessage, text: str) -> None:
        self.actions += 1
        await super().press_text(message, text)

    async def press_reply(self, label_key: str) -> ChatMessage:
        self.actions += 1
        return await super().press_reply(label_key)


async def start_with_saved_identity(rina: Reporter) -> None:
    await rina.command("/start")
    menu = await rina.expect_key("welcome")
    await rina.press(menu, "btn.menu.new")
    offer = await rina.expect_starting(
        rina.said("identity.saved", name="", nik="", phone="", address="")[:10]
    )
    await rina.press(offer, "btn.identity.use")


async def to_the_date(rina: Reporter) -> ChatMessage:
    await rina.expect_prompt("subject", 1, 7)
    await rina.send("Lampu jalan mati")
    await rina.expect_prompt("chronology", 2, 7)
    await rina.send("Sudah seminggu lampu di depan masjid mati.")
    return await rina.expect_prompt("event_date", 3, 7)


async def after_the_date(rina: Reporter) -> ChatMessage:
    """From the place to the summary, the quickest way: skip what is optional."""
    await rina.expect_prompt("event_place", 4, 7)
    await rina.send("Jl. Merdeka, Pekalongan Utara")
    await rina.expect_prompt("location", 5, 7)
    await rina.press_reply("btn.skip")
    skip = await rina.expect_prompt("attachments", 6, 7)
    await rina.press(skip, "btn.attachments.skip")
    choice = await rina.expect_prompt("confidential", 7, 7)
    await rina.press(choice, "btn.no_confidential")
    return await rina.expect_starting(rina.said("summary.title"))


async def test_a_returning_reporter_files_within_the_press_budget(
    running_bot: RunningBot, local_api: LocalBotApi, world: World, clean_engine: AsyncEngine
) -> None:
    assert world.reporter.telegram_id is not None
    rina = CountingReporter(local_api.user(world.reporter.telegram_id, "Rina"))
    await start_with_saved_identity(rina)
    prompt = await to_the_date(rina)
    await rina.press(prompt, "btn.date.today")
    summary = await after_the_date(rina)
    # The one action first, alone on its row; the edits behind one button, beside Cancel.
    assert summary.inline_keyboard is not None
    assert [[b["text"] for b in row] for row in summary.inline_keyboard] == [
        [rina.t.plain("btn.submit")],
        [rina.t.plain("btn.summary.edit"), rina.t.plain("btn.cancel")],
    ]
    await rina.press(summary, "btn.submit")
    await rina.expect_starting(rina.said("submitted", number="X", deadline="Y").split("\n")[0])

    assert rina.actions == PRESS_BUDGET
    # What the bot sends meanwhile: the welcome, the filing intro, the saved identity, the seven questions,
    # the note that takes the location's reply keyboard down, the summary, the number.
    assert len(rina.user.chat().bot_messages()) == BOT_MESSAGES
    async with session_factory(clean_engine)() as session:
        filed = await session.scalar(
            select(models.Complaint).where(models.Complaint.subject == "Lampu jalan mati")
        )
        assert filed is not None
        assert filed.event_date == TODAY


async def test_dates_as_people_write_them_and_the_edits_behind_one_button(
    running_bot: RunningBot, local_api: LocalBotApi, world: World, clean_engine: AsyncEngine
) -> None:
    assert world.reporter.telegram_id is not None
    rina = CountingReporter(local_api.user(world.reporter.telegram_id, "Rina"))
    await start_with_saved_identity(rina)
    await to_the_date(rina)
    # Later than today (WIB) is refused, whatever the form; a word is taken.
    await rina.send("4 Desember 2026")
    await rina.expect_key("bad.event_date.future", today=rina.t.date(TODAY))
    await rina.send("kemarin")
    summary = await after_the_date(rina)
    assert rina.t.date(date(2026, 11, 24)) in (summary.text or "")

    # "✏️ Ubah" turns the summary's buttons into the list of answers, with a way back.
    edits = await open_edits(rina, summary)
    assert edits.message_id == summary.message_id
    assert rina.t.plain("btn.edit", label=rina.t.plain("label.event_date")) in edits.button_texts
    assert edits.button_texts[-1] == rina.t.plain("btn.summary.back")
    await rina.press(edits, "btn.summary.back")
    await rina.user.wait_until(
        lambda view: (
            (view.message(summary.message_id) or summary).button_texts[0] == rina.t.plain("btn.submit")
        )
    )

    # The date again, in the bot's own words for it, and in English; then with the "Yesterday" button.
    for typed, meant in (
        ("Senin, 23 November 2026", date(2026, 11, 23)),
        ("November 22, 2026", date(2026, 11, 22)),
        ("21 Nov 2026", date(2026, 11, 21)),
    ):
        before = rina.actions
        await edit_answer(rina, summary, "event_date")
        await rina.expect_prompt("event_date", 3, 7)
        await rina.send(typed)
        summary = await rina.expect_starting(rina.said("summary.title"))
        assert rina.t.date(meant) in (summary.text or ""), typed
        assert rina.actions - before == EDIT_BUDGET
    await edit_answer(rina, summary, "event_date")
    prompt = await rina.expect_prompt("event_date", 3, 7)
    await rina.press(prompt, "btn.date.yesterday")
    summary = await rina.expect_starting(rina.said("summary.title"))
    await rina.press(summary, "btn.submit")
    await rina.expect_starting(rina.said("submitted", number="X", deadline="Y").split("\n")[0])
    async with session_factory(clean_engine)() as session:
        filed = await session.scalar(
            select(models.Complaint).where(models.Complaint.subject == "Lampu jalan mati")
        )
        assert filed is not None
        assert filed.event_date == date(2026, 11, 24)
    assert local_api.requests(ok=False) == []
