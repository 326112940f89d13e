"""Complaints about the service itself (Pengaduan Layanan) through the local Bot API server, polling and
webhook, SQLite and PostgreSQL: the officer responds, the complainant says solved or not, and "not solved"
or the officer's own escalation takes it to the complaints official, who resolves it. /kontak shows the
configured channels."""

from __future__ import annotations

import asyncio
import time

import pytest

from bot.dev.local_api import ChatMessage, LocalBotApi
from bot.handlers.service import FORM as SERVICE_FORM
from storage.relays import Relays
from storage.views import ComplaintInfo
from tests.conftest import World
from tests.e2e.chat import Reporter, visible
from tests.e2e.notifications import AdminChat
from tests.e2e.officer_desk import TEST_DESK, answer_form, desk_bot, record, tracking_number_in
from tests.e2e.scripts import Answers
from workflow.actors import Role
from workflow.channels import Channel
from workflow.definitions import SS, ST, ComplaintKind

__all__ = ["desk_bot"]  # the fixture, used by name below

WAIT_S = 15.0
GRIEVANCE = Answers(
    subject="Petugas tidak menanggapi laporan saya",
    chronology="Laporan saya sudah seminggu tanpa kabar, telepon kantor tidak diangkat.",
    event_place="Kantor Dinkominfo, Jl. Mataram No. 5",
    photos=0,
    share_location=False,
)
RESPONSE = "Mohon maaf, laporan Anda sudah kami teruskan dan petugas akan menghubungi Anda hari ini."
RESOLUTION = "Pejabat pengaduan sudah menelepon Anda dan laporan Anda diproses ulang."


async def _desk(api: LocalBotApi, world: World, seat: str) -> AdminChat:
    """An officer's or the official's chat, opened (a bot cannot write first)."""
    chat = AdminChat(api, world.admins[seat])
    await chat.command("/start")
    await chat.next_where(lambda _: True, "the admin menu")
    return chat


async def _files_service_complaint(world: World, api: LocalBotApi) -> tuple[Reporter, ComplaintInfo]:
    """The world's reporter (identity saved) files a service complaint from the main menu; the officer and
    the official have opened the bot."""
    await _desk(api, world, "officer")
    await _desk(api, world, "official")
    assert world.reporter.telegram_id is not None
    reporter = Reporter(api.user(world.reporter.telegram_id, world.reporter.full_name))
    await reporter.command("/start")
    menu = await reporter.expect_key("welcome")
    await reporter.press(menu, "btn.menu.service")
    await reporter.expect_key("service.intro")
    choice = await reporter.next_where(lambda m: bool(m.buttons), "the saved identity")
    await reporter.press(choice, "btn.identity.use")
    # The service complaint's own form, in its own words: no location, no confidentiality from an agency.
    summary = await answer_form(reporter, GRIEVANCE, list(SERVICE_FORM[4:]), ["service."])
    await reporter.press(summary, "btn.submit")
    done = await reporter.expect_starting(
        visible(reporter.t("service.submitted", number="@", office="")).split("@")[0]
    )
    complaint = await world.complaints.by_tracking_number(tracking_number_in(done))
    assert complaint is not None
    return reporter, complaint


async def _card(chat: AdminChat, number: str) -> ChatMessage:
    """The live card of `number` the outbox brings to this admin."""
    deadline = time.monotonic() + WAIT_S
    while (card := chat.live_card(number)) is None:
        assert time.monotonic() < deadline, f"no card of {number} for {chat.admin.full_name}"
        await asyncio.sleep(0.02)
    return card


async def _moved(world: World, complaint: ComplaintInfo, state: str) -> ComplaintInfo:
    deadline = time.monotonic() + WAIT_S
    while True:
        current = await world.complaints.get(complaint.id)
        assert current is not None
        if current.state == state:
            return current
        assert time.monotonic() < deadline, f"{complaint.tracking_number} stayed {current.state}"
        await asyncio.sleep(0.02)


async def _trail(world: World, complaint: ComplaintInfo) -> list[tuple[str, Role]]:
    return [(event.trigger, event.actor_role) for event in await world.complaints.history(complaint.id)]


@pytest.mark.usefixtures("desk_bot")
async def test_a_reporter_files_a_service_complaint_the_officer_responds_and_it_is_solved(
    local_api: LocalBotApi, world: World
) -> None:
    reporter, complaint = await _files_service_complaint(world, local_api)
    assert complaint.kind is ComplaintKind.SERVICE
    assert complaint.tracking_number.startswith("PL-")
    assert (complaint.state, complaint.current_org_id) == (SS.RECORDED, world.orgs["KOTA-PKL"].id)

    officer = AdminChat(local_api, world.admins["officer"])
    await officer.act(await _card(officer, complaint.tracking_number), ST.RESPOND, result=RESPONSE)
    await _moved(world, complaint, SS.RESPONDED)

    response = await reporter.next_where(lambda m: RESPONSE in (m.text or "") and bool(m.buttons), "response")
    await reporter.press(response, "service.btn.solved")
    await reporter.expect_key("service.solved", number=complaint.tracking_number)
    await _moved(world, complaint, SS.SOLVED)
    assert await _trail(world, complaint) == [
        (ST.RECORD, Role.REPORTER),
        (ST.RESPOND, Role.OFFICER),
        (ST.CONFIRM_SOLVED, Role.REPORTER),
    ]
    official = AdminChat(local_api, world.admins["official"])
    assert official.cards(complaint.tracking_number) == []


@pytest.mark.usefixtures("desk_bot")
async def test_not_solved_goes_to_the_official_who_resolves_it(local_api: LocalBotApi, world: World) -> None:
    reporter, complaint = await _files_service_complaint(world, local_api)
    officer = AdminChat(local_api, world.admins["officer"])
    await officer.act(await _card(officer, complaint.tracking_number), ST.RESPOND, result=RESPONSE)
    # The officer was asked for a response, not for an agency's follow-up result.
    asked = [text for text in officer.bot_texts() if text.startswith("📝")]
    assert asked
    assert "tanggapan" in asked[-1]
    assert "hasil tindak lanjut" not in asked[-1]
    response = await reporter.next_where(lambda m: RESPONSE in (m.text or "") and bool(m.buttons), "response")
    await reporter.press(response, "service.btn.not_solved")
    await reporter.expect_key("service.not_solved.ask", max=1000)
    await reporter.send("Belum ada yang menghubungi saya.")
    await reporter.expect_key("service.escalated", number=complaint.tracking_number)
    await _moved(world, complaint, SS.ESCALATED)

    official = AdminChat(local_api, world.admins["official"])
    card = await _card(official, complaint.tracking_number)
    assert "Belum ada yang menghubungi saya." in (card.text or "")  # the reason, on the official's card
    # In a service complaint's words: the complainant's "not solved" under its own heading, the response
    # as a response; nothing was "sent back", and no agency followed anything up.
    text = card.text or ""
    assert visible(official.t("admin.card.history.service")) in text
    assert "↩️" not in text  # the compact card's mark of a return
    assert f" — {official.t.plain('admin.card.by_complainant')}, " in text
    assert visible(official.t("admin.card.result.service", result=RESPONSE)) in text
    assert "tindak lanjut" not in text
    await official.act(card, ST.RESOLVE, result=RESOLUTION)
    await _moved(world, complaint, SS.RESOLVED)
    await reporter.next_where(lambda m: RESOLUTION in (m.text or ""), "the official's resolution")
    trail = await _trail(world, complaint)
    assert trail == [
        (ST.RECORD, Role.REPORTER),
        (ST.RESPOND, Role.OFFICER),
        (ST.NOT_SOLVED, Role.REPORTER),
        (ST.RESOLVE, Role.OFFICIAL),
    ]
    history = await world.complaints.history(complaint.id)
    assert history[2].reason == "Belum ada yang menghubungi saya."


@pytest.mark.usefixtures("desk_bot")
async def test_an_officer_records_one_from_the_counter_and_escalates_it_and_answers_for_a_caller(
    local_api: LocalBotApi, world: World
) -> None:
    officer = await _desk(local_api, world, "officer")
    official = await _desk(local_api, world, "official")
    counter = await record(
        officer, kind=ComplaintKind.SERVICE, channel=Channel.DIRECT, answers=GRIEVANCE_AT_DESK
    )
    walk_in = await world.complaints.by_tracking_number(tracking_number_in(counter))
    assert walk_in is not None
    assert (walk_in.kind, walk_in.channel, walk_in.state) == (
        ComplaintKind.SERVICE,
        Channel.DIRECT,
        SS.RECORDED,
    )
    # The officer cannot solve it: their own escalation takes it to the official.
    await officer.act(
        await _card(officer, walk_in.tracking_number), ST.ESCALATE, reason="Perlu keputusan pejabat."
    )
    await official.act(await _card(official, walk_in.tracking_number), ST.RESOLVE, result=RESOLUTION)
    await _moved(world, walk_in, SS.RESOLVED)
    # The resolution is for someone not on Telegram: a task for the officer to pass on.
    await officer.next_where(
        lambda m: (
            walk_in.tracking_number in (m.text or "") and RESOLUTION in (m.text or "") and bool(m.buttons)
        ),
        "the relay of the resolution",
    )
    assert await _trail(world, walk_in) == [
        (ST.RECORD, Role.OFFICER),
        (ST.ESCALATE, Role.OFFICER),
        (ST.RESOLVE, Role.OFFICIAL),
    ]

    # A caller: the officer responds, passes the response on, and records that it solved their problem.
    call = await record(
        officer, kind=ComplaintKind.SERVICE, channel=Channel.TELEPHONE, answers=GRIEVANCE_AT_DESK
    )
    caller = await world.complaints.by_tracking_number(tracking_number_in(call))
    assert caller is not None
    await officer.act(await _card(officer, caller.tracking_number), ST.RESPOND, result=RESPONSE)
    answer_card = await officer.next_where(
        lambda m: (
            (m.text or "").startswith(f"📋 {caller.tracking_number}")
            and officer.t.plain("admin.btn.confirm_solved") in m.button_texts
        ),
        "the card to answer for the caller",
    )
    await officer.press_action(answer_card, ST.CONFIRM_SOLVED)
    await _moved(world, caller, SS.SOLVED)
    assert (await _trail(world, caller))[-1] == (ST.CONFIRM_SOLVED, Role.OFFICER)
    # Answering for the caller is having told them: the response's task needs no "delivered" press.
    pending = await Relays(world.complaints.sessions, world.complaints).pending(world.admins["officer"])
    assert [relay.trigger for relay in pending if relay.complaint_id == caller.id] == []


@pytest.mark.usefixtures("desk_bot")
async def test_kontak_shows_the_configured_channels(local_api: LocalBotApi) -> None:
    person = Reporter(local_api.user(8301, "Tono"))
    for command in ("/kontak", "/contacts"):
        await person.command(command)
        contacts = await person.expect_starting(TEST_DESK.office_name)
        text = contacts.text or ""
        for value in (
            "(0285) 999001",  # the test's setting, not the standard's number
            TEST_DESK.email,
            TEST_DESK.website,
            TEST_DESK.twitter,
            TEST_DESK.official,
            TEST_DESK.official_phone,
            TEST_DESK.address,
        ):
            assert value in text
        assert "421243" not in text


GRIEVANCE_AT_DESK = Answers(
    full_name="Karsinah",
    nik="3375014507900003",
    phone="081234561234",
    address="Jl. Merdeka No. 3, Pekalongan Utara",
    subject=GRIEVANCE.subject,
    chronology=GRIEVANCE.chronology,
    event_place=GRIEVANCE.event_place,
    photos=0,
    share_location=False,
)
