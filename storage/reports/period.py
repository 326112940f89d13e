"""The period a report covers: whole days in WIB, the first to the last inclusive."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from workflow.calendar import WIB, to_wib


@dataclass(frozen=True)
class Period:
    first_day: date
    last_day: date  # inclusive

    def __post_init__(self) -> None:
        if self.last_day < self.first_day:
            raise ValueError("a period ends on or after the day it starts")

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first_day, time(0), tzinfo=WIB).astimezone(UTC)

    @property
    def end(self) -> datetime:
        """The first instant after the period."""
        return datetime.combine(self.last_day + timedelta(days=1), time(0), tzinfo=WIB).astimezone(UTC)

    @classmethod
    def this_month(cls, now: datetime) -> Period:
        today = to_wib(now).date()
        return cls(today.replace(day=1), today)

    @classmethod
    def last_month(cls, now: datetime) -> Period:
        last_day = to_wib(now).date().replace(day=1) - timedelta(days=1)
        return cls(last_day.replace(day=1), last_day)

    @classmethod
    def this_year(cls, now: datetime) -> Period:
        today = to_wib(now).date()
        return cls(date(today.year, 1, 1), today)
