"""The sender keeps rows in flight and claims more as they settle: one chat's request that hangs holds back
that chat, not every chat; and a chat's notices still go out one at a time, in order."""

from __future__ import annotations

import asyncio
from collections import Counter, defaultdict
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.notices.sender import OutboxSender, RateGate, SenderSettings
from storage import models
from storage.database import session_factory
from storage.outbox.claims import Outbox, OutboxEntry, OutboxStatus

HUNG_CHAT = 7100
OTHER_CHATS = [7101, 7102, 7103]
LATE_CHATS = [7201, 7202]
PER_CHAT = 3
# Generous: only a sender that stalls (or a broken test) gets near it; no assertion is about speed.
PATIENCE_S = 30.0
SETTINGS = SenderSettings(
    batch_size=4, idle_poll_seconds=0.05, backoff_base_seconds=0.01, backoff_max_seconds=0.05
)


def gate() -> RateGate:
    return RateGate(global_rate=10_000.0, per_chat_interval=0.0)


async def queue(outbox: Outbox, chats: list[int], per_chat: int, tag: str) -> None:
    async with outbox.sessions.begin() as session:
        for n in range(per_chat):
            for chat in chats:
                session.add(
                    models.OutboxMessage(
                        chat_id=chat,
                        kind="test",
                        payload={"n": n},
                        next_attempt_at=models.utcnow(),
                        dedupe_key=f"{tag}:{chat}:{n}",
                    )
                )


@pytest.fixture
async def outbox(clean_engine: AsyncEngine) -> Outbox:
    return Outbox(session_factory(clean_engine), lease=timedelta(seconds=120))


@pytest.fixture
async def stop() -> AsyncIterator[asyncio.Event]:
    event = asyncio.Event()
    yield event
    event.set()


async def claims_of(outbox: Outbox, chat: int) -> list[tuple[str, str | None]]:
    """Each of the chat's rows, oldest first: its status and who holds it."""
    row = models.OutboxMessage
    async with outbox.sessions() as session:
        rows = await session.execute(
            select(row.status, row.claimed_by).where(row.chat_id == chat).order_by(row.id)
        )
        return [(status, claimed_by) for status, claimed_by in rows]


async def until(condition: asyncio.Event, what: str) -> None:
    try:
        await asyncio.wait_for(condition.wait(), PATIENCE_S)
    except TimeoutError:
        pytest.fail(f"{what}: not within {PATIENCE_S}s")


class HangingTelegram:
    """Delivers at once, except the first row of one chat: that request hangs until released."""

    def __init__(self, hung_chat: int, expected_others: int) -> None:
        self.hung_chat = hung_chat
        self.expected_others = expected_others
        self.delivered: dict[int, list[int]] = defaultdict(list)  # chat -> payload n, in delivery order
        self.hang_began = asyncio.Event()
        self.release = asyncio.Event()
        self.others_done = asyncio.Event()
        self.hung_chat_done = asyncio.Event()

    async def deliver(self, entry: OutboxEntry) -> int:
        if entry.chat_id == self.hung_chat and not self.delivered[entry.chat_id]:
            self.hang_began.set()
            await self.release.wait()
        self.delivered[entry.chat_id].append(entry.payload["n"])
        others = sum(len(ns) for chat, ns in self.delivered.items() if chat != self.hung_chat)
        if others >= self.expected_others:
            self.others_done.set()
        if len(self.delivered[self.hung_chat]) == PER_CHAT:
            self.hung_chat_done.set()
        return 1000 + entry.id


async def test_a_hung_request_holds_back_its_own_chat_not_the_others(
    outbox: Outbox, stop: asyncio.Event
) -> None:
    later = len(LATE_CHATS) * PER_CHAT
    telegram = HangingTelegram(HUNG_CHAT, expected_others=len(OTHER_CHATS) * PER_CHAT + later)
    await queue(outbox, [HUNG_CHAT, *OTHER_CHATS], PER_CHAT, "first")
    sender = OutboxSender(outbox, telegram.deliver, gate=gate(), settings=SETTINGS)
    running = asyncio.create_task(sender.run(stop))

    await until(telegram.hang_began, "the hung chat's first request")
    # Notices queued while the request hangs (a handler committed, and woke the sender).
    await queue(outbox, LATE_CHATS, PER_CHAT, "late")
    sender.wake()
    await until(telegram.others_done, "every other chat's notices, the late ones included")

    assert not telegram.release.is_set()
    for chat in OTHER_CHATS + LATE_CHATS:
        assert telegram.delivered[chat] == list(range(PER_CHAT))
    # The hung chat's next notices wait for its first: none of them has gone out, or even been claimed.
    assert telegram.delivered[HUNG_CHAT] == []
    assert await claims_of(outbox, HUNG_CHAT) == [(OutboxStatus.PENDING, sender.sender_id)] + [
        (OutboxStatus.PENDING, None)
    ] * (PER_CHAT - 1)

    telegram.release.set()
    await until(telegram.hung_chat_done, "the hung chat's notices once its request answered")
    assert telegram.delivered[HUNG_CHAT] == list(range(PER_CHAT))
    stop.set()
    await asyncio.wait_for(running, PATIENCE_S)
    assert sender.in_flight == 0
    assert await outbox.pending_count() == 0


class WatchfulTelegram:
    """Fails each chat's first try of every other row (so retries interleave) and records, per chat, what
    arrived and how many of the chat's requests were ever on the wire at once."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.delivered: dict[int, list[int]] = defaultdict(list)
        self.tries: Counter[int] = Counter()
        self.on_wire: Counter[int] = Counter()
        self.most_on_wire_per_chat = 0
        self.most_on_wire = 0
        self.done = asyncio.Event()

    async def deliver(self, entry: OutboxEntry) -> int:
        self.on_wire[entry.chat_id] += 1
        self.most_on_wire_per_chat = max(self.most_on_wire_per_chat, self.on_wire[entry.chat_id])
        self.most_on_wire = max(self.most_on_wire, sum(self.on_wire.values()))
        try:
            for _ in range(3):
                await asyncio.sleep(0)  # a request takes a few turns of the loop, as a real one does
            self.tries[entry.id] += 1
            if entry.payload["n"] % 2 == 0 and self.tries[entry.id] == 1:
                raise ConnectionResetError("the first try of this row is lost")
            self.delivered[entry.chat_id].append(entry.payload["n"])
        finally:
            self.on_wire[entry.chat_id] -= 1
        if sum(len(ns) for ns in self.delivered.values()) == self.total:
            self.done.set()
        return 1000 + entry.id


async def test_a_chat_gets_its_notices_one_at_a_time_in_order_across_retries(
    outbox: Outbox, stop: asyncio.Event
) -> None:
    chats = [7301, 7302, 7303, 7304, 7305, 7306]
    per_chat = 5
    telegram = WatchfulTelegram(total=len(chats) * per_chat)
    await queue(outbox, chats, per_chat, "order")
    sender = OutboxSender(outbox, telegram.deliver, gate=gate(), settings=SETTINGS)
    running = asyncio.create_task(sender.run(stop))

    await until(telegram.done, "every notice")
    stop.set()
    await asyncio.wait_for(running, PATIENCE_S)

    for chat in chats:
        assert telegram.delivered[chat] == list(range(per_chat))
    assert telegram.most_on_wire_per_chat == 1
    assert telegram.most_on_wire > 1  # chats did go out side by side: the order was not kept by going slow
    assert max(telegram.tries.values()) == 2  # the retries happened
    assert await outbox.pending_count() == 0
