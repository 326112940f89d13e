"""The words around the officer's desk, through the bot (local Bot API server, polling and webhook, SQLite and
PostgreSQL): /help and /track's "not found" point a citizen to /link; an admin's stray text gets the admin
menu; a linked citizen's history says where the officer answered for them."""

from __future__ import annotations

import pytest

from bot.dev.local_api import LocalBotApi
from tests.conftest import World
from tests.e2e.chat import Reporter, visible
from tests.e2e.officer_desk import desk_bot, record, tracking_number_in
from tests.e2e.test_service_complaints import GRIEVANCE_AT_DESK, RESPONSE, _desk, _moved
from workflow.channels import Channel
from workflow.definitions import SS, ST, ComplaintKind

__all__ = ["desk_bot"]  # the fixture, used by name below


@pytest.mark.usefixtures("desk_bot")
async def test_help_and_a_number_not_found_name_link(local_api: LocalBotApi) -> None:
    citizen = Reporter(local_api.user(8501, "Karsinah"))
    await citizen.command("/help")
    helped = await citizen.expect_key("help")
    assert "/link" in (helped.text or "")
    await citizen.command("/track", "LG-2026-000999")
    missing = await citizen.expect_key("track.not_found")
    assert "/link" in (missing.text or "")


@pytest.mark.usefixtures("desk_bot")
async def test_an_admin_s_stray_text_gets_the_admin_menu(local_api: LocalBotApi, world: World) -> None:
    officer = await _desk(local_api, world, "officer")
    await officer.send("halo")
    menu = await officer.next_where(lambda m: bool(m.buttons), "a menu")
    assert officer.t.plain("officer.btn.record") in menu.button_texts
    assert officer.t.plain("btn.menu.new") not in menu.button_texts


@pytest.mark.usefixtures("desk_bot")
async def test_after_linking_the_history_says_the_officer_confirmed_for_them(
    local_api: LocalBotApi, world: World
) -> None:
    officer = await _desk(local_api, world, "officer")
    call = await record(
        officer, kind=ComplaintKind.SERVICE, channel=Channel.TELEPHONE, answers=GRIEVANCE_AT_DESK
    )
    recorded = await world.complaints.by_tracking_number(tracking_number_in(call))
    assert recorded is not None
    responded = await world.complaints.fire(
        recorded.id, world.actor("officer"), ST.RESPOND, seen_version=recorded.version, result=RESPONSE
    )
    await world.complaints.fire(
        recorded.id, world.actor("officer"), ST.CONFIRM_SOLVED, seen_version=responded.complaint.version
    )
    await _moved(world, recorded, SS.SOLVED)

    citizen = Reporter(local_api.user(8502, "Karsinah"))
    await citizen.command("/link", f"{recorded.tracking_number} 1234")
    await citizen.expect_key("link.done", number=recorded.tracking_number, subject=GRIEVANCE_AT_DESK.subject)
    await citizen.command("/track", recorded.tracking_number)
    detail = await citizen.next_where(lambda m: recorded.tracking_number in (m.text or ""), "the detail")
    text = detail.text or ""
    assert visible(citizen.t("event.service.confirm_solved.by_officer")) in text
    assert visible(citizen.t("event.service.confirm_solved")) not in text.replace(
        visible(citizen.t("event.service.confirm_solved.by_officer")), ""
    )
