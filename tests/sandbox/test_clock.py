"""The sandbox clock: real time plus an offset, moved forward by working days at the same time of day."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.dev.sandbox import SandboxClock
from tests.sandbox.conftest import BEFORE_CHRISTMAS, FrozenRealTime
from workflow.calendar import WIB, WorkingCalendar, to_wib


def clock_at(moment: datetime) -> tuple[SandboxClock, FrozenRealTime]:
    real = FrozenRealTime(moment)
    return SandboxClock(WorkingCalendar(), real=real), real


def test_it_starts_at_the_real_time_and_follows_it() -> None:
    clock, real = clock_at(BEFORE_CHRISTMAS)
    assert clock() == BEFORE_CHRISTMAS
    real.now += timedelta(minutes=5)
    assert clock.now() == BEFORE_CHRISTMAS + timedelta(minutes=5)


def test_one_working_day_skips_joint_leave_christmas_and_the_weekend() -> None:
    clock, _ = clock_at(BEFORE_CHRISTMAS)
    moved = clock.advance_working_days(1)
    assert to_wib(moved) == datetime(2026, 12, 28, 10, 0, tzinfo=WIB)
    assert clock.offset == timedelta(days=5)


def test_ten_working_days_skip_new_year_too() -> None:
    clock, _ = clock_at(BEFORE_CHRISTMAS)
    assert to_wib(clock.advance_working_days(10)) == datetime(2027, 1, 12, 10, 0, tzinfo=WIB)


def test_jumps_add_up_and_real_time_keeps_running_after_them() -> None:
    clock, real = clock_at(datetime(2026, 12, 18, 2, 30, tzinfo=UTC))  # Friday 09:30 WIB
    clock.advance_working_days(2)
    assert to_wib(clock.now()) == datetime(2026, 12, 22, 9, 30, tzinfo=WIB)
    real.now += timedelta(hours=1)
    clock.advance_working_days(1)
    assert to_wib(clock.now()) == datetime(2026, 12, 23, 10, 30, tzinfo=WIB)


def test_from_a_saturday_one_working_day_is_monday() -> None:
    clock, _ = clock_at(datetime(2026, 12, 5, 5, 0, tzinfo=UTC))  # Saturday 12:00 WIB
    assert to_wib(clock.advance_working_days(1)) == datetime(2026, 12, 7, 12, 0, tzinfo=WIB)


def test_a_real_instant_maps_to_what_the_sandbox_showed_then() -> None:
    clock, real = clock_at(BEFORE_CHRISTMAS)
    before = real.now
    real.now += timedelta(minutes=1)
    clock.advance_working_days(1)
    after = real.now + timedelta(seconds=30)
    assert clock.at(before) == before
    assert clock.at(after) == after + timedelta(days=5)


def test_time_never_goes_back() -> None:
    clock, _ = clock_at(BEFORE_CHRISTMAS)
    with pytest.raises(ValueError, match="forward"):
        clock.advance(timedelta(hours=-1))
    with pytest.raises(ValueError, match="at least one"):
        clock.advance_working_days(0)


def test_listeners_hear_every_jump() -> None:
    clock, _ = clock_at(BEFORE_CHRISTMAS)
    heard: list[datetime] = []
    clock.on_advance(heard.append)
    clock.advance_working_days(1)
    clock.advance(timedelta(hours=2))
    assert heard == [BEFORE_CHRISTMAS + timedelta(days=5), BEFORE_CHRISTMAS + timedelta(days=5, hours=2)]
