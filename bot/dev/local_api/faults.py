"""Seeded, per-request fault draws (500, 429, delay) for chaos testing bots."""

from __future__ import annotations

import random
from contextvars import ContextVar
from dataclasses import dataclass

from bot.dev.local_api.config import Faults

# Who is making the current request, for ``Faults.origins``: a front that serves several clients (the chaos
# run gives the bot and the outbox sender each an address of their own) sets it before the call runs.
request_origin: ContextVar[str | None] = ContextVar("request_origin", default=None)


@dataclass(frozen=True)
class FaultDecision:
    delay: float = 0.0
    status: int | None = None

    @property
    def label(self) -> str | None:
        parts = [f"delay {self.delay:g}s"] if self.delay else []
        if self.status is not None:
            parts.append(str(self.status))
        return ", ".join(parts) or None


class FaultInjector:
    def __init__(self, faults: Faults) -> None:
        self.configure(faults)

    def configure(self, faults: Faults) -> None:
        self.faults = faults
        self._random = random.Random(faults.seed)

    def decide(self, method: str) -> FaultDecision:
        faults = self.faults
        if not faults.applies_to(method, request_origin.get()):
            return FaultDecision()
        # Always draw both numbers so that one seed gives the same sequence whatever the shares are.
        delay_draw, error_draw = self._random.random(), self._random.random()
        delay = faults.delay_seconds if delay_draw < faults.delay_share else 0.0
        status: int | None = None
        if error_draw < faults.error_500_share:
            status = 500
        elif error_draw < faults.error_500_share + faults.error_429_share:
            status = 429
        return FaultDecision(delay=delay, status=status)
