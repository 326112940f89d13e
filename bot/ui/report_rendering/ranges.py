"""A report period typed by an admin: `01-12-2026 s/d 15-12-2026`, `1/12/2026 - 15/12/2026`,
`1.12.2026 to 15.12.2026`, ISO `2026-12-01 sampai 2026-12-15`, or one date for that one day.

Dates are day-month-year (the Indonesian order) or ISO year-month-day; days and months may have one digit,
the year has four. A range must consist of real dates, start no later than it ends, end no later than today
(WIB), begin no earlier than `EARLIEST`, and span at most `MAX_DAYS` days: a leap year, so that any
calendar year fits while one request cannot ask for several years of rows.

Pure: no clock, no Telegram. A refusal is a `BadRange` whose `reason` names the answer to give.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

MAX_DAYS = 366
EARLIEST = date(2000, 1, 1)

_DMY = r"\d{1,2}[-/.]\d{1,2}[-/.]\d{4}"
_ISO = r"\d{4}-\d{1,2}-\d{1,2}"
_DATE = rf"(?:{_ISO}|{_DMY})"
# "s/d", "s.d.", "sd" (sampai dengan), the words, English "to"/"until", a dash or a tilde.
_SEPARATOR = r"(?:s\s*[/.]?\s*d\.?|sampai(?:\s+dengan)?|hingga|to|until|-|–|—|~)"
_RANGE = re.compile(rf"\s*({_DATE})\s*(?:{_SEPARATOR}\s*({_DATE}))?\s*", re.IGNORECASE)
_ISO_DATE = re.compile(_ISO)
_PARTS = re.compile(r"[-/.]")


@dataclass(frozen=True)
class BadRange(ValueError):
    """Why a typed range was refused: `reason` is one of the `REASONS`; `values` fill its message."""

    reason: str
    values: dict[str, object] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.reason


REASONS = ("format", "no_such_date", "reversed", "future", "too_early", "too_long")


def parse_range(text: str | None, today: date) -> tuple[date, date]:
    """The first and last day (inclusive) of the typed range, or `BadRange`."""
    match = _RANGE.fullmatch(text or "")
    if match is None:
        raise BadRange("format")
    first = _date(match.group(1))
    last = _date(match.group(2)) if match.group(2) else first
    if last < first:
        raise BadRange("reversed", {"first": first, "last": last})
    if last > today:
        raise BadRange("future", {"today": today})
    if first < EARLIEST:
        raise BadRange("too_early", {"earliest": EARLIEST})
    days = (last - first).days + 1
    if days > MAX_DAYS:
        raise BadRange("too_long", {"days": days, "max": MAX_DAYS})
    return first, last


def _date(typed: str) -> date:
    a, b, c = (int(part) for part in _PARTS.split(typed))
    year, month, day = (a, b, c) if _ISO_DATE.fullmatch(typed) else (c, b, a)
    try:
        return date(year, month, day)
    except ValueError:
        raise BadRange("no_such_date", {"typed": typed}) from None
