"""An officer at the counter: recording a complaint for a citizen through the bot, and the bot as it runs
with a service office configured for the test tree (`KOTA-PKL`)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from functools import partial
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app.factory import create_dispatcher
from bot.app.settings import Mode
from bot.dev.local_api import ChatMessage, LocalBotApi
from bot.handlers.officer_recording import FORMS, WORDS
from bot.ui.service_desk import STANDARD, ServiceDesk
from bot.ui.validation import MAX_FILE_BYTES
from storage.relays import save_offline_reporter
from storage.views import ComplaintInfo, ReporterInfo
from tests.conftest import World, draft_for
from tests.e2e import conftest as e2e
from tests.e2e.chat import Reporter
from tests.e2e.scripts import Answers
from workflow.channels import EXTERNAL_SYSTEM_NAMES, Channel, ExternalSystem
from workflow.complaint import MAX_ATTACHMENTS, MAX_CHRONOLOGY_LENGTH, MAX_SUBJECT_LENGTH
from workflow.definitions import ComplaintKind
from workflow.identity import Identity

TEST_DESK: ServiceDesk = replace(STANDARD, office_code="KOTA-PKL", phones=("(0285) 999001",))
CITIZEN = Answers(
    full_name="Karsinah",
    nik="3375014507900003",
    phone="081234561234",
    address="Jl. Merdeka No. 3, Pekalongan Utara",
    photos=0,
    share_location=False,
)


@pytest.fixture
async def desk_bot(
    local_api: LocalBotApi,
    clean_engine: AsyncEngine,
    world: World,
    mode: Mode,
    monkeypatch: pytest.MonkeyPatch,
) -> AsyncIterator[e2e.RunningBot]:
    """The bot with its outbox sender, its service complaints going to the test tree's Dinkominfo."""
    monkeypatch.setattr(e2e, "create_dispatcher", partial(create_dispatcher, service_desk=TEST_DESK))
    running = e2e.RunningBot(local_api, clean_engine, world, mode, notify=True)
    await running.start()
    yield running
    await running.stop()


async def record(officer: Reporter, **choices: Any) -> ChatMessage:
    """The officer records a complaint from /catat to the confirmation with its tracking number; `choices`
    are `recorded_summary`'s."""
    return await submit_recording(officer, await recorded_summary(officer, **choices))


async def recorded_summary(
    officer: Reporter,
    *,
    kind: ComplaintKind = ComplaintKind.LAPORGUB,
    channel: Channel | None = None,
    system: ExternalSystem | None = None,
    number: str = "",
    contact: str = "081234561234",
    answers: Answers = CITIZEN,
) -> ChatMessage:
    """The officer's recording from /catat to its summary, not submitted yet."""
    await officer.command("/catat")
    choice = await officer.expect_key("officer.kind.ask")
    await officer.press(choice, f"officer.btn.kind.{kind}")
    channels = await officer.expect_key("officer.channel.ask")
    if system is not None:
        name = EXTERNAL_SYSTEM_NAMES[system]
        await officer.press(channels, "officer.btn.system", system=name)
        await officer.expect_key("officer.external.ask", system=name)
        await officer.send(number)
        # The reference is kept beside the channel: how it reached the office is asked next.
        channels = await officer.expect_key("officer.channel.after_reference", system=name, number=number)
    assert channel is not None
    await officer.press(channels, f"admin.channel.{channel}")
    await officer.expect_key("officer.contact.ask")
    await officer.send(contact)
    # A phone typed as the contact is not asked again.
    is_phone = contact.startswith("+") or contact[:1].isdigit()
    form = [name for name in FORMS[kind] if not (name == "phone" and is_phone)]
    return await answer_form(officer, answers, form, WORDS[kind])


async def offline_complaint(world: World) -> tuple[ReporterInfo, ComplaintInfo]:
    """A complaint an officer recorded by telephone for Siti, who is not on Telegram (phone ending 1234)."""
    citizen = await save_offline_reporter(
        world.complaints.sessions,
        identity=Identity("Siti Aminah", "3375014507900003", "+6281234561234", "Jl. Merdeka No. 3"),
        contact="+6281234561234",
        contact_channel=Channel.TELEPHONE,
    )
    complaint = await world.complaints.submit(
        draft_for(citizen, channel=Channel.TELEPHONE), world.actor("officer")
    )
    return citizen, complaint


async def submit_recording(officer: Reporter, summary: ChatMessage) -> ChatMessage:
    """The summary's submit: the confirmation with the tracking number."""
    await officer.press(summary, "btn.submit")
    head = officer.said("officer.recorded", number="@", channel="", name="", contact="").split("@")[0]
    return await officer.expect_starting(head)


def form_prompt(chat: Reporter, words: list[str], name: str, step: int, total: int) -> str:
    """A prompt of a form of its own: its key looked up under the form's words first, as the bot does."""
    key = next(
        (f"{prefix}ask.{name}" for prefix in (*words, "") if f"{prefix}ask.{name}" in chat.t.table),
        f"ask.{name}",
    )
    return chat.said(
        key,
        step=step,
        total=total,
        limit={"subject": MAX_SUBJECT_LENGTH, "chronology": MAX_CHRONOLOGY_LENGTH}.get(name, ""),
        max=MAX_ATTACHMENTS,
        size_mb=MAX_FILE_BYTES // (1024 * 1024),
    )


async def answer_form(
    chat: Reporter, answers: Answers, form: list[str], words: list[str], first: int = 1
) -> ChatMessage:
    """Answer each step of a form of its own, `first` being the number of its first step; the summary."""
    total = first - 1 + len(form)
    for step, name in enumerate(form, first):
        prompt = await chat.expect(form_prompt(chat, words, name, step, total))
        if name == "attachments":
            await chat.press(prompt, "btn.attachments.skip")
        elif name == "confidential":
            choice = "btn.yes_confidential" if answers.confidential else "btn.no_confidential"
            await chat.press(prompt, choice)
        else:
            value = getattr(answers, name)
            assert value is not None, name
            await chat.send(value)
    return await chat.expect_starting(chat.said("summary.title"))


def inputs_in(chat: Reporter) -> int:
    """Everything the person has typed, sent or pressed in this chat so far."""
    view = chat.user.chat()
    return len([m for m in view.messages if m.sender == "user"]) + len(view.toasts)


def tracking_number_in(message: ChatMessage) -> str:
    text = message.text or ""
    return next(word.strip(" .,():") for word in text.split() if word.startswith(("LG-", "PL-")))
