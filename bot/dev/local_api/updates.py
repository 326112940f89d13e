"""A bot's pending updates with Telegram's getUpdates semantics (offset, limit, long-poll timeout)."""

from __future__ import annotations

import time
from typing import Any

from bot.dev.local_api.errors import POLL_CONFLICT, ApiError, conflict
from bot.dev.local_api.notify import Notifier

# Telegram's default when allowed_updates was never set: everything but these.
DEFAULT_EXCLUDED = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


class UpdateQueue:
    def __init__(self) -> None:
        self.pending: list[dict[str, Any]] = []
        self.next_id = 1
        self.handed_out_upto = 0
        self.allowed_updates: frozenset[str] | None = None
        self.changed = Notifier()
        self.closed = False
        self._generation = 0
        self._termination: ApiError = conflict(POLL_CONFLICT)

    def wants(self, kind: str) -> bool:
        if self.allowed_updates is None:
            return kind not in DEFAULT_EXCLUDED
        return kind in self.allowed_updates

    def push(self, kind: str, payload: dict[str, Any]) -> dict[str, Any] | None:
        if not self.wants(kind):
            return None
        update = {"update_id": self.next_id, kind: payload}
        self.next_id += 1
        self.pending.append(update)
        self.changed.notify()
        return update

    def set_allowed(self, allowed: Any) -> None:
        """An empty list means "the default set", ``None`` keeps the previous setting, as on Telegram."""
        if allowed is None:
            return
        self.allowed_updates = frozenset(allowed) if allowed else None

    def confirm(self, offset: int) -> None:
        if offset > 0:
            self.pending = [update for update in self.pending if update["update_id"] >= offset]
        elif offset < 0:
            self.pending = self.pending[offset:]

    def drop_all(self) -> None:
        self.pending.clear()
        self.changed.notify()

    def mark_handed_out(self, updates: list[dict[str, Any]]) -> None:
        if updates:
            self.handed_out_upto = max(self.handed_out_upto, updates[-1]["update_id"])
            self.changed.notify()

    @property
    def undelivered(self) -> int:
        return sum(1 for update in self.pending if update["update_id"] > self.handed_out_upto)

    def terminate_poll(self, error: ApiError) -> None:
        """Makes a getUpdates call that is waiting right now answer ``error``."""
        self._generation += 1
        self._termination = error
        self.changed.notify()

    def close(self) -> None:
        self.closed = True
        self.changed.notify()

    async def get_updates(self, offset: int, limit: int, wait_seconds: float) -> list[dict[str, Any]]:
        self.terminate_poll(conflict(POLL_CONFLICT))
        generation = self._generation
        self.confirm(offset)
        deadline = time.monotonic() + wait_seconds
        while not self.pending and not self.closed:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            await self.changed.wait(remaining)
            if generation != self._generation:
                raise self._termination
        batch = self.pending[:limit]
        self.mark_handed_out(batch)
        return batch
