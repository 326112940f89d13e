"""A street light phoned in to the officer, already reported in Telegram: the city's admin joins the phoned-in
complaint to the earlier one, and the officer who recorded it is given, as relays, the earlier complaint's
forward, its acceptance and its result for the caller, each saying it is news of the earlier complaint;
delivering the result closes the duplicate. Through the real dispatcher and the local Bot API server, on
SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app.settings import Mode
from bot.dev.local_api import ChatMessage, LocalBotApi
from tests.conftest import World, give_duty_words
from tests.e2e.admin_desk import Desk
from tests.e2e.chat import Reporter, visible
from tests.e2e.notifications import AdminChat, delivered, open_chats, take_through
from tests.e2e.officer_desk import CITIZEN, desk_bot, record, tracking_number_in
from tests.e2e.scripts import file_complaint
from tests.e2e.test_duplicates import FIRST, SEATS, SECOND, card_with
from tests.e2e.test_officer_recording import _state_becomes
from workflow.channels import Channel
from workflow.definitions import S, T

__all__ = ["desk_bot"]  # the fixture, used by name below

CALLER = replace(
    CITIZEN, subject=SECOND.subject, chronology=SECOND.chronology, event_place=SECOND.event_place
)


@pytest.fixture
def mode() -> Mode:
    """Polling only: the webhook path is the same dispatcher, walked by the other e2e tests."""
    return Mode.POLLING


@pytest.fixture(autouse=True)
async def duty_words(world: World) -> None:
    await give_duty_words(world)


def relays_in(officer: AdminChat) -> list[ChatMessage]:
    button = officer.t.plain("relay.btn.delivered")
    return [m for m in officer.user.chat().bot_messages() if button in m.button_texts]


@pytest.mark.usefixtures("desk_bot")
async def test_the_officer_relays_the_earlier_complaints_steps_to_a_duplicates_caller(
    local_api: LocalBotApi, world: World, clean_engine: AsyncEngine
) -> None:
    await open_chats(world, local_api, *SEATS, "officer")
    officer = AdminChat(local_api, world.admins["officer"])
    siti = Reporter(local_api.user(7801, "Siti"))
    await file_complaint(siti, FIRST)
    earlier = await world.complaints.by_tracking_number("LG-2026-000001")
    assert earlier is not None
    confirmation = await record(officer, channel=Channel.TELEPHONE, contact="081234561234", answers=CALLER)
    dup = await world.complaints.by_tracking_number(tracking_number_in(confirmation))
    assert dup is not None
    earlier = await take_through(world, earlier, [("province", T.DISPOSE, {"target": "KOTA-PKL"})])
    dup = await take_through(world, dup, [("province", T.DISPOSE, {"target": "KOTA-PKL"})])
    await delivered(clean_engine, local_api)

    city = Desk(local_api, world, "city")
    card = await city.open(dup.tracking_number)
    await city.press(card, "admin.btn.link", number=earlier.tracking_number)
    asked = visible(city.t("admin.link.ask", number=dup.tracking_number, earlier=earlier.tracking_number))
    card = await card_with(city, card, asked.split("\n")[0])
    await city.press(card, "admin.btn.link_yes", earlier=earlier.tracking_number)
    await card_with(city, card, city.t.plain("admin.did.link_duplicate"))
    await delivered(clean_engine, local_api)
    before = len(relays_in(officer))  # the caller's own: the recording's, with /link

    result = "Empat lampu PJU di Jl. Seruni sudah diganti pada 27/11."
    await take_through(
        world,
        earlier,
        [
            ("city", T.FORWARD, {"target": "PKL-DPUPR"}),
            ("opd", T.ACCEPT, {}),
            ("opd", T.SUBMIT_RESULT, {"result": result}),
            ("city2", T.CONFIRM_RESULT, {}),
            ("province2", T.APPROVE, {}),
        ],
    )
    await delivered(clean_engine, local_api)
    relays = relays_in(officer)[before:]
    common = {"number": dup.tracking_number, "subject": dup.subject}
    dpupr = world.orgs["PKL-DPUPR"].name
    task = visible(
        officer.t(
            "relay.task",
            name=CALLER.full_name,
            contact="+6281234561234",
            channel=officer.t.plain("admin.channel.telephone"),
            number=dup.tracking_number,
        )
    )
    follows = visible(officer.t("relay.follows", number=dup.tracking_number, earlier=earlier.tracking_number))
    # The caller is told what they would be of a complaint of their own: forward, acceptance, result.
    assert len(relays) == 3
    for relay in relays:
        assert task in (relay.text or "")
        assert follows in (relay.text or "")
    assert visible(officer.t("notify.reporter.forward", org=dpupr, **common)) in (relays[0].text or "")
    assert visible(officer.t("notify.reporter.accept", org=dpupr, **common)) in (relays[1].text or "")
    said = visible(officer.t("relay.result", number=dup.tracking_number, result=result))
    assert said in (relays[2].text or "")

    # Passing the result on closes the duplicate for the caller; the earlier one waits for its reporter.
    await officer.press(relays[2], "relay.btn.delivered")
    await _state_becomes(world, dup.id, S.CLOSED)
    still = await world.complaints.get(earlier.id)
    assert still is not None
    assert still.state == S.RESOLVED
