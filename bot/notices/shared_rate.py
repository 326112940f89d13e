"""The outbox senders' rate limit shared through Redis, so several sender processes together stay within
Telegram's rates (about 30 messages/s per bot, 1/s per chat).

Each send reserves its moments in atomic scripts run by Redis, against Redis's own clock (the senders'
clocks may disagree), so a reservation holds for every process at once. A sender that reserved and then
died leaves a gap, never an excess.
"""

from __future__ import annotations

import asyncio
from typing import Any

# Both scripts return how long (µs) the caller waits for its slot. A chat's slot is reserved first, then,
# once it has come, a slot of the bot's global queue; the chat's next slot is spaced from the global one,
# when the message really goes (as in `RateGate`). A busy chat so never holds back the others.
_NOW = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
"""
RESERVE_CHAT = (
    _NOW
    + """
local at = math.max(now, tonumber(redis.call('GET', KEYS[1]) or '0'))
local keep = math.ceil((at - now) / 1000) + 60000
redis.call('SET', KEYS[1], string.format('%d', at + tonumber(ARGV[1])), 'PX', keep)
return at - now
"""
)
RESERVE_GLOBAL = (
    _NOW
    + """
local at = math.max(now, tonumber(redis.call('GET', KEYS[1]) or '0'))
local keep = math.ceil((at - now) / 1000) + 60000
redis.call('SET', KEYS[1], string.format('%d', at + tonumber(ARGV[1])), 'PX', keep)
local chat_next = math.max(tonumber(redis.call('GET', KEYS[2]) or '0'), at + tonumber(ARGV[2]))
redis.call('SET', KEYS[2], string.format('%d', chat_next), 'PX', keep)
return at - now
"""
)


class RedisRateGate:
    """The interface of `bot.notices.sender.RateGate`, shared by every process using the same Redis and
    `scope` (one scope per bot token)."""

    def __init__(
        self, redis: Any, scope: str, global_rate: float = 30.0, per_chat_interval: float = 1.0
    ) -> None:
        self.redis = redis
        self.scope = scope
        self.global_interval_us = round(1_000_000 / global_rate)
        self.per_chat_interval_us = round(per_chat_interval * 1_000_000)
        self._reserve_chat = redis.register_script(RESERVE_CHAT)
        self._reserve_global = redis.register_script(RESERVE_GLOBAL)

    @classmethod
    def from_url(cls, url: str, scope: str, **rates: float) -> RedisRateGate:
        from redis.asyncio import Redis

        return cls(Redis.from_url(url), scope, **rates)

    async def wait(self, chat_id: int) -> None:
        chat_key = f"laporgub:rate:{self.scope}:chat:{chat_id}"
        global_key = f"laporgub:rate:{self.scope}:all"
        await _sleep_us(await self._reserve_chat(keys=[chat_key], args=[self.per_chat_interval_us]))
        await _sleep_us(
            await self._reserve_global(
                keys=[global_key, chat_key], args=[self.global_interval_us, self.per_chat_interval_us]
            )
        )

    async def close(self) -> None:
        await self.redis.aclose()


async def _sleep_us(delay_us: int | bytes) -> None:
    delay = int(delay_us) / 1_000_000
    if delay > 0:
        await asyncio.sleep(delay)
