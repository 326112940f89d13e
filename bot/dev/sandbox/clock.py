"""The sandbox's time: the real time plus an offset that a person moves forward from the page."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from storage.models import utcnow
from workflow.calendar import WIB, WorkingCalendar, to_wib


@dataclass(frozen=True)
class Jump:
    """From the real instant ``since`` on, the sandbox ran ``offset`` ahead of the real time."""

    since: datetime
    offset: timedelta


class SandboxClock:
    """A callable clock for the services (``clock()`` is now, UTC). Time only moves forward, so a complaint
    never sees its own past change; ``at()`` maps a real instant (e.g. a message's Telegram date) to what the
    sandbox showed then."""

    def __init__(self, calendar: WorkingCalendar, real: Callable[[], datetime] = utcnow) -> None:
        self.calendar = calendar
        self._real = real
        self.jumps: list[Jump] = [Jump(real(), timedelta(0))]
        self._listeners: list[Callable[[datetime], None]] = []

    def __call__(self) -> datetime:
        return self.now()

    def now(self) -> datetime:
        return self._real() + self.offset

    @property
    def offset(self) -> timedelta:
        return self.jumps[-1].offset

    def at(self, real_moment: datetime) -> datetime:
        offset = next((jump.offset for jump in reversed(self.jumps) if jump.since <= real_moment), None)
        return real_moment + (offset if offset is not None else timedelta(0))

    def advance(self, delta: timedelta) -> datetime:
        if delta < timedelta(0):
            raise ValueError("the sandbox clock only moves forward")
        self.jumps.append(Jump(self._real(), self.offset + delta))
        now = self.now()
        for listener in self._listeners:
            listener(now)
        return now

    def advance_working_days(self, days: int) -> datetime:
        """The same WIB time of day on the ``days``-th working day after today (from a Saturday, +1 lands
        on Monday)."""
        if days < 1:
            raise ValueError("advance by at least one working day")
        now = to_wib(self.now())
        target_day = self.calendar.add_working_days(now.date(), days)
        target = datetime.combine(target_day, now.timetz().replace(tzinfo=None), tzinfo=WIB)
        return self.advance(target - now)

    def on_advance(self, listener: Callable[[datetime], None]) -> None:
        """``listener(now)`` runs after every jump: the hook for reminders and auto-close to look at once
        rather than at their next tick."""
        self._listeners.append(listener)
