"""Stage targets and reminders: how long each tier may hold a LaporGub complaint, and who is chased when.

Pure rules, no I/O; README "Stage targets and reminders" states them for people.

* A waiting stage is a state held by a province, city or OPD admin. It starts at the event that entered
  the state (the complaint's latest event) and is due ``target`` office hours later
  (`WorkingCalendar.add_working_time`). The default targets add up to 16 office hours = 2 working days.
* Reminders of one stage, each at an instant:
  - ``stage_half``: half the target used, to the holding organisation's admins;
  - ``stage_due_today``: office opening of the due day, if the stage began on an earlier day, to the same;
  - ``stage_overdue``: just after the due instant, to the tier above (OPD -> its city's Dinkominfo,
    city -> the province; the province, having no tier above, is told itself).
* A reminder is due while ``now`` lies in its window: from its instant up to the next later instant of the
  stage (the overdue window never ends). A scheduler that was down therefore sends only the reminder that
  is current, not a burst of stale ones. Its key (kind, complaint, version) makes it happen once: the
  version names the stage, so a complaint that comes back to a state gets a fresh stage and fresh keys.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from types import MappingProxyType

from workflow.actors import Role
from workflow.calendar import WorkingCalendar, to_wib
from workflow.definitions import S

# The waiting stages, in the order of the service standard's steps.
WAITING_STAGES: tuple[str, ...] = (
    S.AT_PROVINCE,
    S.AT_CITY,
    S.AT_OPD,
    S.IN_FOLLOW_UP,
    S.RESULT_AT_CITY,
    S.RESULT_AT_PROVINCE,
)

DEFAULT_STAGE_HOURS: Mapping[str, float] = MappingProxyType(
    {
        S.AT_PROVINCE: 2,  # step 2: disposition to a city
        S.AT_CITY: 2,  # step 3: jurisdiction check, forward to an OPD
        S.AT_OPD: 2,  # step 4: the OPD verifies it fits its duties
        S.IN_FOLLOW_UP: 6,  # step 4: the follow-up itself
        S.RESULT_AT_CITY: 2,  # step 5: the city confirms the result
        S.RESULT_AT_PROVINCE: 2,  # step 6: the province verifies the result
    }
)

# Who is told when a stage is overdue: (role, the complaint's organisation slot of that role).
ESCALATION: Mapping[str, tuple[Role, str]] = MappingProxyType(
    {
        S.AT_OPD: (Role.CITY, "city_org_id"),
        S.IN_FOLLOW_UP: (Role.CITY, "city_org_id"),
        S.AT_CITY: (Role.PROVINCE, "province_org_id"),
        S.RESULT_AT_CITY: (Role.PROVINCE, "province_org_id"),
        S.AT_PROVINCE: (Role.PROVINCE, "province_org_id"),
        S.RESULT_AT_PROVINCE: (Role.PROVINCE, "province_org_id"),
    }
)

AUTO_CLOSE_WORKING_DAYS = 10


class ReminderKind(StrEnum):
    HALF = "stage_half"
    DUE_TODAY = "stage_due_today"
    OVERDUE = "stage_overdue"


class Audience(StrEnum):
    HOLDER = "holder"  # the admins of the organisation holding the complaint
    TIER_ABOVE = "tier_above"  # the admins of the tier above (see ESCALATION)


@dataclass(frozen=True)
class StageTargets:
    """Office hours allowed per waiting stage; stages not given keep their default."""

    hours: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        unknown = set(self.hours) - set(WAITING_STAGES)
        if unknown:
            raise ValueError(f"not waiting stages: {', '.join(sorted(unknown))}")
        merged = {stage: float(self.hours.get(stage, DEFAULT_STAGE_HOURS[stage])) for stage in WAITING_STAGES}
        for stage, value in merged.items():
            if value <= 0:
                raise ValueError(f"the target of {stage} must be positive, got {value}")
        object.__setattr__(self, "hours", MappingProxyType(merged))

    def target(self, state: str) -> timedelta:
        return timedelta(hours=self.hours[state])

    @property
    def total(self) -> timedelta:
        return sum((self.target(stage) for stage in WAITING_STAGES), timedelta(0))


@dataclass(frozen=True)
class Stage:
    """One stay of a complaint in a waiting state."""

    state: str
    started_at: datetime
    target: timedelta
    due_at: datetime


@dataclass(frozen=True)
class Reminder:
    kind: ReminderKind
    at: datetime  # the instant from which it is due
    audience: Audience

    def key(self, complaint_id: int, version: int) -> str:
        """Stable across runs and processes: the same stage's same reminder always has this key."""
        return f"{self.kind}:{complaint_id}:{version}"


@dataclass(frozen=True)
class StageStatus:
    due_at: datetime
    overdue: bool
    left: timedelta  # office time until due; after it, minus the office time since


def is_waiting(state: str) -> bool:
    return state in ESCALATION


def stage_of(
    state: str, started_at: datetime, calendar: WorkingCalendar, targets: StageTargets | None = None
) -> Stage | None:
    """The stage a complaint in `state` since `started_at` is in; None when no admin is holding it."""
    if not is_waiting(state):
        return None
    target = (targets or StageTargets()).target(state)
    return Stage(state, started_at, target, calendar.add_working_time(started_at, target))


def planned_reminders(stage: Stage, calendar: WorkingCalendar) -> list[Reminder]:
    """Every reminder of the stage, earliest first."""
    planned = [
        Reminder(
            ReminderKind.HALF, calendar.add_working_time(stage.started_at, stage.target / 2), Audience.HOLDER
        )
    ]
    due_day = to_wib(stage.due_at).date()
    if to_wib(stage.started_at).date() < due_day:
        planned.append(Reminder(ReminderKind.DUE_TODAY, calendar.office_opening(due_day), Audience.HOLDER))
    # Due at `due_at` means on time at that very instant: overdue starts just after it.
    planned.append(
        Reminder(ReminderKind.OVERDUE, stage.due_at + timedelta(microseconds=1), Audience.TIER_ABOVE)
    )
    return sorted(planned, key=lambda reminder: reminder.at)


def due_reminders(stage: Stage, calendar: WorkingCalendar, now: datetime) -> list[Reminder]:
    """The reminders whose window holds `now`: reached, and no later reminder of the stage reached yet."""
    reached = [reminder for reminder in planned_reminders(stage, calendar) if reminder.at <= now]
    if not reached:
        return []
    latest = reached[-1].at
    return [reminder for reminder in reached if reminder.at == latest]


def stage_status(stage: Stage, calendar: WorkingCalendar, now: datetime) -> StageStatus:
    """For queues and cards: when the stage is due, whether it is overdue, and by how much office time."""
    if now <= stage.due_at:
        return StageStatus(stage.due_at, False, calendar.working_time_between(now, stage.due_at))
    return StageStatus(stage.due_at, True, -calendar.working_time_between(stage.due_at, now))


def auto_close_at(
    resolved_at: datetime, calendar: WorkingCalendar, working_days: int = AUTO_CLOSE_WORKING_DAYS
) -> datetime:
    """When a result the reporter has not acknowledged is closed for them: the office opening of the first
    working day after the `working_days`-th working day after the result's receipt day (so the reporter has
    every one of those days, and hears of the closing in office hours, not at midnight)."""
    last_day = calendar.add_working_days(calendar.receipt_day(resolved_at), working_days)
    return calendar.office_opening(calendar.next_working_day(last_day))


def working_days_left(
    calendar: WorkingCalendar, *, received_at: datetime, deadline: datetime, now: datetime
) -> int:
    """The working days a complaint has left before its deadline, as its card and queue say them.

    The deadline is the end of the N-th working day *after the receipt day*, so the receipt day itself
    never counts. Before it has begun (a complaint received after office hours or on a closed day, looked
    at that evening or weekend) the count starts from it, as if it were today: a 2-working-day target reads
    "2 days left", never 3. From the receipt day on, this is `WorkingCalendar.working_days_left`.
    """
    receipt_opening = calendar.office_opening(calendar.receipt_day(received_at))
    return calendar.working_days_left(max(now, receipt_opening), deadline)
