"""Onboarding and linking through the local Bot API server, polling and webhook: an invite works once and
for 48 hours, a deactivated admin's next press is refused, and linking never tells whether a number exists."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
from pathlib import Path

from bot.dev.local_api import LocalBotApi
from tests.conftest import World
from tests.e2e.admin_desk import Desk, down_to, seed
from tests.e2e.chat import Reporter
from tests.e2e.conftest import TOKEN, RunningBot
from tests.e2e.officer_desk import offline_complaint
from workflow.actors import Role
from workflow.definitions import T

ROOT = Path(__file__).resolve().parents[2]


async def _invite_code(city: Desk, role: Role, org: str) -> str:
    await city.command("/invite")
    menu = await city.expect_key("invite.choose")
    await city.press_text(
        menu, city.said_plain("invite.btn", role=city.said_plain(f"admin.role.{role}"), org=org)
    )
    link = await city.next_where(lambda m: "?start=" in (m.text or ""), "the invite link")
    found = re.search(r"\?start=([A-Za-z0-9_-]+)", link.text or "")
    assert found is not None
    return found.group(1)


async def test_an_invite_seats_once_refuses_a_second_use_a_sitting_admin_and_expiry(
    running_bot: RunningBot, local_api: LocalBotApi, world: World
) -> None:
    city = Desk(local_api, world, "city")
    dlh = "Dinas Lingkungan Hidup Kota Pekalongan"
    code = await _invite_code(city, Role.OPD, dlh)

    newcomer = Reporter(local_api.user(7001, "Dewi"))
    await newcomer.command("/start", code)
    await newcomer.expect_key("invite.welcome", role=newcomer.t.plain("admin.role.opd"), org=dlh)
    [seat] = await world.directory.admins_of_user(7001)
    assert (seat.role, seat.org.code) == (Role.OPD, "PKL-DLH")

    await newcomer.command("/start", code)
    await newcomer.expect_key("invite.already", role=newcomer.t.plain("admin.role.opd"), org=dlh)
    stranger = Reporter(local_api.user(7002, "Joko"))
    await stranger.command("/start", code)
    await stranger.expect_key("invite.used")
    assert await world.directory.admins_of_user(7002) == []

    late = await _invite_code(city, Role.OFFICER, "Dinkominfo Kota Pekalongan")
    world.clock.advance(hours=48)
    await stranger.command("/start", late)
    await stranger.expect_key("invite.expired")
    assert await world.directory.admins_of_user(7002) == []


async def test_a_city_admin_deactivates_an_opd_admin_whose_next_press_is_refused(
    running_bot: RunningBot, local_api: LocalBotApi, world: World
) -> None:
    complaint = await down_to(world, await seed(world), T.DISPOSE, T.FORWARD)
    opd = Desk(local_api, world, "opd")
    card = await opd.open(complaint.tracking_number)

    city = Desk(local_api, world, "city")
    await city.command("/admins")
    listing = await city.expect_starting(city.said("seats.title"))
    await city.press(listing, "seats.btn.deactivate", name="Admin opd")
    assert await city.toast() == city.said_plain("seats.deactivated", name="Admin opd")

    await opd.press_action(card, T.ACCEPT)
    assert await opd.toast() == opd.said_plain("admin.refused.not_admin")
    current = await world.complaints.get(complaint.id)
    assert current is not None
    assert current.version == 3


async def test_linking_with_wrong_digits_says_the_same_as_an_unknown_number(
    running_bot: RunningBot, local_api: LocalBotApi, world: World
) -> None:
    citizen, complaint = await offline_complaint(world)
    siti = Reporter(local_api.user(8001, "Siti"))
    await siti.command("/link", f"{complaint.tracking_number} 9999")
    wrong = await siti.expect_key("link.refused")
    await siti.command("/link", "LG-2026-999999 1234")
    unknown = await siti.expect_key("link.refused")
    assert wrong.text == unknown.text
    await siti.command("/link", f"{complaint.tracking_number} 1234")
    await siti.expect_key("link.done", number=complaint.tracking_number, subject=complaint.subject)
    linked = await world.directory.reporter_by_telegram_id(8001)
    assert linked is not None
    assert linked.id == citizen.id


async def test_the_operator_seats_the_first_admin_with_a_printed_link(
    running_bot: RunningBot, local_api: LocalBotApi, world: World
) -> None:
    # `laporgub admin invite`: no numeric Telegram id needed, the person opens the link.
    env = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "BOT_TOKEN")}
    env.update(
        PYTHONPATH=str(ROOT),
        DATABASE_URL=running_bot.engine.url.render_as_string(hide_password=False),
        BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE=local_api.base_url,
    )
    printed = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "bot", "admin", "invite", "--role", "city", "--org", "KOTA-PKL"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert printed.returncode == 0, printed.stderr
    found = re.match(r"https://t\.me/laporgub_e2e_bot\?start=([A-Za-z0-9_-]+)\n", printed.stdout)
    assert found is not None, printed.stdout
    assert "works once" in printed.stdout

    newcomer = Reporter(local_api.user(7101, "Dewi"))
    await newcomer.command("/start", found.group(1))
    await newcomer.expect_key(
        "invite.welcome", role=newcomer.t.plain("admin.role.city"), org="Dinkominfo Kota Pekalongan"
    )
    seats = await world.directory.admins_of_user(7101)
    assert [(seat.role, seat.org.code) for seat in seats] == [(Role.CITY, "KOTA-PKL")]
