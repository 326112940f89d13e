"""A reporter follows their own complaints, and only their own."""

from __future__ import annotations

from bot.dev.local_api import LocalBotApi
from tests.conftest import World, draft_for
from tests.e2e.chat import Reporter
from tests.e2e.conftest import RunningBot
from workflow.identity import Identity

INTERNAL_REASON = "Bukan tupoksi DPUPR; catatan internal"


async def _moved_complaint(world: World) -> str:
    """Rina's complaint: dispositioned, forwarded, returned by the first agency, forwarded again."""
    complaint = await world.complaints.submit(draft_for(world.reporter), world.reporter.as_actor())
    steps = [
        ("province", "dispose", {"target_org_id": world.orgs["KOTA-PKL"].id}),
        ("city", "forward", {"target_org_id": world.orgs["PKL-DPUPR"].id}),
        ("opd", "return_to_city", {"reason": INTERNAL_REASON}),
        ("city", "forward", {"target_org_id": world.orgs["PKL-DLH"].id}),
    ]
    version = complaint.version
    for seat, trigger, extra in steps:
        world.clock.advance(hours=1)
        moved = await world.complaints.fire(
            complaint.id, world.actor(seat), trigger, seen_version=version, **extra
        )
        version = moved.complaint.version
    return complaint.tracking_number


async def test_someone_elses_number_is_not_found_exactly_like_a_missing_one(
    running_bot: RunningBot, local_api: LocalBotApi, world: World
) -> None:
    rinas_number = await _moved_complaint(world)
    other = await world.directory.save_reporter(
        telegram_id=7701, identity=Identity("Hadi", "3375010101900003", "+6281234567897", "Jl. Seruni 2")
    )
    own = await world.complaints.submit(draft_for(other, subject="Parit mampet"), other.as_actor())
    hadi = Reporter(local_api.user(7701, "Hadi"))

    await hadi.command("/track", rinas_number)
    someone_elses = await hadi.expect_key("track.not_found")
    await hadi.command("/track", "LG-2026-999999")
    missing = await hadi.expect_key("track.not_found")
    await hadi.send(rinas_number.lower())
    typed = await hadi.expect_key("track.not_found")
    assert someone_elses.text == missing.text == typed.text
    assert someone_elses.inline_keyboard == missing.inline_keyboard

    await hadi.send(own.tracking_number)
    detail = await hadi.expect_starting(
        hadi.said("detail", **_blank(number=own.tracking_number)).split("\n")[0]
    )
    assert "Parit mampet" in (detail.text or "")
    assert local_api.requests(ok=False) == []


async def test_my_complaints_shows_states_and_a_history_in_the_reporters_words(
    running_bot: RunningBot, local_api: LocalBotApi, world: World
) -> None:
    number = await _moved_complaint(world)
    rina = Reporter(local_api.user(world.reporter.telegram_id or 0, "Rina"))

    await rina.command("/start")
    menu = await rina.expect_key("welcome")
    await rina.press(menu, "btn.menu.mine")
    listing = await rina.expect_starting(rina.said("mine.title"))
    assert rina.said("state.laporgub.at_opd") in (listing.text or "")
    await rina.press_text(listing, number)
    detail = await rina.expect_starting(rina.said("detail", **_blank(number=number)).split("\n")[0])
    text = detail.text or ""
    for line in (
        rina.said("event.laporgub.submit"),
        rina.said("event.laporgub.dispose", org=world.orgs["KOTA-PKL"].name),
        rina.said("event.laporgub.forward", org=world.orgs["PKL-DPUPR"].name),
        rina.said("event.laporgub.return_to_city"),
        rina.said("event.laporgub.forward_moved", org=world.orgs["PKL-DLH"].name),
    ):
        assert line in text
    # Wednesday 25 November 2026 10:00 WIB, then an hour per step; shown in WIB.
    assert "25 November 2026 10.00 WIB" in text
    assert "25 November 2026 14.00 WIB" in text
    assert INTERNAL_REASON not in text
    assert not any(admin.full_name in text for admin in world.admins.values())
    assert local_api.requests(ok=False) == []


def _blank(**values: str) -> dict[str, str]:
    keys = ("number", "subject", "state", "received", "deadline", "event_date", "place", "confidential")
    return {**dict.fromkeys((*keys, "chronology"), ""), **values}


async def test_a_long_list_of_complaints_is_split_to_fit_telegram(
    running_bot: RunningBot, local_api: LocalBotApi, world: World
) -> None:
    for index in range(20):
        subject = f"{index:02d} " + "<&> " * 49
        await world.complaints.submit(draft_for(world.reporter, subject=subject), world.reporter.as_actor())
    rina = Reporter(local_api.user(world.reporter.telegram_id or 0, "Rina"))

    await rina.command("/my")
    first = await rina.expect_starting(rina.said("mine.title"))
    second = await rina.next_where(
        lambda message: message.inline_keyboard is not None, "the list's second part"
    )
    assert first.inline_keyboard is None
    assert len(second.buttons) == 20
    shown = (first.text or "") + (second.text or "")
    assert all(f"{index:02d} <&> <&>" in shown for index in range(20))
    assert local_api.requests(ok=False) == []
