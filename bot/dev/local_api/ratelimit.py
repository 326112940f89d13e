"""Flood control: per-chat and per-bot token buckets answering 429 with an integer retry_after."""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from bot.dev.local_api.config import RateLimits


class TokenBucket:
    def __init__(self, rate: float, capacity: int, now: float) -> None:
        self.rate = rate
        self.capacity = float(max(capacity, 1))
        self.tokens = self.capacity
        self.stamp = now

    def _refill(self, now: float) -> None:
        self.tokens = min(self.capacity, self.tokens + max(now - self.stamp, 0.0) * self.rate)
        self.stamp = max(now, self.stamp)

    def wait_time(self, now: float) -> float:
        self._refill(now)
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate

    def take(self, now: float) -> None:
        self._refill(now)
        self.tokens -= 1


class RateLimiter:
    def __init__(self, limits: RateLimits, clock: Callable[[], float] = time.monotonic) -> None:
        self.limits = limits
        self.clock = clock
        self._chats: dict[tuple[int, int], TokenBucket] = {}
        self._bots: dict[int, TokenBucket] = {}

    def _buckets(self, bot_id: int, chat_id: int | None, now: float) -> list[TokenBucket]:
        limits = self.limits
        buckets = [self._bots.setdefault(bot_id, TokenBucket(limits.global_rate, limits.global_burst, now))]
        if chat_id is not None:
            key = (bot_id, chat_id)
            buckets.append(
                self._chats.setdefault(key, TokenBucket(limits.per_chat_rate, limits.per_chat_burst, now))
            )
        return buckets

    def retry_after(self, bot_id: int, chat_id: int | None) -> int | None:
        """Seconds to wait (≥ 1) when the call would exceed a limit, else ``None``."""
        if not self.limits.enabled:
            return None
        now = self.clock()
        wait = max(bucket.wait_time(now) for bucket in self._buckets(bot_id, chat_id, now))
        return max(1, math.ceil(wait)) if wait > 0 else None

    def consume(self, bot_id: int, chat_id: int | None) -> None:
        if not self.limits.enabled:
            return
        now = self.clock()
        for bucket in self._buckets(bot_id, chat_id, now):
            bucket.take(now)

    def reset(self) -> None:
        self._chats.clear()
        self._bots.clear()
