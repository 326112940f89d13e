"""Scripted conversations the tests share: a reporter filing a complaint from /start to its number."""

from __future__ import annotations

from dataclasses import dataclass

from bot.dev.local_api import ChatMessage, tiny_png
from bot.dev.local_api.chat_view import ChatView
from tests.e2e.chat import Reporter


@dataclass(frozen=True)
class Answers:
    full_name: str = "Siti Aminah"
    nik: str = "3375014507900002"
    phone: str | None = None  # None: share the contact with the button
    address: str = "Jl. Sriwijaya No. 12, Pekalongan Barat"
    subject: str = "Jalan berlubang di Jl. Hayam Wuruk"
    chronology: str = "Sejak dua minggu lalu ada lubang besar di depan toko batik dekat perempatan."
    event_date: str = "20-11-2026"
    event_place: str = "Jl. Hayam Wuruk, Pekalongan Timur"
    share_location: bool = True
    photos: int = 2
    confidential: bool = False


async def start_filing(reporter: Reporter) -> None:
    await reporter.command("/start")
    menu = await reporter.expect_key("welcome")
    await reporter.press(menu, "btn.menu.new")
    await reporter.expect_key("filing.intro")


async def answer_identity(reporter: Reporter, answers: Answers) -> None:
    await reporter.expect_prompt("full_name", 1)
    await reporter.send(answers.full_name)
    await reporter.expect_prompt("nik", 2)
    await reporter.send(answers.nik)
    await reporter.expect_prompt("phone", 3)
    if answers.phone is None:
        await reporter.press_reply("btn.share_contact")
    else:
        await reporter.send(answers.phone)
    await reporter.expect_prompt("address", 4)
    await reporter.send(answers.address)


async def answer_complaint(
    reporter: Reporter, answers: Answers, first: int = 5, total: int = 11
) -> ChatMessage:
    """From the subject to the summary; returns the summary message."""
    step = first
    await reporter.expect_prompt("subject", step, total)
    await reporter.send(answers.subject)
    await reporter.expect_prompt("chronology", step + 1, total)
    await reporter.send(answers.chronology)
    await reporter.expect_prompt("event_date", step + 2, total)
    await reporter.send(answers.event_date)
    await reporter.expect_prompt("event_place", step + 3, total)
    await reporter.send(answers.event_place)
    await reporter.expect_prompt("location", step + 4, total)
    if answers.share_location:
        await reporter.press_reply("btn.share_location")
    else:
        await reporter.press_reply("btn.skip")
    await reporter.expect_key("ack.saved")
    attachments_prompt = await reporter.expect_prompt("attachments", step + 5, total)
    last = attachments_prompt
    for index in range(answers.photos):
        await reporter.user.send_photo(tiny_png(8 + index, 6))
        last = await reporter.expect_key("attachment.added", count=index + 1, max=5)
    await reporter.press(last, "btn.attachments.done" if answers.photos else "btn.attachments.skip")
    choice = await reporter.expect_prompt("confidential", step + 6, total)
    await reporter.press(choice, "btn.yes_confidential" if answers.confidential else "btn.no_confidential")
    return await reporter.expect_starting(reporter.said("summary.title"))


async def submit(reporter: Reporter, summary: ChatMessage) -> ChatMessage:
    await reporter.press(summary, "btn.submit")
    return await reporter.expect_starting(reporter.said("submitted", number="X", deadline="Y").split("\n")[0])


async def file_complaint(reporter: Reporter, answers: Answers | None = None) -> ChatMessage:
    """A first-time reporter files from /start; returns the bot's confirmation."""
    answers = answers or Answers()
    await start_filing(reporter)
    await answer_identity(reporter, answers)
    summary = await answer_complaint(reporter, answers)
    return await submit(reporter, summary)


async def open_edits(reporter: Reporter, summary: ChatMessage) -> ChatMessage:
    """Press the summary's "✏️ Ubah": the same message now lists a button per answer."""
    await reporter.press(summary, "btn.summary.edit")
    back = reporter.t.plain("btn.summary.back")

    def edited(view: ChatView) -> bool:
        message = view.message(summary.message_id)
        return message is not None and message.button(back) is not None

    view = await reporter.user.wait_until(edited)
    message = view.message(summary.message_id)
    assert message is not None
    return message


async def edit_answer(reporter: Reporter, summary: ChatMessage, field: str) -> None:
    """From the summary, change one answer: "✏️ Ubah", then that answer's button."""
    edits = await open_edits(reporter, summary)
    await reporter.press_text(edits, reporter.t.plain("btn.edit", label=reporter.t.plain(f"label.{field}")))
