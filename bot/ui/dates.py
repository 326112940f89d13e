"""The event date as people write it: numbers, month names in Bahasa Indonesia or English (the bot's own
display format among them), or "today" / "yesterday" in words; never after today in WIB.

A small parser of our own rather than `dateparser`: the forms a reporter types at one step are few and
known, and `dateparser` (with its regex and language data for 200 locales) would be the heaviest import of
the bot for them, and would accept far more than we want to take as a date ("in two weeks", "next Friday").
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from bot.ui.validation import Invalid

_NUMERIC_FORMATS = ("%d-%m-%Y", "%d/%m/%Y", "%Y-%m-%d", "%d.%m.%Y")
# Days ago, by the words people use for them.
_WORDS = {"hari ini": 0, "today": 0, "kemarin": 1, "yesterday": 1}
_MONTHS = {
    # Bahasa Indonesia, with the common abbreviations (and the old spelling Pebruari).
    **dict.fromkeys(("januari", "jan"), 1),
    **dict.fromkeys(("februari", "pebruari", "feb", "peb"), 2),
    **dict.fromkeys(("maret", "mar"), 3),
    **dict.fromkeys(("april", "apr"), 4),
    **dict.fromkeys(("mei",), 5),
    **dict.fromkeys(("juni", "jun"), 6),
    **dict.fromkeys(("juli", "jul"), 7),
    **dict.fromkeys(("agustus", "agu", "agt", "ags", "agus"), 8),
    **dict.fromkeys(("september", "sep", "sept"), 9),
    **dict.fromkeys(("oktober", "okt"), 10),
    **dict.fromkeys(("november", "nov", "nop", "nopember"), 11),
    **dict.fromkeys(("desember", "des"), 12),
    # English.
    **dict.fromkeys(("january",), 1),
    **dict.fromkeys(("february",), 2),
    **dict.fromkeys(("march",), 3),
    **dict.fromkeys(("may",), 5),
    **dict.fromkeys(("june",), 6),
    **dict.fromkeys(("july",), 7),
    **dict.fromkeys(("august", "aug"), 8),
    **dict.fromkeys(("october", "oct"), 10),
    **dict.fromkeys(("december", "dec"), 12),
}
_WEEKDAYS = (
    "senin|selasa|rabu|kamis|jumat|jum'at|sabtu|minggu|ahad"
    "|monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun"
)
_LEADING_WEEKDAY = re.compile(rf"^(?:{_WEEKDAYS})\.?,?\s+")
_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?[\s\-/.]*([a-z]+)\.?[\s\-/.,]*(\d{4})")
_MONTH_DAY_YEAR = re.compile(r"([a-z]+)\.?\s*(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})")


def event_date(text: str, *, today: date) -> date:
    """The date in `text`, which must not be after `today` (the WIB day); `Invalid` says why not."""
    day = parse_date(text, today=today)
    if day is None:
        raise Invalid("bad.event_date.format")
    if day > today:
        raise Invalid("bad.event_date.future")
    return day


def parse_date(text: str, *, today: date) -> date | None:
    """The date `text` names, or None if it names none (a 31 February included)."""
    cleaned = " ".join(text.lower().split()).strip(" .")
    if cleaned in _WORDS:
        return today - timedelta(days=_WORDS[cleaned])
    compact = cleaned.replace(" ", "")
    for pattern in _NUMERIC_FORMATS:
        try:
            return datetime.strptime(compact, pattern).date()
        except ValueError:
            continue
    named = _LEADING_WEEKDAY.sub("", cleaned)
    if found := _DAY_MONTH_YEAR.fullmatch(named):
        day, month, year = found.group(1), found.group(2), found.group(3)
    elif found := _MONTH_DAY_YEAR.fullmatch(named):
        month, day, year = found.group(1), found.group(2), found.group(3)
    else:
        return None
    if month not in _MONTHS:
        return None
    try:
        return date(int(year), _MONTHS[month], int(day))
    except ValueError:
        return None


def days_ago(today: date, ago: int) -> date:
    """The date of a "today" (0) or "yesterday" (1) button."""
    return today - timedelta(days=ago)
