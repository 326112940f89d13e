"""How many inputs an officer needs to record a complaint, through the bot (local Bot API server, polling and
webhook, SQLite and PostgreSQL): every message typed and every button pressed from /catat to the tracking
number, counted in the chat. README's press table publishes these numbers.

Before the officer's own form: 16 for a phoned-in LaporGub complaint (the phone typed twice, a location step,
the citizen's prompts) and 17 for a counter service complaint (the 11 LaporGub steps, then "delivered" on
the task telling the visitor who stood at the counter)."""

from __future__ import annotations

import pytest

from bot.dev.local_api import LocalBotApi
from bot.handlers.officer_recording import WORDS
from tests.conftest import World
from tests.e2e.officer_desk import desk_bot, form_prompt, inputs_in, record, tracking_number_in
from tests.e2e.test_service_complaints import GRIEVANCE_AT_DESK, _desk
from workflow.channels import Channel
from workflow.definitions import ComplaintKind

__all__ = ["desk_bot"]  # the fixture, used by name below

# /catat, kind, channel, contact (the phone, typed once), name, NIK, address, subject, chronology, date,
# place, files (skipped), confidentiality, submit: one input per fact of the standard's form, plus three.
LAPORGUB_BY_PHONE = 14
# /catat, kind, channel, contact, name, which service, what went wrong, when, where, submit.
SERVICE_AT_COUNTER = 10


@pytest.mark.usefixtures("desk_bot")
async def test_recording_takes_one_input_per_fact(local_api: LocalBotApi, world: World) -> None:
    officer = await _desk(local_api, world, "officer")
    before = inputs_in(officer)
    phoned = await record(officer, channel=Channel.TELEPHONE, contact="081234561234")
    assert inputs_in(officer) - before == LAPORGUB_BY_PHONE
    complaint = await world.complaints.by_tracking_number(tracking_number_in(phoned))
    assert complaint is not None
    card = await world.complaints.card(complaint.id)
    assert card is not None
    assert card.reporter.phone == "+6281234561234"  # the contact, typed once, is the phone on file

    before = inputs_in(officer)
    counter = await record(
        officer, kind=ComplaintKind.SERVICE, channel=Channel.DIRECT, answers=GRIEVANCE_AT_DESK
    )
    assert inputs_in(officer) - before == SERVICE_AT_COUNTER
    walk_in = await world.complaints.by_tracking_number(tracking_number_in(counter))
    assert walk_in is not None
    assert (walk_in.kind, walk_in.channel, walk_in.confidential) == (
        ComplaintKind.SERVICE,
        Channel.DIRECT,
        False,
    )


@pytest.mark.usefixtures("desk_bot")
async def test_the_officer_is_asked_for_the_complainant_s_phone_in_their_words_with_no_share_button(
    local_api: LocalBotApi, world: World
) -> None:
    officer = await _desk(local_api, world, "officer")
    await officer.command("/catat")
    await officer.press(await officer.expect_key("officer.kind.ask"), "officer.btn.kind.laporgub")
    await officer.press(await officer.expect_key("officer.channel.ask"), "admin.channel.email")
    await officer.expect_key("officer.contact.ask")
    await officer.send("karsinah@example.id")
    await officer.expect(form_prompt(officer, WORDS[ComplaintKind.LAPORGUB], "full_name", 1, 10))
    await officer.send("Karsinah")
    await officer.expect(form_prompt(officer, WORDS[ComplaintKind.LAPORGUB], "nik", 2, 10))
    await officer.send("3375014507900003")
    # An email is no phone: the phone is asked once, typed (sharing a contact would share the officer's own).
    await officer.expect(form_prompt(officer, WORDS[ComplaintKind.LAPORGUB], "phone", 3, 10))
    assert officer.user.chat().reply_keyboard is None
    assert "Nama pelapor" in form_prompt(officer, WORDS[ComplaintKind.LAPORGUB], "full_name", 1, 10)
    await officer.command("/cancel")
    await officer.expect_key("cancel.done")
