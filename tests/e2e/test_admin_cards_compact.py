"""Admin chats kept short and whole: the compact card, whole reasons, prompts that act on their own
complaint only, overdue notices that open the card, and the working days a card counts."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.local_api import LocalBotApi
from storage.database import session_factory
from storage.scheduler import run_scheduler_once
from tests.conftest import World
from tests.e2e.admin_desk import Desk, down_to, seed
from tests.e2e.conftest import RunningBot
from tests.e2e.notifications import delivered, notifier_for
from workflow.calendar import WIB, WorkingCalendar
from workflow.definitions import S, T


async def test_a_complaint_received_after_office_hours_counts_the_target_days_not_one_more(
    running_bot: RunningBot, local_api: LocalBotApi, world: World
) -> None:
    # Friday 4 December 2026, 17.00 WIB: received after close, so the receipt day is Monday 7 and the
    # deadline the end of Wednesday 9. That evening the card once said "sisa 3 hari kerja" (Mon, Tue, Wed).
    world.clock.now = datetime(2026, 12, 4, 17, tzinfo=WIB)
    complaint = await seed(world)
    world.clock.now = datetime(2026, 12, 4, 19, tzinfo=WIB)
    province = Desk(local_api, world, "province")
    card = await province.open(complaint.tracking_number)
    assert province.said_plain("admin.due.left", days=2) in (card.text or "")
    assert "Rabu, 9 Desember 2026" in (card.text or "")
    queue = await province.queue()
    assert province.said_plain("admin.due.left", days=2) in (queue.text or "")
    assert province.said_plain("admin.due.left", days=3) not in (queue.text or "")


async def test_an_overdue_notice_opens_the_card_it_speaks_of(
    running_bot: RunningBot, local_api: LocalBotApi, world: World
) -> None:
    province = Desk(local_api, world, "province")
    await province.command("/start")
    await province.next_where(lambda m: (m.text or "").startswith("🏛"), "the admin menu")
    # Monday 21 December 2026: filed at 09:00, disposed at 09:30; the city's 2 office hours end at 11:30.
    world.clock.now = datetime(2026, 12, 21, 9, tzinfo=WIB).astimezone(UTC)
    complaint = await seed(world)
    world.clock.now = datetime(2026, 12, 21, 9, 30, tzinfo=WIB).astimezone(UTC)
    await down_to(world, complaint, T.DISPOSE)
    world.clock.now = datetime(2026, 12, 21, 11, 31, tzinfo=WIB).astimezone(UTC)
    await run_scheduler_once(session_factory(running_bot.engine), WorkingCalendar(), world.clock)
    # The sender on the scenario's clock: its rows are due at the scenario's time, not today's.
    notifier = notifier_for(local_api, running_bot.engine, world, outbox_clock=world.clock)
    notifier.start()
    try:
        await delivered(running_bot.engine, local_api)
    finally:
        await notifier.stop()

    number = complaint.tracking_number
    notice = await province.next_where(
        lambda m: (m.text or "").startswith("🚨") and number in (m.text or ""), "the overdue notice"
    )
    assert notice.button_texts == [province.said_plain("admin.btn.open_card")]
    await province.press(notice, "admin.btn.open_card")
    card = await province.card(number)
    assert province.said_plain(f"admin.state.laporgub.{S.AT_CITY}") in (card.text or "")
    # The city holds it: the province reads the card, with no step of its own to press.
    assert card.button_texts == []
    # (The city's admins never started the bot here, so their cards could not go out.)
    assert [r for r in local_api.requests(ok=False) if r.params.get("chat_id") == str(province.id)] == []
