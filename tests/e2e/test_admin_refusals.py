"""Presses that must change nothing: stale, foreign, by a non-admin, forged, after deactivation; and a reason
that is cancelled, or confirmed after someone else moved the complaint on."""

from __future__ import annotations

import logging

import pytest

from bot.dev.local_api import LocalBotApi
from bot.ui.admin_callbacks import ActionCb, ConfirmCb, OpenCardCb, PickTargetCb
from tests.conftest import World
from tests.e2e.admin_desk import Desk, down_to, forge_press, seed
from tests.e2e.chat import Reporter
from tests.e2e.conftest import RunningBot
from workflow.definitions import S, T


async def _unchanged(world: World, complaint_id: int, state: str, version: int) -> None:
    current = await world.complaints.get(complaint_id)
    assert current is not None
    assert (current.state, current.version) == (state, version)
    assert len(await world.complaints.history(complaint_id)) == version


async def test_two_admins_of_one_province_press_the_same_button_and_the_second_is_told_who_handled_it(
    running_bot: RunningBot, local_api: LocalBotApi, world: World
) -> None:
    complaint = await seed(world)
    first, second = Desk(local_api, world, "province"), Desk(local_api, world, "province2")
    first_card = await first.open(complaint.tracking_number)
    second_card = await second.open(complaint.tracking_number)
    await first.press_action(first_card, T.DISPOSE)
    await second.press_action(second_card, T.DISPOSE)
    asked = await second.settled(second_card, lambda m: second.said_plain("admin.btn.more") in m.button_texts)
    assert (await second.toast()).startswith("❓")
    await second.press(asked, "admin.btn.more")
    other_picker = await second.settled(
        second_card, lambda m: "Diskominfo Kabupaten Batang" in m.button_texts
    )
    assert await second.toast() == second.said_plain("admin.pick.all", page=1, pages=1)
    await first.send_to(first_card, "Dinkominfo Kota Pekalongan")
    await first.done(first_card, T.DISPOSE, "Dinkominfo Kota Pekalongan")

    await second.press_text(other_picker, "Diskominfo Kabupaten Batang")
    toast = await second.toast()
    assert toast == second.said_plain(
        "admin.refused.stale_by",
        name="Admin province",
        what=second.said_plain("admin.did.dispose", org="Dinkominfo Kota Pekalongan"),
        at="25 November 2026 10.00 WIB",
    )
    await _unchanged(world, complaint.id, S.AT_CITY, 2)
    moved = await world.complaints.get(complaint.id)
    assert moved is not None
    assert moved.city_org_id == world.orgs["KOTA-PKL"].id
    # The refused card keeps no buttons: from now on they could only be refused.
    await second.settled(second_card, lambda m: not m.button_texts)

    # A plain action button on a card that has moved on is refused just the same.
    await second.press_forged(second_card, ActionCb(c=complaint.id, v=1, t="rj").pack())
    assert (await second.toast()).startswith(
        second.said_plain("admin.refused.stale_by", name="", what="", at="")[:12]
    )
    await _unchanged(world, complaint.id, S.AT_CITY, 2)


async def test_presses_by_another_organisation_by_a_reporter_and_forged_ones_change_nothing_and_are_logged(
    running_bot: RunningBot, local_api: LocalBotApi, world: World, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    complaint = await seed(world, subject="Rahasia pelapor")
    complaint = await down_to(world, complaint, T.DISPOSE)
    batang = Desk(local_api, world, "batang")
    menu_message = await batang.queue()
    rina = Reporter(local_api.user(9001, "Rina"))
    await rina.command("/start")
    welcome = await rina.expect_key("welcome")
    forward = PickTargetCb(c=complaint.id, v=complaint.version, t="fw", o=world.orgs["PKL-DPUPR"].id).pack()

    # Batang's Dinkominfo replays a payload for Pekalongan's complaint: not theirs, and not a peek at it.
    forge_press(local_api, batang.user.id, menu_message.message_id, forward)
    assert await batang.toast() == batang.said_plain("admin.refused.not_permitted")
    forge_press(local_api, batang.user.id, menu_message.message_id, OpenCardCb(c=complaint.id).pack())
    assert await batang.toast() == batang.said_plain("admin.refused.not_permitted")
    # The reporter (no admin seat) presses the same.
    forge_press(local_api, rina.id, welcome.message_id, forward)
    toast = (await rina.user.wait_for_toast(timeout=10))["text"]
    assert toast == rina.t.plain("admin.refused.not_admin")

    city = Desk(local_api, world, "city")
    card = await city.open(complaint.tracking_number)
    forged = {
        "ga:1:1:zz": "admin.refused.forged",  # a trigger code that was never issued
        "ga:abc": "admin.refused.forged",  # does not parse
        ActionCb(c=10**6, v=1, t="fw").pack(): "admin.refused.forged",  # no such complaint
        f"ga:{2**63 - 1}:{2**31 - 1}:fw": "admin.refused.forged",  # beyond any id
        "ga:99999999999999999999:1:fw": "admin.refused.forged",  # beyond 64 bits
        f"go:{2**40}": "admin.refused.forged",
        PickTargetCb(c=complaint.id, v=complaint.version, t="fw", o=10**6).pack(): "admin.refused.forged",
        f"gt:{complaint.id}:{complaint.version}:fw:{2**62}": "admin.refused.forged",
        # A real organisation, but not one of this city's agencies.
        PickTargetCb(
            c=complaint.id, v=complaint.version, t="fw", o=world.orgs["BTG-DPU"].id
        ).pack(): "admin.refused.invalid_target",
        "gp:1:2:dp:-1": "admin.refused.forged",
        "zz:garbage": "button.expired",  # not ours at all: the generic answer
    }
    for data, key in forged.items():
        await city.press_forged(card, data)
        assert await city.toast() == city.said_plain(key), data
    await _unchanged(world, complaint.id, S.AT_CITY, 2)
    assert local_api.requests(ok=False) == []

    refusals = [record.getMessage() for record in caplog.records if "refused" in record.getMessage()]
    assert len(refusals) >= 9
    for line in refusals:
        for private in ("Rina", "Rahasia", "3375014507900002", "Admin batang", "zz:garbage"):
            assert private not in line


async def test_a_deactivated_admins_button_stops_working_at_once(
    running_bot: RunningBot, local_api: LocalBotApi, world: World
) -> None:
    complaint = await down_to(world, await seed(world), T.DISPOSE, T.FORWARD)
    opd = Desk(local_api, world, "opd")
    card = await opd.open(complaint.tracking_number)
    await world.directory.deactivate_admin(opd.admin.id)

    await opd.press_action(card, T.ACCEPT)
    assert await opd.toast() == opd.said_plain("admin.refused.not_admin")
    await _unchanged(world, complaint.id, S.AT_OPD, 3)
    await opd.command("/start")
    await opd.expect_key("welcome")
    await opd.command("/antrian")
    await opd.expect_key("admin.only")


async def test_a_reason_cancelled_changes_nothing_and_one_confirmed_applies(
    running_bot: RunningBot, local_api: LocalBotApi, world: World
) -> None:
    complaint = await down_to(world, await seed(world), T.DISPOSE)
    city = Desk(local_api, world, "city")
    card = await city.open(complaint.tracking_number)

    confirmation = await city.give_reason(card, T.RETURN_TO_PROVINCE, "Bukan wilayah kami")
    await city.press(confirmation, "admin.btn.abort")
    await city.expect_key("admin.aborted")
    await _unchanged(world, complaint.id, S.AT_CITY, 2)

    await city.press_action(card, T.RETURN_TO_PROVINCE)
    await city.next_where(lambda m: (m.text or "").startswith("✍️"), "the reason prompt")
    await city.user.send_sticker()
    await city.expect_key("admin.hint.text")
    await city.command("/cancel")
    await city.expect_key("admin.aborted")
    await _unchanged(world, complaint.id, S.AT_CITY, 2)
    # The confirm of a cancelled reason (replayed: its buttons are gone) is expired, not applied.
    await city.press_forged(confirmation, ConfirmCb(c=complaint.id, v=2).pack())
    assert await city.toast() == city.said_plain("button.expired")

    confirmation = await city.give_reason(card, T.RETURN_TO_PROVINCE, "Lokasi di Kabupaten Batang")
    assert await city.confirm(confirmation) == city.said_plain(
        "admin.toast.done", what=city.said_plain("admin.did.return_to_province")
    )
    await city.done(card, T.RETURN_TO_PROVINCE)
    await _unchanged(world, complaint.id, S.AT_PROVINCE, 3)
    assert (await world.complaints.history(complaint.id))[-1].reason == "Lokasi di Kabupaten Batang"


async def test_a_reason_confirmed_after_a_colleague_acted_is_refused_as_stale(
    running_bot: RunningBot, local_api: LocalBotApi, world: World
) -> None:
    complaint = await down_to(world, await seed(world), T.DISPOSE)
    city = Desk(local_api, world, "city")
    card = await city.open(complaint.tracking_number)
    confirmation = await city.give_reason(card, T.RETURN_TO_PROVINCE, "Bukan kewenangan kota")
    # Meanwhile the other Dinkominfo admin forwards it.
    await world.complaints.fire(
        complaint.id,
        world.actor("city2"),
        T.FORWARD,
        seen_version=2,
        target_org_id=world.orgs["PKL-DLH"].id,
    )
    await city.press(confirmation, "admin.btn.confirm")
    assert await city.toast() == city.said_plain(
        "admin.refused.stale_by",
        name="Admin city2",
        what=city.said_plain("admin.did.forward", org=world.orgs["PKL-DLH"].name),
        at="25 November 2026 10.00 WIB",
    )
    await _unchanged(world, complaint.id, S.AT_OPD, 3)
    assert all(event.reason is None for event in await world.complaints.history(complaint.id))
