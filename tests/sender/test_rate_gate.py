"""The sender's rate gate spaces a chat's messages by when they really go out, not by when they queued."""

from __future__ import annotations

import asyncio
import itertools
import time

from bot.outbox_sender import RateGate


async def test_a_chat_held_back_by_the_global_queue_still_gets_its_full_interval() -> None:
    gate = RateGate(global_rate=10.0, per_chat_interval=0.15)
    passed: dict[int, float] = {}

    async def send(chat: int) -> None:
        await gate.wait(chat)
        passed[chat] = time.monotonic()

    # Five chats at once: the global queue lets them out 0.1 s apart, the last one 0.4 s late for its slot.
    await asyncio.gather(*(send(chat) for chat in range(1, 6)))
    first = passed[5]
    await gate.wait(5)
    assert time.monotonic() - first >= 0.15 - 0.005


async def test_the_global_rate_and_the_chat_interval_both_hold() -> None:
    gate = RateGate(global_rate=50.0, per_chat_interval=0.1)
    times: list[tuple[int, float]] = []

    async def send(chat: int) -> None:
        for _ in range(3):
            await gate.wait(chat)
            times.append((chat, time.monotonic()))

    await asyncio.gather(*(send(chat) for chat in range(4)))
    moments = sorted(at for _, at in times)
    assert all(later - earlier >= 0.02 - 0.005 for earlier, later in itertools.pairwise(moments))
    for chat in range(4):
        own = [at for who, at in times if who == chat]
        assert all(later - earlier >= 0.1 - 0.005 for earlier, later in itertools.pairwise(own))
