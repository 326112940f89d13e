"""Telegram misbehaving: a fifth of all sends and edits answered 500, and bursts of 429. Every notification
still arrives exactly once, in order in each chat, and the server's own flood control never trips."""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import random
import time

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.dev.local_api import LocalBotApi, RateLimits, RequestRecord
from storage.outbox.notifications import NoticeKind
from tests.conftest import World
from tests.e2e.notifications import (
    OFFICES,
    add_extra_admins,
    delivered,
    journey,
    notifier_for,
    open_chats,
    outbox_rows,
    result_photos,
    sent_ids,
)

# Telegram's limits (about 1/s per chat, 30/s in all) scaled up so the test is quick; the sender is set a
# little under them, as in production.
SERVER_LIMITS = RateLimits(
    enabled=True, per_chat_rate=8.0, per_chat_burst=2, global_rate=60.0, global_burst=5
)
SENDER_RATES = {"sender_per_chat_interval": 0.15, "sender_global_rate": 50.0}
FAULTY = frozenset({"sendmessage", "editmessagetext", "sendmediagroup", "sendphoto", "senddocument"})
COMPLAINTS = 3


def busiest(records: list[RequestRecord]) -> int:
    """The most requests that arrived within any one second."""
    arrivals = sorted(r.time - r.duration for r in records)
    return max(
        (bisect.bisect_left(arrivals, at + 1.0) - index for index, at in enumerate(arrivals)), default=0
    )


async def bursts_of_429(api: LocalBotApi, stop: asyncio.Event) -> None:
    """500s all along; and every 1.5 s, for 0.3 s, half the sends are also answered 429 (retry after 1 s)."""
    seed = 0
    while not stop.is_set():
        for share, seconds in ((0.5, 0.3), (0.0, 1.2)):
            seed += 1
            api.set_faults(error_500_share=0.2, error_429_share=share, seed=seed, methods=FAULTY)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=seconds)
    api.set_faults()


async def test_every_notification_arrives_once_in_order_through_500s_and_429s(
    local_api: LocalBotApi, clean_engine: AsyncEngine, world: World
) -> None:
    local_api.set_rate_limits(SERVER_LIMITS)
    await add_extra_admins(world)
    seats = [seat for office in OFFICES.values() for seat in office]
    await open_chats(world, local_api, *seats)
    photos = await result_photos(local_api, world, 2)
    notifier = notifier_for(local_api, clean_engine, world, **SENDER_RATES)
    stop_faults = asyncio.Event()
    faults = asyncio.create_task(bursts_of_429(local_api, stop_faults))
    notifier.start()
    started = time.monotonic()
    try:
        chooser = random.Random(4)
        await asyncio.gather(
            *(journey(world, clean_engine, photos, chooser, f"Keluhan nomor {n}") for n in range(COMPLAINTS))
        )
        await delivered(clean_engine, None, within=60)
        took = time.monotonic() - started
    finally:
        stop_faults.set()
        await faults
        await notifier.stop()

    rows = await outbox_rows(clean_engine)
    assert {row.status for row in rows} == {"sent"}
    chats = {world.admins[seat].telegram_id for seat in seats} | {world.reporter.telegram_id}
    for chat in chats:
        received = [message["message_id"] for message in local_api.delivered(chat)]
        assert received == sent_ids(rows, chat), f"chat {chat}"  # each once, in the outbox's order
    results = [
        row for row in rows if row.kind == NoticeKind.REPORTER_UPDATE and row.payload["trigger"] == "approve"
    ]
    assert len(results) == COMPLAINTS
    assert all(len(row.payload["parts"]["photos"]) == 2 for row in results)
    for row in rows:
        if row.kind == NoticeKind.CARD_HANDLED:
            copy = local_api.user(row.chat_id).chat().message(row.telegram_message_id)
            assert copy is not None
            assert not copy.buttons

    flood = [r for r in local_api.requests() if r.status == 429 and r.fault is None]
    assert flood == [], "the sender went over the server's rates"
    injected = [r for r in local_api.requests() if r.fault]
    assert {r.status for r in injected} == {500, 429}, "the fault injection did not fire"
    retried = sum(row.attempts - 1 for row in rows)
    sends = [r for r in local_api.requests() if r.ok and r.method != "getUpdates"]
    print(
        f"{COMPLAINTS} complaints in {took:.1f}s: {len(rows)} rows, {len(injected)} faults injected, "
        f"{retried} retries; none lost, none doubled. Busiest second: {busiest(sends)} requests in all "
        f"(sender {SENDER_RATES['sender_global_rate']:g}/s, server {SERVER_LIMITS.global_rate:g}/s), "
        f"{max(busiest([r for r in sends if r.chat_id == chat]) for chat in chats)} in one chat (sender "
        f"{1 / SENDER_RATES['sender_per_chat_interval']:.1f}/s, server {SERVER_LIMITS.per_chat_rate:g}/s)"
    )
