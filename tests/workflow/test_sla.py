"""Office hours, stage targets and which reminder is due when: pure, with instants written out by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from workflow.actors import Role
from workflow.calendar import WIB, WorkingCalendar
from workflow.definitions import S
from workflow.sla import (
    DEFAULT_STAGE_HOURS,
    ESCALATION,
    WAITING_STAGES,
    Audience,
    ReminderKind,
    StageTargets,
    auto_close_at,
    due_reminders,
    planned_reminders,
    stage_of,
    stage_status,
    working_days_left,
)

CAL = WorkingCalendar()


def wib(month: int, day: int, hour: int = 0, minute: int = 0, year: int = 2026, **kw: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=WIB, **kw)


# -- office hours -----------------------------------------------------------------------------


def test_an_office_day_is_eight_hours_by_default() -> None:
    assert CAL.office_open == time(8, 0)
    assert CAL.office_day == timedelta(hours=8)
    assert WorkingCalendar(office_open=time(7, 30), office_close=time(15, 30)).office_day == timedelta(
        hours=8
    )


def test_office_open_must_come_before_close_and_be_naive() -> None:
    with pytest.raises(ValueError, match="before"):
        WorkingCalendar(office_open=time(16, 0))
    with pytest.raises(ValueError, match="office_open"):
        WorkingCalendar(office_open=time(8, 0, tzinfo=WIB))


@pytest.mark.parametrize(
    ("start", "hours", "due"),
    [
        (wib(11, 25, 10), 2, wib(11, 25, 12)),  # within one Wednesday
        (wib(11, 25, 6, 30), 2, wib(11, 25, 10)),  # before opening: counts from 08:00
        (wib(11, 25, 8), 8, wib(11, 25, 16)),  # a whole day ends at close, not at the next opening
        (wib(11, 25, 15), 2, wib(11, 26, 9)),  # one hour today, one tomorrow
        (wib(11, 25, 16), 2, wib(11, 26, 10)),  # at close: tomorrow's opening
        (wib(11, 27, 15), 2, wib(11, 30, 9)),  # Friday -> Monday
        (wib(11, 28, 11), 1, wib(11, 30, 9)),  # Saturday -> Monday's opening
        # Wednesday 23 Dec 15:00 + 6 h: 1 h on the 23rd; 24 (joint leave), 25 (Christmas), 26-27 weekend.
        (wib(12, 23, 15), 6, wib(12, 28, 13)),
        # 31 Dec 14:00 + 16 h: 2 h, then 1 Jan 2027 closed, 4 Jan 8 h, 5 Jan (Isra' Mi'raj) closed, 6 Jan 6 h.
        (wib(12, 31, 14), 16, wib(1, 6, 14, year=2027)),
        (wib(11, 25, 10), 0.5, wib(11, 25, 10, 30)),
    ],
)
def test_add_working_time(start: datetime, hours: float, due: datetime) -> None:
    assert CAL.add_working_time(start, hours) == due
    assert CAL.add_working_time(start, hours).tzinfo is UTC
    assert CAL.working_time_between(start, due) == timedelta(hours=hours)


@pytest.mark.parametrize(
    ("start", "end", "hours"),
    [
        (wib(11, 25, 10), wib(11, 25, 9), 0),  # backwards
        (wib(11, 25, 17), wib(11, 26, 7), 0),  # overnight, no office time
        (wib(11, 27, 15), wib(11, 30, 9), 2),  # over a weekend
        (wib(11, 28, 9), wib(11, 29, 15), 0),  # all within a weekend
        (wib(11, 25, 0), wib(11, 25, 23, 59), 8),
        (wib(12, 23, 8), wib(12, 29, 8), 16),  # Christmas closure: 23 Dec, 28 Dec
        (wib(12, 23, 8), wib(1, 7, 8, year=2027), 56),  # 23, 28, 29, 30, 31 Dec, 4, 6 Jan
    ],
)
def test_working_time_between(start: datetime, end: datetime, hours: float) -> None:
    assert CAL.working_time_between(start, end) == timedelta(hours=hours)


def test_working_time_respects_operator_days() -> None:
    cal = WorkingCalendar(
        extra_closed=frozenset({date(2026, 11, 26)}), extra_open=frozenset({date(2026, 11, 28)})
    )
    assert cal.add_working_time(wib(11, 25, 15), 2) == wib(11, 27, 9)
    assert cal.add_working_time(wib(11, 27, 15), 2) == wib(11, 28, 9)  # an open Saturday


def test_add_working_time_agrees_with_between_minute_by_minute() -> None:
    start = wib(12, 23, 14, 17)
    for minutes in range(0, 8 * 60 * 3, 7):
        due = CAL.add_working_time(start, timedelta(minutes=minutes))
        assert CAL.working_time_between(start, due) == timedelta(minutes=minutes)
        # The earliest such instant: a minute earlier is not enough.
        if minutes:
            assert CAL.working_time_between(start, due - timedelta(minutes=1)) < timedelta(minutes=minutes)


def test_naive_and_negative_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        CAL.add_working_time(datetime(2026, 11, 25, 10), 1)
    with pytest.raises(ValueError, match=">= 0"):
        CAL.add_working_time(wib(11, 25, 10), -1)


# -- stage targets ----------------------------------------------------------------------------


def test_default_targets_add_up_to_the_standard() -> None:
    targets = StageTargets()
    assert dict(targets.hours) == {
        "at_province": 2,
        "at_city": 2,
        "at_opd": 2,
        "in_follow_up": 6,
        "result_at_city": 2,
        "result_at_province": 2,
    }
    assert targets.total == 2 * CAL.office_day
    assert set(DEFAULT_STAGE_HOURS) == set(WAITING_STAGES) == set(ESCALATION)


def test_targets_are_configurable_per_stage() -> None:
    targets = StageTargets({S.IN_FOLLOW_UP: 10, S.AT_OPD: 1.5})
    assert targets.target(S.IN_FOLLOW_UP) == timedelta(hours=10)
    assert targets.target(S.AT_OPD) == timedelta(hours=1.5)
    assert targets.target(S.AT_CITY) == timedelta(hours=2)
    with pytest.raises(ValueError, match="not waiting"):
        StageTargets({"resolved": 1})
    with pytest.raises(ValueError, match="positive"):
        StageTargets({S.AT_CITY: 0})


def test_meeting_every_target_meets_the_deadline() -> None:
    # From any receipt time, 16 office hours end no later than the 2-working-day deadline.
    start = wib(12, 21, 0)
    for quarter in range(4 * 24 * 14):
        received = start + timedelta(minutes=15 * quarter)
        assert CAL.add_working_time(received, StageTargets().total) <= CAL.deadline(received)


def test_only_admin_held_states_are_stages() -> None:
    assert stage_of(S.RESOLVED, wib(11, 25, 10), CAL) is None
    assert stage_of(S.CLOSED, wib(11, 25, 10), CAL) is None
    stage = stage_of(S.AT_CITY, wib(11, 25, 10), CAL)
    assert stage is not None
    assert stage.due_at == wib(11, 25, 12)


def test_escalation_goes_one_tier_up() -> None:
    assert ESCALATION[S.AT_OPD] == (Role.CITY, "city_org_id")
    assert ESCALATION[S.IN_FOLLOW_UP] == (Role.CITY, "city_org_id")
    assert ESCALATION[S.AT_CITY] == (Role.PROVINCE, "province_org_id")
    assert ESCALATION[S.RESULT_AT_CITY] == (Role.PROVINCE, "province_org_id")
    assert ESCALATION[S.AT_PROVINCE] == (Role.PROVINCE, "province_org_id")


# -- reminders --------------------------------------------------------------------------------


def test_a_stage_within_one_day_has_no_due_day_reminder() -> None:
    stage = stage_of(S.AT_CITY, wib(11, 25, 10), CAL)
    assert stage is not None
    planned = planned_reminders(stage, CAL)
    assert [(r.kind, r.at, r.audience) for r in planned] == [
        (ReminderKind.HALF, wib(11, 25, 11), Audience.HOLDER),
        (ReminderKind.OVERDUE, wib(11, 25, 12, microsecond=1), Audience.TIER_ABOVE),
    ]


def test_follow_up_over_christmas() -> None:
    # Accepted Wednesday 23 Dec 15:00: 6 h run 1 h that day, then Monday 28 Dec 08:00-13:00.
    stage = stage_of(S.IN_FOLLOW_UP, wib(12, 23, 15), CAL)
    assert stage is not None
    assert stage.due_at == wib(12, 28, 13)
    assert [(r.kind, r.at) for r in planned_reminders(stage, CAL)] == [
        (ReminderKind.DUE_TODAY, wib(12, 28, 8)),
        (ReminderKind.HALF, wib(12, 28, 10)),
        (ReminderKind.OVERDUE, wib(12, 28, 13, microsecond=1)),
    ]

    def kinds(now: datetime) -> list[ReminderKind]:
        return [r.kind for r in due_reminders(stage, CAL, now)]

    assert kinds(wib(12, 23, 23)) == []
    assert kinds(wib(12, 25, 12)) == []  # Christmas: nothing
    assert kinds(wib(12, 28, 8)) == [ReminderKind.DUE_TODAY]
    assert kinds(wib(12, 28, 9, 59)) == [ReminderKind.DUE_TODAY]
    assert kinds(wib(12, 28, 10)) == [ReminderKind.HALF]
    assert kinds(wib(12, 28, 13)) == [ReminderKind.HALF]  # due at 13:00 exactly is still on time
    assert kinds(wib(12, 28, 13, 1)) == [ReminderKind.OVERDUE]
    assert kinds(wib(1, 4, 9, year=2027)) == [ReminderKind.OVERDUE]


def test_a_scheduler_back_after_downtime_sends_only_the_current_reminder() -> None:
    stage = stage_of(S.AT_OPD, wib(11, 27, 15), CAL)  # Friday 15:00, due Monday 09:00
    assert stage is not None
    assert [r.kind for r in due_reminders(stage, CAL, wib(11, 30, 12))] == [ReminderKind.OVERDUE]


def test_reminder_keys_name_the_stage() -> None:
    stage = stage_of(S.AT_OPD, wib(11, 25, 10), CAL)
    assert stage is not None
    half = planned_reminders(stage, CAL)[0]
    assert half.key(42, 4) == "stage_half:42:4"
    assert half.key(42, 6) != half.key(42, 4)  # the same state entered again is a new stage


def test_stage_status_for_queues() -> None:
    stage = stage_of(S.AT_OPD, wib(11, 27, 15), CAL)
    assert stage is not None
    before = stage_status(stage, CAL, wib(11, 28, 10))
    assert (before.overdue, before.left) == (False, timedelta(hours=1))
    after = stage_status(stage, CAL, wib(11, 30, 11, 30))
    assert (after.overdue, after.left) == (True, -timedelta(hours=2, minutes=30))


@pytest.mark.parametrize(
    ("resolved", "closes"),
    [
        # Monday 21 Dec: 22, 23, 28, 29, 30, 31 Dec, 4, 6, 7, 8 Jan (5 Jan is Isra' Mi'raj) -> Monday 11 Jan.
        (wib(12, 21, 10), wib(1, 11, 8, year=2027)),
        # After close on Wednesday 23 Dec: counts from Monday 28 Dec; the 10th day after is Wednesday 13 Jan.
        (wib(12, 23, 17), wib(1, 14, 8, year=2027)),
        (wib(11, 2, 9), wib(11, 17, 8)),
    ],
)
def test_auto_close_after_ten_working_days(resolved: datetime, closes: datetime) -> None:
    assert auto_close_at(resolved, CAL) == closes


@pytest.mark.parametrize(
    ("received", "now", "left"),
    [
        # Received Friday after office hours: the receipt day is Monday 7 Dec, the deadline Wednesday 9 Dec.
        (wib(12, 4, 17), wib(12, 4, 18), 2),  # that evening: the target's 2 days, not Mon+Tue+Wed
        (wib(12, 4, 17), wib(12, 5, 10), 2),  # Saturday
        (wib(12, 4, 17), wib(12, 7, 10), 2),  # Monday, the receipt day
        (wib(12, 4, 17), wib(12, 8, 10), 1),
        (wib(12, 4, 17), wib(12, 9, 10), 0),
        (wib(12, 4, 17), wib(12, 10, 10), -1),
        # Received on Saturday: the same receipt day and deadline.
        (wib(12, 5, 9), wib(12, 5, 9, 1), 2),
        # Received Thursday in office hours (deadline Monday): the weekend keeps counting Monday.
        (wib(12, 3, 10), wib(12, 5, 10), 1),
    ],
)
def test_working_days_left_never_exceeds_the_target_before_the_receipt_day(
    received: datetime, now: datetime, left: int
) -> None:
    deadline = CAL.deadline(received, 2)
    assert working_days_left(CAL, received_at=received, deadline=deadline, now=now) == left
