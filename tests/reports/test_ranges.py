"""The period an admin types for /rekap: the forms accepted, and a clear reason for every refusal."""

from __future__ import annotations

from datetime import date

import pytest

from bot.ui.report_rendering.ranges import EARLIEST, MAX_DAYS, REASONS, BadRange, parse_range

TODAY = date(2026, 12, 29)


@pytest.mark.parametrize(
    "typed",
    [
        "01-12-2026 s/d 15-12-2026",
        "1-12-2026 s.d. 15-12-2026",
        "1-12-2026 sd 15-12-2026",
        "1/12/2026 - 15/12/2026",
        "1/12/2026-15/12/2026",
        "01-12-2026-15-12-2026",
        "1.12.2026 to 15.12.2026",
        "1/12/2026 TO 15/12/2026",
        "1/12/2026 until 15/12/2026",
        "1/12/2026 sampai 15/12/2026",
        "1/12/2026 sampai dengan 15/12/2026",
        "1/12/2026 hingga 15/12/2026",
        "1/12/2026 – 15/12/2026",
        "2026-12-01 s/d 2026-12-15",
        "  01-12-2026   S/D   15-12-2026  ",
    ],
)
def test_the_forms_of_one_range(typed: str) -> None:
    assert parse_range(typed, TODAY) == (date(2026, 12, 1), date(2026, 12, 15))


def test_one_date_is_that_one_day() -> None:
    assert parse_range("24-12-2026", TODAY) == (date(2026, 12, 24), date(2026, 12, 24))
    assert parse_range("2026-12-24", TODAY) == (date(2026, 12, 24), date(2026, 12, 24))


def test_today_is_the_last_day_allowed() -> None:
    assert parse_range("01-12-2026 s/d 29-12-2026", TODAY) == (date(2026, 12, 1), TODAY)


def test_a_whole_leap_year_fits() -> None:
    assert parse_range("1/1/2024 - 31/12/2024", TODAY) == (date(2024, 1, 1), date(2024, 12, 31))
    assert (date(2024, 12, 31) - date(2024, 1, 1)).days + 1 == MAX_DAYS


def _refused(typed: str | None) -> BadRange:
    with pytest.raises(BadRange) as caught:
        parse_range(typed, TODAY)
    assert caught.value.reason in REASONS
    return caught.value


@pytest.mark.parametrize(
    "typed",
    [
        None,  # a sticker or a photo has no text
        "",
        "bulan lalu",
        "1 Desember 2026",
        "01-12-26 s/d 15-12-26",
        "01-12-2026 s/d",
        "01-12-2026 dan 15-12-2026",
        "01-12-2026 s/d 15-12-2026 s/d 20-12-2026",
        "12/2026",
        "2026",
    ],
)
def test_nonsense_is_refused_as_a_format(typed: str | None) -> None:
    assert _refused(typed).reason == "format"


@pytest.mark.parametrize("typed", ["31-02-2026", "1-13-2026 s/d 2-13-2026", "00-12-2026", "2026-02-30"])
def test_a_date_that_does_not_exist(typed: str) -> None:
    refusal = _refused(typed)
    assert refusal.reason == "no_such_date"
    assert refusal.values["typed"] in typed


def test_a_reversed_range_names_both_days() -> None:
    refusal = _refused("15-12-2026 s/d 01-12-2026")
    assert refusal.reason == "reversed"
    assert refusal.values == {"first": date(2026, 12, 15), "last": date(2026, 12, 1)}


def test_the_future_is_refused() -> None:
    assert _refused("01-12-2026 s/d 30-12-2026").values == {"today": TODAY}
    assert _refused("1-1-2027").reason == "future"


def test_too_early_and_too_long() -> None:
    assert _refused("31-12-1999 s/d 1-1-2000").values == {"earliest": EARLIEST}
    refusal = _refused("1/1/2025 - 2/1/2026")
    assert refusal.reason == "too_long"
    assert refusal.values == {"days": 367, "max": MAX_DAYS}
