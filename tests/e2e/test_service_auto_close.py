"""A complaint about the service whose complainant never answers the officer's response, through the local
Bot API server (polling and webhook, SQLite and PostgreSQL): the days pass, the complainant is reminded with
the answer buttons on the last working day, and at the next opening the response is taken as the solution;
they are told in Bahasa Indonesia, and the buttons they left unpressed no longer act."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from functools import partial

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app.factory import create_dispatcher
from bot.app.settings import Mode
from bot.dev.local_api import ChatMessage, LocalBotApi
from bot.handlers.service import FORM as SERVICE_FORM
from bot.notices.notifier import Notifier
from storage import models
from storage.database import session_factory
from storage.scheduler import answer_reminder_at, run_scheduler_once
from storage.views import ComplaintInfo
from tests.conftest import World
from tests.e2e import conftest as e2e
from tests.e2e.chat import Reporter, visible
from tests.e2e.notifications import AdminChat, delivered, notifier_for
from tests.e2e.officer_desk import TEST_DESK, answer_form, record, tracking_number_in
from tests.e2e.scripts import Answers
from workflow.actors import Role
from workflow.calendar import WorkingCalendar
from workflow.channels import Channel
from workflow.definitions import SS, ST, ComplaintKind
from workflow.sla import AUTO_CLOSE_WORKING_DAYS, auto_close_at

CALENDAR = WorkingCalendar()
WAIT_S = 15.0
GRIEVANCE = Answers(
    subject="Email pengaduan saya tidak dibalas",
    chronology="Sudah tiga kali saya mengirim email ke kantor Dinkominfo dan belum ada balasan.",
    event_place="Kantor Dinkominfo, Jl. Mataram No. 5",
    photos=0,
    share_location=False,
)
CALLER = Answers(
    full_name="Karsinah",
    nik="3375014507900003",
    phone="081234561234",
    address="Jl. Merdeka No. 3, Pekalongan Utara",
    subject="Telepon pengaduan tidak diangkat",
    chronology="Saya menelepon kantor tiga hari berturut-turut dan tidak ada yang mengangkat.",
    event_place="Kantor Dinkominfo, Jl. Mataram No. 5",
    photos=0,
    share_location=False,
)
RESPONSE = "Mohon maaf, email Anda sudah kami balas hari ini; silakan periksa folder spam."


@pytest.fixture
async def silent_desk(
    local_api: LocalBotApi,
    clean_engine: AsyncEngine,
    world: World,
    mode: Mode,
    monkeypatch: pytest.MonkeyPatch,
) -> AsyncIterator[Notifier]:
    """The bot with service complaints going to the test tree's Dinkominfo, and an outbox sender that
    judges what is due by the test's clock, so that notices written after a jump of days go out."""
    monkeypatch.setattr(e2e, "create_dispatcher", partial(create_dispatcher, service_desk=TEST_DESK))
    running = e2e.RunningBot(local_api, clean_engine, world, mode)
    await running.start()
    notifier = notifier_for(local_api, clean_engine, world, outbox_clock=world.clock)
    notifier.start()
    yield notifier
    await notifier.stop()
    await running.stop()


async def _card(chat: AdminChat, number: str) -> ChatMessage:
    deadline = time.monotonic() + WAIT_S
    while (card := chat.live_card(number)) is None:
        assert time.monotonic() < deadline, f"no card of {number} for {chat.admin.full_name}"
        await asyncio.sleep(0.02)
    return card


async def _files_and_gets_a_response(world: World, api: LocalBotApi) -> tuple[Reporter, ComplaintInfo]:
    """The world's reporter files a service complaint from the menu; the officer responds from their card."""
    officer = AdminChat(api, world.admins["officer"])
    await officer.command("/start")
    await officer.next_where(lambda _: True, "the officer's menu")
    assert world.reporter.telegram_id is not None
    reporter = Reporter(api.user(world.reporter.telegram_id, world.reporter.full_name))
    await reporter.command("/start")
    await reporter.press(await reporter.expect_key("welcome"), "btn.menu.service")
    await reporter.expect_key("service.intro")
    await reporter.press(await reporter.next_where(lambda m: bool(m.buttons), "identity"), "btn.identity.use")
    summary = await answer_form(reporter, GRIEVANCE, list(SERVICE_FORM[4:]), ["service."])
    await reporter.press(summary, "btn.submit")
    done = await reporter.expect_starting(
        visible(reporter.t("service.submitted", number="@", office="")).split("@")[0]
    )
    complaint = await world.complaints.by_tracking_number(tracking_number_in(done))
    assert complaint is not None
    await officer.act(await _card(officer, complaint.tracking_number), ST.RESPOND, result=RESPONSE)
    return reporter, complaint


async def _relay_with_delivered_button(officer: AdminChat, says: str) -> ChatMessage:
    """The officer's relay task that carries `says` (whenever it came: acting reads past it)."""
    button = officer.t.plain("relay.btn.delivered")
    deadline = time.monotonic() + WAIT_S
    while True:
        for message in officer.user.messages():
            if says in (message.text or "") and button in message.button_texts:
                return message
        assert time.monotonic() < deadline, "no relay task"
        await asyncio.sleep(0.02)


async def _relays_delivered(world: World, complaint_id: int) -> None:
    deadline = time.monotonic() + WAIT_S
    async with world.complaints.sessions() as session:
        while await session.scalar(
            select(func.count()).where(
                models.Relay.complaint_id == complaint_id, models.Relay.delivered_at.is_(None)
            )
        ):
            assert time.monotonic() < deadline, "the relays were not marked delivered"
            await asyncio.sleep(0.02)


async def _alert(person: Reporter) -> str:
    """The next callback answer that says something (the filing's plain acknowledgements are skipped)."""
    while not (text := str((await person.user.wait_for_toast(timeout=WAIT_S))["text"])):
        pass
    return text


async def _run_scheduler_at(world: World, engine: AsyncEngine, moment: datetime) -> None:
    """The clock jumps to `moment`; the scheduler looks, and the sender delivers what it wrote."""
    world.clock.now = moment.astimezone(UTC)
    await run_scheduler_once(session_factory(engine), CALENDAR, world.clock)
    await delivered(engine, None)


@pytest.mark.usefixtures("silent_desk")
async def test_a_silent_complainant_is_reminded_then_told_in_indonesian_that_it_closed_as_solved(
    local_api: LocalBotApi, clean_engine: AsyncEngine, world: World
) -> None:
    reporter, complaint = await _files_and_gets_a_response(world, local_api)
    response = await reporter.next_where(lambda m: RESPONSE in (m.text or "") and bool(m.buttons), "response")
    # The complainant reads it and says nothing.
    responded_at = (await world.complaints.history(complaint.id))[-1].at
    remind_at = answer_reminder_at(responded_at, CALENDAR, AUTO_CLOSE_WORKING_DAYS)
    close_at = auto_close_at(responded_at, CALENDAR, AUTO_CLOSE_WORKING_DAYS)
    number, subject = complaint.tracking_number, GRIEVANCE.subject

    await _run_scheduler_at(world, clean_engine, remind_at)
    told = reporter.t(
        "reminder.service_answer_reminder", number=number, subject=subject, close=reporter.t.moment(close_at)
    )
    reminder = await reporter.expect(visible(told + reporter.t("service.answer.ask")))
    assert reminder.button_texts == [
        reporter.t.plain("service.btn.solved"),
        reporter.t.plain("service.btn.not_solved"),
    ]
    assert (await world.complaints.get(complaint.id)).state == SS.RESPONDED  # type: ignore[union-attr]

    await _run_scheduler_at(world, clean_engine, close_at)
    await reporter.expect_key("service.auto_close", number=number, subject=subject)
    closed = await world.complaints.get(complaint.id)
    assert closed is not None
    assert closed.state == SS.SOLVED
    trail = [(event.trigger, event.actor_role) for event in await world.complaints.history(complaint.id)]
    assert trail == [(ST.RECORD, Role.REPORTER), (ST.RESPOND, Role.OFFICER), (ST.AUTO_CLOSE, Role.SYSTEM)]

    # The buttons left on the response and on the reminder are refused, not acted on.
    for unanswered in (response, reminder):
        await reporter.press(unanswered, "service.btn.not_solved")
        assert await _alert(reporter) == reporter.t.plain("service.answer.stale")
    assert (await world.complaints.get(complaint.id)).state == SS.SOLVED  # type: ignore[union-attr]
    assert len(reporter.bot_texts()) == len(set(reporter.bot_texts()))  # nothing came twice


async def test_a_silent_caller_is_closed_for_only_after_the_relay_and_the_officer_passes_the_closing_on(
    local_api: LocalBotApi, clean_engine: AsyncEngine, world: World, silent_desk: Notifier
) -> None:
    """A complainant off Telegram: the officer relays the response, nobody answers for the caller, and the
    closing comes to the officer as the same words the complainant on Telegram reads."""
    officer = AdminChat(local_api, world.admins["officer"])
    await officer.command("/start")
    await officer.next_where(lambda _: True, "the officer's menu")
    call = await record(officer, kind=ComplaintKind.SERVICE, channel=Channel.TELEPHONE, answers=CALLER)
    complaint = await world.complaints.by_tracking_number(tracking_number_in(call))
    assert complaint is not None
    await officer.act(await _card(officer, complaint.tracking_number), ST.RESPOND, result=RESPONSE)
    relay = await _relay_with_delivered_button(officer, RESPONSE)
    responded_at = (await world.complaints.history(complaint.id))[-1].at
    close_at = auto_close_at(responded_at, CALENDAR, AUTO_CLOSE_WORKING_DAYS)

    await _run_scheduler_at(world, clean_engine, close_at)
    # Not closed for a caller who may not have heard the response yet.
    assert (await world.complaints.get(complaint.id)).state == SS.RESPONDED  # type: ignore[union-attr]

    # The officer told the caller of the recording and of the response.
    recorded = await _relay_with_delivered_button(officer, CALLER.subject)
    for task in (recorded, relay):
        await officer.press(task, "relay.btn.delivered")
    await _relays_delivered(world, complaint.id)
    await _run_scheduler_at(world, clean_engine, close_at)
    closing = officer.t("service.auto_close", number=complaint.tracking_number, subject=CALLER.subject)
    await officer.next_where(lambda m: visible(closing) in (m.text or ""), "the relay of the closing")
    closed = await world.complaints.get(complaint.id)
    assert closed is not None
    assert closed.state == SS.SOLVED
