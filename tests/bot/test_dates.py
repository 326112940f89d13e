"""The event date as people write it (bot/ui/dates.py)."""

from __future__ import annotations

from datetime import date

import pytest

from bot.ui.dates import event_date, parse_date
from bot.ui.validation import Invalid

TODAY = date(2026, 12, 4)  # a Friday


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("hari ini", TODAY),
        ("Hari ini", TODAY),
        ("today", TODAY),
        ("kemarin", date(2026, 12, 3)),
        ("Yesterday.", date(2026, 12, 3)),
        ("4 Desember 2026", TODAY),  # the bot's own date.short
        ("Jumat, 4 Desember 2026", TODAY),  # the bot's own date.long
        ("Friday, 4 December 2026", TODAY),
        ("4 Des 2026", TODAY),
        ("4 des. 2026", TODAY),
        ("4-Des-2026", TODAY),
        ("December 4, 2026", TODAY),
        ("Dec 4 2026", TODAY),
        ("4th December 2026", TODAY),
        ("17 Agustus 2026", date(2026, 8, 17)),
        ("17 Agt 2026", date(2026, 8, 17)),
        ("1 Pebruari 2026", date(2026, 2, 1)),
        ("20-11-2026", date(2026, 11, 20)),
        ("20/11/2026", date(2026, 11, 20)),
        ("20.11.2026", date(2026, 11, 20)),
        ("2026-11-20", date(2026, 11, 20)),
        ("20 - 11 - 2026", date(2026, 11, 20)),
    ],
)
def test_dates_people_write_are_read(text: str, expected: date) -> None:
    assert parse_date(text, today=TODAY) == expected
    assert event_date(text, today=TODAY) == expected


@pytest.mark.parametrize(
    "text", ["31 Februari 2026", "4 Foo 2026", "besok lusa", "next friday", "4 12", "", "2026", "Desember"]
)
def test_what_is_not_a_date_is_refused_as_unreadable(text: str) -> None:
    assert parse_date(text, today=TODAY) is None
    with pytest.raises(Invalid) as refused:
        event_date(text, today=TODAY)
    assert refused.value.key == "bad.event_date.format"


@pytest.mark.parametrize("text", ["5 Desember 2026", "December 5, 2026", "05-12-2026", "1 Januari 2027"])
def test_a_date_after_today_is_refused_as_future(text: str) -> None:
    with pytest.raises(Invalid) as refused:
        event_date(text, today=TODAY)
    assert refused.value.key == "bad.event_date.future"
