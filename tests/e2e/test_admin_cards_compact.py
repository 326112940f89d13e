"""Admin chats kept short and whole: the compact card, whole reasons, prompts that act on their own
complaint only, overdue notices that open the card, and the working days a card counts."""

from __future__ import annotations

from datetime import datetime

from bot.local_api import LocalBotApi
from tests.conftest import World
from tests.e2e.admin_desk import Desk, seed
from tests.e2e.conftest import RunningBot
from workflow.calendar import WIB


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
