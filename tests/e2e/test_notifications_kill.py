"""A sender killed in the middle of a batch: its successor delivers everything, and the only messages that
arrive twice are those of rows that were on the wire at the moment of the kill."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.dev.local_api import LocalBotApi
from storage import models
from storage.database import session_factory
from storage.models import utcnow
from tests.conftest import World, draft_for
from tests.e2e.notifications import (
    OFFICES,
    add_extra_admins,
    delivered,
    notifier_for,
    open_chats,
    outbox_rows,
    result_photos,
    sent_ids,
)
from workflow.definitions import T

LEASE = timedelta(seconds=60)


async def work_for_the_sender(world: World, api: LocalBotApi) -> None:
    """Six new complaints (a card each for three province admins), and one taken to its result with two
    photos while nothing was delivered (confirmations, the reporter's milestones, the result)."""
    for n in range(6):
        await world.complaints.submit(
            draft_for(world.reporter, subject=f"Laporan {n}"), world.reporter.as_actor()
        )
    complaint = await world.complaints.submit(draft_for(world.reporter), world.reporter.as_actor())
    photos = await result_photos(api, world, 2)
    for seat, trigger, extra in [
        ("province", T.DISPOSE, {"target_org_id": world.orgs["KOTA-PKL"].id}),
        ("city", T.FORWARD, {"target_org_id": world.orgs["PKL-DPUPR"].id}),
        ("opd", T.ACCEPT, {}),
        ("opd2", T.SUBMIT_RESULT, {"result": "Sudah diperbaiki.", "attachments": photos}),
        ("city3", T.CONFIRM_RESULT, {}),
        ("province2", T.APPROVE, {}),
    ]:
        complaint = (
            await world.complaints.fire(
                complaint.id, world.actor(seat), trigger, seen_version=complaint.version, **extra
            )
        ).complaint


def copy_of(message: dict, originals: list[dict]) -> bool:
    """The same content as one of `originals` (a resend renders the same row the same way)."""
    key = (message.get("text"), message.get("caption"), "photo" in message)
    return any(key == (o.get("text"), o.get("caption"), "photo" in o) for o in originals)


async def test_a_killed_sender_loses_nothing_and_doubles_only_what_was_in_flight(
    local_api: LocalBotApi, clean_engine: AsyncEngine, world: World
) -> None:
    await add_extra_admins(world)
    seats = [seat for office in OFFICES.values() for seat in office]
    await open_chats(world, local_api, *seats)
    await work_for_the_sender(world, local_api)

    doomed = notifier_for(local_api, clean_engine, world, sender_per_chat_interval=0.1)
    task = asyncio.create_task(doomed.sender.run())
    while len(local_api.requests(ok=True)) < 12:  # noqa: ASYNC110 - watching the server, not a flag
        await asyncio.sleep(0.002)
    task.cancel()  # the process dies: requests on the wire may or may not reach Telegram
    with pytest.raises(asyncio.CancelledError):
        await task
    await doomed.bot.session.close()
    async with session_factory(clean_engine)() as session:
        in_flight = list(
            await session.scalars(
                select(models.OutboxMessage).where(models.OutboxMessage.claimed_by == doomed.sender.sender_id)
            )
        )
    assert in_flight, "killed between batches: the test proves nothing"

    # The successor starts when the dead sender's leases have run out (its clock is a lease ahead).
    survivor = notifier_for(local_api, clean_engine, world, outbox_clock=lambda: utcnow() + LEASE * 2)
    survivor.start()
    try:
        await delivered(clean_engine, None, within=60)
    finally:
        await survivor.stop()

    rows = await outbox_rows(clean_engine)
    assert {row.status for row in rows} == {"sent"}  # nothing lost
    flying = {row.id for row in in_flight}
    doubled = 0
    for chat in {row.chat_id for row in rows}:
        expected = sent_ids(rows, chat)
        received = local_api.delivered(chat)
        assert [m["message_id"] for m in received if m["message_id"] in expected] == expected  # in order
        extra = [m for m in received if m["message_id"] not in expected]
        by_id = {m["message_id"]: m for m in received}
        originals = [
            by_id[message_id]
            for row in rows
            if row.id in flying and row.chat_id == chat
            for message_id in sent_ids([row], chat)
        ]
        assert all(copy_of(message, originals) for message in extra), (
            f"chat {chat}: a row not in flight doubled"
        )
        doubled += len(extra)
    print(f"killed with {len(in_flight)} rows in flight; {doubled} messages arrived twice, all of those rows")
