from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone

import pytest

from workflow.calendar import WIB, WorkingCalendar, to_wib

CAL = WorkingCalendar()


def wib(year: int, month: int, day: int, hour: int = 0, minute: int = 0, **kw: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=WIB, **kw)


def end_of(day: date) -> datetime:
    return datetime.combine(day, time.max, tzinfo=WIB).astimezone(UTC)


# -- working days ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "reason"),
    [
        (date(2026, 12, 26), "Saturday"),
        (date(2026, 12, 27), "Sunday"),
        (date(2026, 8, 17), "Independence Day"),
        (date(2026, 12, 25), "Christmas Day"),
        (date(2026, 12, 24), "Christmas Joint Holiday"),
        (date(2026, 3, 20), "Eid al-Fitr Joint Holiday"),
        (date(2026, 3, 23), "Eid al-Fitr Joint Holiday"),
        (date(2026, 3, 24), "Eid al-Fitr Joint Holiday"),
        (date(2027, 1, 1), "New Year's Day"),
    ],
)
def test_closed_days_and_reasons(day: date, reason: str) -> None:
    assert not CAL.is_working_day(day)
    assert CAL.closed_reason(day) == reason


def test_holiday_on_weekend_reports_the_holiday() -> None:
    # Eid al-Fitr 2026 falls on Saturday 21 March.
    assert CAL.closed_reason(date(2026, 3, 21)) == "Eid al-Fitr"


@pytest.mark.parametrize(
    "day",
    [date(2026, 12, 23), date(2026, 12, 28), date(2026, 3, 25), date(2026, 8, 18), date(2027, 1, 4)],
)
def test_ordinary_weekdays_are_working(day: date) -> None:
    assert CAL.is_working_day(day)
    assert CAL.closed_reason(day) is None


def test_operator_closed_day() -> None:
    cal = WorkingCalendar(extra_closed=frozenset({date(2026, 12, 28)}))
    assert not cal.is_working_day(date(2026, 12, 28))
    assert cal.closed_reason(date(2026, 12, 28)) == "closed by operator"
    assert cal.next_working_day(date(2026, 12, 23)) == date(2026, 12, 29)


def test_operator_open_day_wins_over_weekend_and_holiday() -> None:
    cal = WorkingCalendar(
        extra_open=frozenset({date(2026, 12, 26), date(2026, 12, 25)}),
        extra_closed=frozenset({date(2026, 12, 25)}),
    )
    assert cal.is_working_day(date(2026, 12, 26))
    assert cal.is_working_day(date(2026, 12, 25))
    assert cal.closed_reason(date(2026, 12, 25)) is None
    assert cal.next_working_day(date(2026, 12, 23)) == date(2026, 12, 25)


def test_calendar_is_hashable_and_compares_by_configuration() -> None:
    a = WorkingCalendar(extra_closed=frozenset({date(2026, 1, 2)}))
    b = WorkingCalendar(extra_closed=frozenset({date(2026, 1, 2)}))
    a.is_working_day(date(2026, 1, 5))  # warms a's cache; must not affect equality
    assert a == b
    assert hash(a) == hash(b)
    assert a != WorkingCalendar()


def test_configuration_accepts_plain_iterables() -> None:
    cal = WorkingCalendar(extra_closed=[date(2026, 12, 28)])  # type: ignore[arg-type]
    assert cal.extra_closed == frozenset({date(2026, 12, 28)})
    hash(cal)


def test_rejects_datetime_where_date_expected() -> None:
    with pytest.raises(TypeError):
        CAL.is_working_day(wib(2026, 12, 23, 10))


def test_rejects_aware_office_close() -> None:
    with pytest.raises(ValueError, match="office_close"):
        WorkingCalendar(office_close=time(16, 0, tzinfo=WIB))


def test_next_working_day_is_strictly_after() -> None:
    assert CAL.next_working_day(date(2026, 12, 22)) == date(2026, 12, 23)
    assert CAL.next_working_day(date(2026, 12, 23)) == date(2026, 12, 28)
    assert CAL.next_working_day(date(2026, 12, 31)) == date(2027, 1, 4)
    assert CAL.next_working_day(date(2026, 3, 17)) == date(2026, 3, 25)


def test_add_working_days() -> None:
    assert CAL.add_working_days(date(2026, 12, 23), 0) == date(2026, 12, 23)
    assert CAL.add_working_days(date(2026, 12, 26), 0) == date(2026, 12, 28)
    assert CAL.add_working_days(date(2026, 12, 23), 1) == date(2026, 12, 28)
    assert CAL.add_working_days(date(2026, 12, 23), 2) == date(2026, 12, 29)
    assert CAL.add_working_days(date(2026, 12, 26), 2) == date(2026, 12, 29)
    assert CAL.add_working_days(date(2026, 12, 30), 2) == date(2027, 1, 4)
    # Across a whole year: 2026 and 2027 working-day counts must add up.
    first_2026 = CAL.add_working_days(date(2025, 12, 31), 1)
    assert CAL.add_working_days(date(2025, 12, 31), 600) == CAL.add_working_days(first_2026, 599)
    with pytest.raises(ValueError, match="n must be"):
        CAL.add_working_days(date(2026, 12, 23), -1)


def test_add_working_days_matches_day_by_day_walk() -> None:
    day = date(2026, 1, 1)
    walked: list[date] = []
    probe = day
    while len(walked) < 300:
        probe += timedelta(days=1)
        if CAL.is_working_day(probe):
            walked.append(probe)
    for n in (1, 2, 17, 240, 241, 300):
        assert CAL.add_working_days(day, n) == walked[n - 1]


# -- receipt day ----------------------------------------------------------------------------


def test_office_hours_boundary() -> None:
    assert CAL.receipt_day(wib(2026, 12, 22, 15, 59, second=59, microsecond=999_999)) == date(2026, 12, 22)
    assert CAL.receipt_day(wib(2026, 12, 22, 15, 59)) == date(2026, 12, 22)
    assert CAL.receipt_day(wib(2026, 12, 22, 16, 0)) == date(2026, 12, 23)


def test_office_close_is_configurable() -> None:
    cal = WorkingCalendar(office_close=time(15, 0))
    assert cal.receipt_day(wib(2026, 12, 22, 14, 59)) == date(2026, 12, 22)
    assert cal.receipt_day(wib(2026, 12, 22, 15, 0)) == date(2026, 12, 23)


def test_receipt_day_uses_wib_not_utc() -> None:
    # 08:30 UTC = 15:30 WIB (before close); 09:00 UTC = 16:00 WIB (at close).
    assert CAL.receipt_day(datetime(2026, 12, 22, 8, 30, tzinfo=UTC)) == date(2026, 12, 22)
    assert CAL.receipt_day(datetime(2026, 12, 22, 9, 0, tzinfo=UTC)) == date(2026, 12, 23)
    # 20:00 UTC Monday is already 03:00 WIB Tuesday.
    assert CAL.receipt_day(datetime(2026, 12, 21, 20, 0, tzinfo=UTC)) == date(2026, 12, 22)
    # Any fixed offset works, not only ZoneInfo.
    assert CAL.receipt_day(datetime(2026, 12, 22, 17, 30, tzinfo=timezone(timedelta(hours=9)))) == date(
        2026, 12, 22
    )


def test_receipt_on_closed_day_moves_to_next_working_day() -> None:
    assert CAL.receipt_day(wib(2026, 12, 26, 9)) == date(2026, 12, 28)
    assert CAL.receipt_day(wib(2026, 12, 24, 9)) == date(2026, 12, 28)
    assert CAL.receipt_day(wib(2026, 8, 17, 9)) == date(2026, 8, 18)


def test_naive_datetimes_rejected() -> None:
    naive = datetime(2026, 12, 23, 10, 0)
    aware = wib(2026, 12, 23, 10)
    with pytest.raises(ValueError, match="timezone-aware"):
        CAL.receipt_day(naive)
    with pytest.raises(ValueError, match="timezone-aware"):
        CAL.deadline(naive)
    with pytest.raises(ValueError, match="timezone-aware"):
        CAL.working_days_elapsed(aware, naive)
    with pytest.raises(ValueError, match="timezone-aware"):
        CAL.working_days_elapsed(naive, aware)
    with pytest.raises(ValueError, match="timezone-aware"):
        CAL.working_days_left(naive, aware)
    with pytest.raises(ValueError, match="timezone-aware"):
        CAL.working_days_left(aware, naive)
    with pytest.raises(ValueError, match="timezone-aware"):
        to_wib(naive)


def test_to_wib() -> None:
    moment = to_wib(datetime(2026, 12, 23, 3, 0, tzinfo=UTC))
    assert moment.tzinfo == WIB
    assert (moment.hour, moment.day) == (10, 23)


# -- deadline -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "due_day"),
    [
        # 24 Dec joint leave, 25 Dec Christmas, 26-27 weekend.
        (wib(2026, 12, 23, 10), date(2026, 12, 29)),
        # After close: receipt Mon 28.
        (wib(2026, 12, 23, 17), date(2026, 12, 30)),
        # Saturday: receipt Mon 28.
        (wib(2026, 12, 26, 11), date(2026, 12, 30)),
        # 31 Dec (1), 1 Jan holiday, 2-3 Jan weekend, Mon 4 Jan (2).
        (wib(2026, 12, 30, 10), date(2027, 1, 4)),
        # Nyepi and Idul Fitri 2026: 18-24 March closed.
        (wib(2026, 3, 17, 10), date(2026, 3, 26)),
        # Independence Day Monday 17 Aug 2026, received Friday at close.
        (wib(2026, 8, 14, 16), date(2026, 8, 20)),
    ],
)
def test_deadline_cases(received: datetime, due_day: date) -> None:
    deadline = CAL.deadline(received)
    assert deadline.tzinfo == UTC
    assert deadline == end_of(due_day)
    local = to_wib(deadline)
    assert local.date() == due_day
    assert local.time() == time(23, 59, 59, 999_999)


def test_deadline_with_other_n_and_operator_days() -> None:
    received = wib(2026, 12, 23, 10)
    assert CAL.deadline(received, 0) == end_of(date(2026, 12, 23))
    assert CAL.deadline(received, 3) == end_of(date(2026, 12, 30))
    opened = WorkingCalendar(extra_open=frozenset({date(2026, 12, 26)}))
    assert opened.deadline(received) == end_of(date(2026, 12, 28))
    closed = WorkingCalendar(extra_closed=frozenset({date(2026, 12, 28)}))
    assert closed.deadline(wib(2026, 12, 26, 11)) == end_of(date(2026, 12, 31))
    with pytest.raises(ValueError, match="working_days"):
        CAL.deadline(received, -1)


# -- elapsed --------------------------------------------------------------------------------


def test_working_days_elapsed_examples() -> None:
    start = wib(2026, 12, 23, 10)
    assert CAL.working_days_elapsed(start, wib(2026, 12, 23, 20)) == 0
    assert CAL.working_days_elapsed(start, wib(2026, 12, 25, 9)) == 1  # holiday rolls to Mon 28
    assert CAL.working_days_elapsed(start, wib(2026, 12, 28, 9)) == 1
    assert CAL.working_days_elapsed(start, wib(2026, 12, 29, 23, 59)) == 2
    assert CAL.working_days_elapsed(start, wib(2026, 12, 30, 0, 0)) == 3
    assert CAL.working_days_elapsed(start, wib(2027, 1, 2, 9)) == 5  # Saturday rolls to Mon 4 Jan
    # Received after close: the evening itself is before the receipt day.
    assert CAL.working_days_elapsed(wib(2026, 12, 22, 17), wib(2026, 12, 22, 18)) == 0
    assert CAL.working_days_elapsed(wib(2026, 12, 22, 17), wib(2026, 12, 23, 9)) == 0
    # End before start is clamped to 0.
    assert CAL.working_days_elapsed(start, wib(2026, 12, 1)) == 0


def test_elapsed_over_a_long_span() -> None:
    start = wib(2025, 12, 31, 10)
    end = wib(2027, 12, 31, 10)
    expected = sum(
        1
        for offset in range(1, (end.date() - start.date()).days + 1)
        if CAL.is_working_day(start.date() + timedelta(days=offset))
    )
    assert CAL.working_days_elapsed(start, end) == expected


def test_completion_on_weekend_after_friday_deadline_is_late() -> None:
    received = wib(2026, 12, 9, 10)  # Wed -> deadline end of Fri 11 Dec
    assert CAL.deadline(received) == end_of(date(2026, 12, 11))
    saturday = wib(2026, 12, 12, 9)
    assert saturday > CAL.deadline(received)
    assert CAL.working_days_elapsed(received, saturday) == 3


def _sample_instants() -> list[datetime]:
    moment = wib(2026, 12, 1, 0, 0)
    stop = wib(2027, 1, 20)
    out: list[datetime] = []
    step = timedelta(hours=5, minutes=17)
    while moment < stop:
        out.append(moment)
        moment += step
    # Exact boundaries matter most.
    out += [wib(2026, 12, 23, 15, 59), wib(2026, 12, 23, 16, 0), wib(2026, 12, 30, 16, 0)]
    return out


@pytest.mark.parametrize(
    "cal",
    [
        CAL,
        WorkingCalendar(
            extra_closed=frozenset({date(2026, 12, 28), date(2027, 1, 6)}),
            extra_open=frozenset({date(2027, 1, 2)}),
            office_close=time(15, 30),
        ),
    ],
    ids=["default", "operator"],
)
def test_elapsed_within_target_iff_completed_by_deadline(cal: WorkingCalendar) -> None:
    instants = _sample_instants()
    starts = instants[::3]
    for start in starts:
        for n in range(4):
            deadline = cal.deadline(start, n)
            ends = [e for e in instants if e >= start]
            ends += [deadline, deadline + timedelta(microseconds=1)]
            for end in ends:
                assert (end <= deadline) == (cal.working_days_elapsed(start, end) <= n), (start, end, n)


# -- left -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "left"),
    [
        (wib(2026, 12, 23, 10), 2),  # Wed receipt day: Mon 28, Tue 29 remain after today
        (wib(2026, 12, 24, 10), 2),  # joint leave
        (wib(2026, 12, 25, 10), 2),  # Christmas
        (wib(2026, 12, 26, 10), 2),  # Saturday: Monday and Tuesday still ahead
        (wib(2026, 12, 28, 10), 1),
        (wib(2026, 12, 29, 8), 0),  # due today
        (wib(2026, 12, 29, 23, 59), 0),
        (wib(2026, 12, 30, 0, 0), -1),
        (wib(2026, 12, 31, 10), -2),
        (wib(2027, 1, 1, 10), -2),  # New Year's Day adds nothing
        (wib(2027, 1, 3, 10), -2),  # nor does the weekend
        (wib(2027, 1, 4, 10), -3),
    ],
)
def test_working_days_left_around_holidays(now: datetime, left: int) -> None:
    deadline = CAL.deadline(wib(2026, 12, 23, 10))
    assert CAL.working_days_left(now, deadline) == left


@pytest.mark.parametrize(
    ("now", "left"),
    [
        (wib(2026, 12, 11, 12), 0),  # Fri, due today
        (wib(2026, 12, 12, 9), -1),  # Sat: overdue, although no working day has passed yet
        (wib(2026, 12, 13, 9), -1),
        (wib(2026, 12, 14, 9), -1),
        (wib(2026, 12, 15, 9), -2),
    ],
)
def test_working_days_left_over_weekend_after_friday_deadline(now: datetime, left: int) -> None:
    deadline = CAL.deadline(wib(2026, 12, 9, 10))
    assert CAL.working_days_left(now, deadline) == left


def test_working_days_left_before_receipt_day_counts_receipt_day() -> None:
    received = wib(2026, 12, 22, 17)  # after close: receipt Wed 23, deadline Tue 29
    assert CAL.working_days_left(wib(2026, 12, 22, 18), CAL.deadline(received)) == 3


def test_left_sign_and_identity_with_elapsed() -> None:
    instants = _sample_instants()
    for received in instants[::7]:
        for n in (0, 2):
            deadline = CAL.deadline(received, n)
            receipt = CAL.receipt_day(received)
            for now in instants:
                left = CAL.working_days_left(now, deadline)
                assert (left < 0) == (now > deadline), (received, now)
                today = to_wib(now).date()
                if now >= received and today >= receipt and CAL.is_working_day(today):
                    assert left == n - CAL.working_days_elapsed(received, now), (received, now)
