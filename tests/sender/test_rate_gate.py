"""The sender's rate gate spaces a chat's messages by when they really go out, not by when they queued."""

from __future__ import annotations

import asyncio
import itertools

from bot.notices.sender import RateGate


async def test_a_chat_held_back_by_the_global_queue_still_gets_its_full_interval() -> None:
    gate = RateGate(global_rate=10.0, per_chat_interval=0.15)
    # Five chats at once: the global queue lets them out 0.1 s apart, the last one 0.4 s after its chat slot.
    released = await asyncio.gather(*(gate.wait(chat) for chat in range(1, 6)))
    assert await gate.wait(5) - released[-1] >= 0.15


async def test_the_global_rate_and_the_chat_interval_both_hold() -> None:
    gate = RateGate(global_rate=50.0, per_chat_interval=0.1)
    times: list[tuple[int, float]] = []

    async def send(chat: int) -> None:
        for _ in range(3):
            times.append((chat, await gate.wait(chat)))

    await asyncio.gather(*(send(chat) for chat in range(4)))
    for chat in range(4):
        own = [at for who, at in times if who == chat]
        assert all(later - earlier >= 0.1 for earlier, later in itertools.pairwise(own))
    moments = sorted(at for _, at in times)
    # Twelve releases at 50/s span at least 11/50 s (less whatever the first one was woken late).
    assert moments[-1] - moments[0] >= 11 / 50 - 0.05
