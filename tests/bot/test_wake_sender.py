"""The outbox sender inside the bot is woken after an update that queued notices, and only then: an update
that queued nothing leaves it to its idle poll."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from aiogram.types import Update

from bot.notices.notifier import WakeSender
from bot.notices.sender import OutboxSender
from storage.outbox.claims import Outbox
from storage.outbox.notifications import watching_notices
from tests.conftest import World, draft_for

UPDATE = Update(update_id=1)


def sender_of(world: World) -> OutboxSender:
    async def deliver(entry: Any) -> int:
        raise AssertionError("nothing is delivered in these tests")

    return OutboxSender(Outbox(world.complaints.sessions), deliver)


async def test_an_update_that_files_a_complaint_wakes_the_sender(world: World) -> None:
    sender = sender_of(world)

    async def file(event: Update, data: dict[str, Any]) -> None:
        await world.complaints.submit(draft_for(world.reporter), world.reporter.as_actor())

    await WakeSender(sender)(file, UPDATE, {})
    assert sender._wake.is_set()


async def test_an_update_that_only_reads_leaves_the_sender_asleep(world: World) -> None:
    complaint = await world.complaints.submit(draft_for(world.reporter), world.reporter.as_actor())
    sender = sender_of(world)

    async def look_up(event: Update, data: dict[str, Any]) -> None:
        assert await world.complaints.by_tracking_number(complaint.tracking_number) is not None
        assert await world.directory.admins_of_user(world.admins["city"].telegram_id)

    await WakeSender(sender)(look_up, UPDATE, {})
    assert not sender._wake.is_set()


async def test_a_handler_that_fails_after_queuing_still_wakes_the_sender(world: World) -> None:
    sender = sender_of(world)

    async def file_then_fail(event: Update, data: dict[str, Any]) -> None:
        await world.complaints.submit(draft_for(world.reporter), world.reporter.as_actor())
        raise RuntimeError("the reply failed after the complaint was filed")

    with pytest.raises(RuntimeError):
        await WakeSender(sender)(file_then_fail, UPDATE, {})
    assert sender._wake.is_set()


async def test_updates_handled_at_once_count_only_their_own_notices(world: World) -> None:
    filed = asyncio.Event()

    async def filing() -> int:
        with watching_notices() as queued:
            await world.complaints.submit(draft_for(world.reporter), world.reporter.as_actor())
            filed.set()
            return queued.added

    async def reading() -> int:
        with watching_notices() as queued:
            await filed.wait()  # still inside its update while the other queued its notices
            await world.directory.admins_of_user(world.admins["province"].telegram_id)
            return queued.added

    added_by_filing, added_by_reading = await asyncio.gather(filing(), reading())
    # The complaint's card, to each of the province's two admins.
    assert added_by_filing == 2
    assert added_by_reading == 0
