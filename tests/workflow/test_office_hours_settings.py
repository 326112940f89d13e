"""OFFICE_OPEN and OFFICE_CLOSE reach the working calendar the bot, the scheduler and the reports use."""

from __future__ import annotations

from datetime import datetime, time

import pytest
from pydantic import ValidationError

from bot.app.factory import calendar_from
from bot.app.settings import Settings
from workflow.calendar import WIB

MONDAY = datetime(2026, 11, 30, 7, 30, tzinfo=WIB)  # a working day


def test_the_calendar_keeps_the_configured_office_hours(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OFFICE_OPEN", "07:00")
    monkeypatch.setenv("OFFICE_CLOSE", "15:30")
    calendar = calendar_from(Settings(_env_file=None))
    assert (calendar.office_open, calendar.office_close) == (time(7, 0), time(15, 30))
    # Two office hours from 07:30 end at 09:30; with the default opening (08:00) they would end at 10:00.
    assert calendar.add_working_time(MONDAY, 2) == MONDAY.replace(hour=9)
    # An hour from 15:00: half an hour to the 15:30 close, the other half from Tuesday's 07:00 opening.
    tuesday = datetime(2026, 12, 1, 7, 30, tzinfo=WIB)
    assert calendar.add_working_time(MONDAY.replace(hour=15, minute=0), 1) == tuesday


def test_the_defaults_are_eight_to_four() -> None:
    calendar = calendar_from(Settings(_env_file=None))
    assert (calendar.office_open, calendar.office_close) == (time(8, 0), time(16, 0))


@pytest.mark.parametrize(("opening", "closing"), [("16:00", "16:00"), ("17:00", "08:00")])
def test_an_office_that_closes_before_it_opens_is_refused(opening: str, closing: str) -> None:
    with pytest.raises(ValidationError, match=r"OFFICE_OPEN .* must be before OFFICE_CLOSE"):
        Settings(_env_file=None, office_open=opening, office_close=closing)


def test_office_hours_are_wib_wall_clock_times() -> None:
    with pytest.raises(ValidationError, match="without a time zone"):
        Settings(_env_file=None, office_open="08:00+07:00")
