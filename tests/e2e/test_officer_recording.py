"""An officer records complaints that came by every other channel, through the bot (local Bot API server,
polling and webhook, SQLite and PostgreSQL): each travels the whole workflow, and the result for the citizen,
who is not on Telegram, becomes the officer's task; the complaint closes only when it is delivered."""

from __future__ import annotations

import asyncio
import time

import pytest

from bot.dev.local_api import ChatMessage, LocalBotApi
from storage.relays import contact_of
from tests.conftest import World
from tests.e2e.notifications import STEPS, AdminChat, take_through
from tests.e2e.officer_desk import desk_bot, record, tracking_number_in
from workflow.actors import Role
from workflow.channels import Channel, ExternalSystem
from workflow.definitions import S

__all__ = ["desk_bot"]  # the fixture, used by name below

# (channel, external system, its number, how the citizen is reached)
RECORDINGS = [
    (Channel.TELEPHONE, None, "", "081234561234"),
    (Channel.EMAIL, None, "", "karsinah@example.id"),
    (Channel.WEBSITE, None, "", "081234561234"),
    (Channel.TWITTER, None, "", "@karsinah_pkl"),
    (Channel.INSTAGRAM, None, "", "@karsinah.pkl"),
    (Channel.DIRECT, None, "", "081234561234"),
    (Channel.WEBSITE, ExternalSystem.LAPORGUB_WEB, "LGW-2026-0042", "081234561234"),
    # Phoned in, and also filed in SP4N-LAPOR!: both are kept.
    (Channel.TELEPHONE, ExternalSystem.SP4N_LAPOR, "SP4N-8812731", "karsinah@example.id"),
    (Channel.EMAIL, ExternalSystem.WADUL_ALADIN, "WA-77", "081234561234"),
]
RESULT = dict(STEPS[3][2])["result"]
WAIT_S = 15.0


async def _relay_of_result(officer: AdminChat, number: str) -> ChatMessage:
    def is_result_task(message: ChatMessage) -> bool:
        text = message.text or ""
        return number in text and RESULT in text and bool(message.button_texts)

    return await officer.user.wait_for_message(is_result_task, timeout=WAIT_S)


async def _state_becomes(world: World, complaint_id: int, state: str) -> None:
    deadline = time.monotonic() + WAIT_S
    while True:
        current = await world.complaints.get(complaint_id)
        assert current is not None
        if current.state == state:
            return
        assert time.monotonic() < deadline, f"complaint {complaint_id} stayed {current.state}"
        await asyncio.sleep(0.02)


@pytest.mark.usefixtures("desk_bot")
async def test_every_channel_recorded_by_an_officer_travels_the_workflow_and_closes_on_delivery(
    local_api: LocalBotApi, world: World
) -> None:
    officer = AdminChat(local_api, world.admins["officer"])
    numbers = []
    for channel, system, reference, contact in RECORDINGS:
        confirmation = await record(
            officer, channel=channel, system=system, number=reference, contact=contact
        )
        numbers.append(tracking_number_in(confirmation))

    for (channel, system, reference, contact), number in zip(RECORDINGS, numbers, strict=True):
        complaint = await world.complaints.by_tracking_number(number)
        assert complaint is not None
        assert complaint.state == S.AT_PROVINCE
        assert complaint.channel == channel
        assert (complaint.external_system, complaint.external_number) == (
            (system, reference) if system else (None, None)
        )
        card = await world.complaints.card(complaint.id)
        assert card is not None
        assert card.reporter.full_name == "Karsinah"
        assert card.history[0].actor_role == Role.OFFICER
        reached = await contact_of(world.complaints.sessions, complaint.reporter_id)
        assert reached is not None
        assert reached[0] == ("+6281234561234" if contact.startswith("0") else contact)
        # The province to the agency and back, as the admins' buttons would (their own tests press them).
        resolved = await take_through(world, complaint, STEPS)
        assert resolved.state == S.RESOLVED

        task = await _relay_of_result(officer, number)
        told = officer.said("relay.task", name="Karsinah", contact="@", channel="", number="")
        assert told.split("@")[0] in (task.text or "")
        still = await world.complaints.get(complaint.id)
        assert still is not None
        assert still.state == S.RESOLVED  # not closed before the citizen was told
        await officer.press(task, "relay.btn.delivered")
        await _state_becomes(world, complaint.id, S.CLOSED)
        history = await world.complaints.history(complaint.id)
        assert [event.actor_role for event in history][-1] == Role.OFFICER


@pytest.mark.usefixtures("desk_bot")
async def test_the_recording_refuses_a_handle_for_a_phone_complaint_and_a_non_officer(
    local_api: LocalBotApi, world: World
) -> None:
    officer = AdminChat(local_api, world.admins["officer"])
    await officer.command("/catat")
    choice = await officer.expect_key("officer.kind.ask")
    await officer.press(choice, "officer.btn.kind.laporgub")
    channels = await officer.expect_key("officer.channel.ask")
    await officer.press(channels, "admin.channel.telephone")
    await officer.expect_key("officer.contact.ask")
    await officer.send("@karsinah")
    await officer.expect_key("officer.bad.handle")
    await officer.send("not a contact")
    await officer.expect_key("officer.bad.contact")
    await officer.command("/cancel")
    await officer.expect_key("cancel.done")

    city = AdminChat(local_api, world.admins["city"])
    await city.command("/catat")
    await city.expect_key("officer.not_officer")
