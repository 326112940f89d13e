"""Working-day calendar for the service standard ("selesai dalam 2 hari kerja").

All instants are timezone-aware; storage is UTC, reasoning happens in WIB (Asia/Jakarta).

Rules:

* A working day is Monday-Friday that is neither an Indonesian public holiday nor a government
  joint-leave day (cuti bersama), per the ``holidays`` package (categories ``public`` and
  ``government``), nor an operator-configured ``extra_closed`` date. An ``extra_open`` date is a
  working day no matter what (open wins over everything).
* Receipt day: a complaint received on a working day strictly before ``office_close`` (WIB) is
  received that day; otherwise (at/after close, or on a closed day) on the next working day.
* Deadline: the end (23:59:59.999999 WIB) of the N-th working day after the receipt day.
* Working days elapsed (start -> end): the number of working days after the start's receipt day up
  to and including the end's *effective day* - its WIB date if that is a working day, else the next
  working day. Rolling a closed end date forward is what makes "on time" exact: finishing on the
  Saturday after a Friday deadline is late, and must not count the same as finishing on Friday.
  Hence ``end <= deadline(start, N)`` if and only if ``working_days_elapsed(start, end) <= N``.
* Working days left (now -> deadline): see :meth:`WorkingCalendar.working_days_left`.
* Working time: office hours are ``office_open``-``office_close`` (WIB) of each working day (08:00-16:00,
  8 hours, by default); nothing else counts. ``working_time_between`` measures office time between two
  instants; ``add_working_time(start, h)`` is the earliest instant by which ``h`` hours of office time have
  passed since ``start`` (a start outside office hours counts from the next opening), so a 2-hour target
  begun at 15:00 on a Friday falls due at 09:00 on the next working day.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays

__all__ = ["WIB", "WorkingCalendar", "to_wib"]

WIB: ZoneInfo = ZoneInfo("Asia/Jakarta")

_WEEKDAY_NAMES = {5: "Saturday", 6: "Sunday"}
CLOSED_BY_OPERATOR = "closed by operator"

# Building the holiday table costs milliseconds per year, and the table is the same for every
# calendar, so it lives at module level rather than on the (frozen, hashable) calendar.
_HOLIDAYS_BY_YEAR: dict[int, Mapping[date, str]] = {}


def _holidays(year: int) -> Mapping[date, str]:
    table = _HOLIDAYS_BY_YEAR.get(year)
    if table is None:
        source = holidays.country_holidays(
            "ID", years=year, categories=("public", "government"), language="en_US"
        )
        table = dict(source.items())
        _HOLIDAYS_BY_YEAR[year] = table
    return table


def _require_aware(moment: datetime, name: str = "datetime") -> None:
    if moment.tzinfo is None or moment.tzinfo.utcoffset(moment) is None:
        raise ValueError(f"{name} must be timezone-aware, got naive {moment!r}")


def _require_date(day: date) -> None:
    # datetime subclasses date; it would silently miss every date-keyed lookup.
    if isinstance(day, datetime) or not isinstance(day, date):
        raise TypeError(f"expected a date, got {type(day).__name__}")


def to_wib(moment: datetime) -> datetime:
    """The same instant expressed in WIB. Raises ``ValueError`` for naive datetimes."""
    _require_aware(moment, "moment")
    return moment.astimezone(WIB)


@dataclass(frozen=True)
class WorkingCalendar:
    extra_closed: frozenset[date] = frozenset()
    extra_open: frozenset[date] = frozenset()
    office_close: time = time(16, 0)
    office_open: time = time(8, 0)
    # year -> sorted ordinals of that year's working days; derived data, so not part of eq/hash.
    _ordinals: dict[int, tuple[int, ...]] = field(
        default_factory=dict, init=False, repr=False, compare=False, hash=False
    )

    def __post_init__(self) -> None:
        # Accept any iterable from configuration but keep the dataclass hashable.
        for name in ("extra_closed", "extra_open"):
            value: Iterable[date] = getattr(self, name)
            days = frozenset(value)
            for day in days:
                _require_date(day)
            object.__setattr__(self, name, days)
        for name in ("office_open", "office_close"):
            value = getattr(self, name)
            if not isinstance(value, time) or value.tzinfo is not None:
                raise ValueError(f"{name} must be a naive time, interpreted in WIB")
        if self.office_open >= self.office_close:
            raise ValueError("office_open must be before office_close")

    # -- days -------------------------------------------------------------------------------

    def closed_reason(self, day: date) -> str | None:
        """Why ``day`` is not a working day, or ``None`` if it is one.

        A holiday name wins over the weekday name (Eid al-Fitr on a Saturday reads as Eid al-Fitr),
        and both win over an operator closure.
        """
        _require_date(day)
        if day in self.extra_open:
            return None
        name = _holidays(day.year).get(day)
        if name is not None:
            return name
        weekday = _WEEKDAY_NAMES.get(day.weekday())
        if weekday is not None:
            return weekday
        if day in self.extra_closed:
            return CLOSED_BY_OPERATOR
        return None

    def is_working_day(self, day: date) -> bool:
        _require_date(day)
        if day in self.extra_open:
            return True
        return day.weekday() < 5 and day not in self.extra_closed and day not in _holidays(day.year)

    def _year_ordinals(self, year: int) -> tuple[int, ...]:
        ordinals = self._ordinals.get(year)
        if ordinals is None:
            first = date(year, 1, 1).toordinal()
            last = date(year, 12, 31).toordinal()
            ordinals = tuple(o for o in range(first, last + 1) if self.is_working_day(date.fromordinal(o)))
            self._ordinals[year] = ordinals
        return ordinals

    def add_working_days(self, day: date, n: int) -> date:
        """The n-th working day strictly after ``day``; for ``n == 0``, ``day`` itself if it is a
        working day, else the next working day."""
        _require_date(day)
        if n < 0:
            raise ValueError(f"n must be >= 0, got {n}")
        if n == 0:
            return day if self.is_working_day(day) else self.add_working_days(day, 1)
        year = day.year
        ordinals = self._year_ordinals(year)
        index = bisect_right(ordinals, day.toordinal())
        while True:
            available = len(ordinals) - index
            if n <= available:
                return date.fromordinal(ordinals[index + n - 1])
            n -= available
            year += 1
            ordinals = self._year_ordinals(year)
            index = 0

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after ``day``."""
        return self.add_working_days(day, 1)

    def count_working_days(self, after: date, up_to: date) -> int:
        """Working days ``d`` with ``after < d <= up_to`` (0 when ``up_to <= after``)."""
        _require_date(after)
        _require_date(up_to)
        return self._count_working_days(after, up_to)

    def _count_working_days(self, after: date, up_to: date) -> int:
        """Working days ``d`` with ``after < d <= up_to``."""
        if up_to <= after:
            return 0
        total = 0
        for year in range(after.year, up_to.year + 1):
            ordinals = self._year_ordinals(year)
            lo = bisect_right(ordinals, after.toordinal()) if year == after.year else 0
            hi = bisect_right(ordinals, up_to.toordinal()) if year == up_to.year else len(ordinals)
            total += hi - lo
        return total

    def _effective_day(self, moment: datetime) -> date:
        """The WIB date of ``moment`` if it is a working day, else the next working day."""
        return self.add_working_days(to_wib(moment).date(), 0)

    # -- instants ---------------------------------------------------------------------------

    def receipt_day(self, received_at: datetime) -> date:
        """The working day a complaint counts as received: its WIB date if that is a working day
        and the time is before ``office_close``; otherwise the next working day."""
        local = to_wib(received_at)
        day = local.date()
        if self.is_working_day(day) and local.time() < self.office_close:
            return day
        return self.next_working_day(day)

    def deadline(self, received_at: datetime, working_days: int = 2) -> datetime:
        """End (23:59:59.999999 WIB) of the ``working_days``-th working day after the receipt day,
        returned as an aware UTC datetime."""
        if working_days < 0:
            raise ValueError(f"working_days must be >= 0, got {working_days}")
        due_day = self.add_working_days(self.receipt_day(received_at), working_days)
        return datetime.combine(due_day, time.max, tzinfo=WIB).astimezone(UTC)

    def working_days_elapsed(self, start: datetime, end: datetime) -> int:
        """Working days after ``start``'s receipt day up to and including ``end``'s effective day
        (its WIB date if working, else the next working day). 0 when ``end`` falls on or before the
        receipt day (including ``end < start``).

        Equivalence, for every N >= 0: ``end <= deadline(start, N)`` iff ``elapsed <= N``.
        The deadline D is the last instant of a working day; ``end <= deadline`` iff end's WIB date
        <= D iff its effective day <= D (D is working), and over working days the count is strictly
        increasing, reaching exactly N at D.
        """
        _require_aware(end, "end")
        return self._count_working_days(self.receipt_day(start), self._effective_day(end))

    def working_days_left(self, now: datetime, deadline: datetime) -> int:
        """Signed working-day distance from ``now`` to ``deadline``, for queue labels.

        With T = WIB date of ``now`` and D = WIB date of ``deadline``:

        * ``now <= deadline``: the number of working days strictly after T up to and including D.
          0 = due today; 1 = one more working day after today; on a closed day every remaining
          working day counts (Saturday before a Tuesday deadline -> 2: Monday and Tuesday).
        * ``now > deadline``: minus the number of working days strictly after D up to and including
          T, but at least 1 - overdue on the weekend right after a Friday deadline is -1.

        So the result is negative exactly when ``now`` is past the deadline. On a working day on or
        after the receipt day, ``working_days_left(now, deadline(r, N)) == N - working_days_elapsed(r, now)``.
        """
        _require_aware(now, "now")
        _require_aware(deadline, "deadline")
        today = to_wib(now).date()
        due_day = to_wib(deadline).date()
        if now <= deadline:
            return self._count_working_days(today, due_day)
        return -max(1, self._count_working_days(due_day, today))

    # -- working time (office hours) --------------------------------------------------------

    @property
    def office_day(self) -> timedelta:
        """The office time of one working day."""
        return _as_delta(self.office_close) - _as_delta(self.office_open)

    def _office_position(self, moment: datetime) -> tuple[date, timedelta]:
        """(working day, office time already passed on it) for ``moment``: a closed day or the time
        after close is the next working day's opening, the time before opening is its day's opening."""
        local = to_wib(moment)
        day = local.date()
        if not self.is_working_day(day) or local.time() >= self.office_close:
            return self.add_working_days(day, 1), timedelta(0)
        offset = _as_delta(local.time()) - _as_delta(self.office_open)
        return day, max(offset, timedelta(0))

    def working_time_between(self, start: datetime, end: datetime) -> timedelta:
        """Office time in ``[start, end)``; zero when ``end <= start``."""
        _require_aware(start, "start")
        _require_aware(end, "end")
        if end <= start:
            return timedelta(0)
        start_day, start_offset = self._office_position(start)
        end_day, end_offset = self._office_position(end)
        whole_days = self._count_working_days(start_day, end_day)
        return max(whole_days * self.office_day + end_offset - start_offset, timedelta(0))

    def add_working_time(self, start: datetime, hours: float | timedelta) -> datetime:
        """The earliest instant by which ``hours`` of office time have passed since ``start`` (UTC).

        The result lies within office hours and can be the closing instant itself: 8 hours from a
        working day's opening is 16:00 that day, not 08:00 the next.
        """
        _require_aware(start, "start")
        amount = hours if isinstance(hours, timedelta) else timedelta(hours=hours)
        if amount < timedelta(0):
            raise ValueError(f"hours must be >= 0, got {hours!r}")
        if amount == timedelta(0):
            return start.astimezone(UTC)
        day, offset = self._office_position(start)
        # Fill the start day first, then whole office days; the last day takes what remains (0 < rest <= day).
        rest = amount + offset
        full_days, remainder = divmod(rest, self.office_day)
        if remainder == timedelta(0):
            full_days, remainder = full_days - 1, self.office_day
        due_day = self.add_working_days(day, full_days)  # `day` is a working day: 0 keeps it
        opening = datetime.combine(due_day, self.office_open, tzinfo=WIB)
        return (opening + remainder).astimezone(UTC)

    def office_opening(self, day: date) -> datetime:
        """The opening instant (UTC) of ``day``'s office hours."""
        _require_date(day)
        return datetime.combine(day, self.office_open, tzinfo=WIB).astimezone(UTC)


def _as_delta(moment: time) -> timedelta:
    return timedelta(
        hours=moment.hour, minutes=moment.minute, seconds=moment.second, microseconds=moment.microsecond
    )
