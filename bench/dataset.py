"""A synthetic province: complaints walked through the real state machine, 10 events each on average.

Complaints older than 20 days are finished (closed after acknowledgement or auto-close, some rejected);
those of the last 20 days are partly resolved and partly still waiting at every tier, as in a live system.
Each path has 10 events, except that a few waiting states can only be reached in 9 or 11 (every loop,
a return and its re-send, adds two), alternated so the average stays 10.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from workflow.actors import Role
from workflow.calendar import WorkingCalendar
from workflow.definitions import LAPORGUB, S, T

_SLOT_OF = {Role.PROVINCE: "province", Role.CITY: "city", Role.OPD: "opd"}
_NEXT = {(step.source, step.trigger): step.dest for step in LAPORGUB.steps}

_SUBMITTED = [T.SUBMIT, T.DISPOSE, T.FORWARD, T.ACCEPT, T.SUBMIT_RESULT]
_FINISHED = {
    "closed_ack": [
        *_SUBMITTED,
        T.REQUEST_REVISION,
        T.SUBMIT_RESULT,
        T.CONFIRM_RESULT,
        T.APPROVE,
        T.ACKNOWLEDGE,
    ],
    "closed_auto": [
        T.SUBMIT,
        T.DISPOSE,
        T.FORWARD,
        T.RETURN_TO_CITY,
        T.FORWARD,
        T.ACCEPT,
        T.SUBMIT_RESULT,
        T.CONFIRM_RESULT,
        T.APPROVE,
        T.AUTO_CLOSE,
    ],
    "closed_rtp": [
        T.SUBMIT,
        T.DISPOSE,
        T.RETURN_TO_PROVINCE,
        T.DISPOSE,
        T.FORWARD,
        T.ACCEPT,
        T.SUBMIT_RESULT,
        T.CONFIRM_RESULT,
        T.APPROVE,
        T.ACKNOWLEDGE,
    ],
    "rejected": [T.SUBMIT, *[T.DISPOSE, T.RETURN_TO_PROVINCE] * 4, T.REJECT],
}
_FINISHED_WEIGHTS = [50, 25, 20, 5]
_RESOLVED = (
    [*_SUBMITTED, T.CONFIRM_RESULT, T.RETURN_RESULT, T.CONFIRM_RESULT, T.APPROVE],
    [
        *_SUBMITTED,
        T.REQUEST_REVISION,
        T.SUBMIT_RESULT,
        T.CONFIRM_RESULT,
        T.RETURN_RESULT,
        T.CONFIRM_RESULT,
        T.APPROVE,
    ],
)
_WAITING: tuple[tuple[list[str], ...], ...] = (
    ([T.SUBMIT, *[T.DISPOSE, T.RETURN_TO_PROVINCE] * 4], [T.SUBMIT, *[T.DISPOSE, T.RETURN_TO_PROVINCE] * 5]),
    ([T.SUBMIT, T.DISPOSE, *[T.RETURN_TO_PROVINCE, T.DISPOSE] * 4],),
    (
        [T.SUBMIT, T.DISPOSE, T.FORWARD, *[T.RETURN_TO_CITY, T.FORWARD] * 3],
        [T.SUBMIT, T.DISPOSE, T.FORWARD, *[T.RETURN_TO_CITY, T.FORWARD] * 4],
    ),
    ([T.SUBMIT, T.DISPOSE, T.FORWARD, T.ACCEPT, *[T.SUBMIT_RESULT, T.REQUEST_REVISION] * 3],),
    (
        [*_SUBMITTED, *[T.REQUEST_REVISION, T.SUBMIT_RESULT] * 2],
        [*_SUBMITTED, *[T.REQUEST_REVISION, T.SUBMIT_RESULT] * 3],
    ),
    (
        [
            *_SUBMITTED,
            T.REQUEST_REVISION,
            T.SUBMIT_RESULT,
            T.CONFIRM_RESULT,
            T.RETURN_RESULT,
            T.CONFIRM_RESULT,
        ],
    ),
)
_REASONS = (
    "Bukan kewenangan kota ini",
    "Bukan tugas dan fungsi OPD kami",
    "Foto hasil kurang jelas",
    "Hasil tindak lanjut belum lengkap",
    "Lokasi berada di kabupaten lain",
)
_CHANNELS = ("telegram",) * 14 + (
    "telephone",
    "telephone",
    "email",
    "website",
    "twitter",
    "instagram",
    "direct",
)
_SUBJECTS = (
    "Jalan berlubang",
    "Sampah menumpuk",
    "Lampu jalan padam",
    "Saluran air tersumbat",
    "Pungutan liar",
)
_CHRONOLOGY = (
    "Sejak dua minggu lalu ada lubang besar di depan toko batik dekat perempatan; sudah ada pengendara "
    "motor yang jatuh pada malam hari karena tidak ada penerangan. Warga sudah melapor ke kelurahan tetapi "
    "belum ada tindak lanjut."
)
# "Now" for the data and the queries: a Friday, 11:00 WIB.
NOW = datetime(2026, 12, 18, 4, 0, tzinfo=UTC)
# Office-time pace of one admin step, in hours: most quick, some slow, a few very late.
_PACES = (0.5, 1.0, 2.0, 2.0, 3.0, 6.0, 12.0, 30.0)


@dataclass(frozen=True)
class Organisations:
    province: int
    cities: list[int]
    opds_of: dict[int, list[int]]

    @property
    def opds(self) -> list[int]:
        return [opd for opds in self.opds_of.values() for opd in opds]

    @property
    def province_only(self) -> list[int]:
        return [self.province]


class Dataset:
    REPORTER_COLUMNS = (
        "id",
        "telegram_id",
        "full_name",
        "nik",
        "phone",
        "address",
        "language",
        "created_at",
        "updated_at",
    )
    COMPLAINT_COLUMNS = (
        "id",
        "tracking_number",
        "kind",
        "state",
        "version",
        "reporter_id",
        "current_org_id",
        "province_org_id",
        "city_org_id",
        "opd_org_id",
        "channel",
        "confidential",
        "subject",
        "chronology",
        "event_date",
        "event_place",
        "received_at",
        "deadline",
        "result_text",
        "rating",
        "resolved_at",
        "updated_at",
    )
    EVENT_COLUMNS = (
        "id",
        "complaint_id",
        "version",
        "trigger",
        "from_state",
        "to_state",
        "actor_role",
        "actor_reporter_id",
        "actor_name",
        "org_id",
        "to_org_id",
        "reason",
        "at",
    )

    def __init__(
        self, orgs: Organisations, calendar: WorkingCalendar, complaints: int, years: int, *, seed: int
    ) -> None:
        self.orgs = orgs
        self.calendar = calendar
        self.complaints = complaints
        self.reporters = max(1, complaints // 5)
        self.end = NOW
        self.start = self.end - timedelta(days=365 * years)
        self.seed = seed
        self.events_written = 0
        self._next_event_id = 1
        self._deadlines: dict[tuple[date, bool], datetime] = {}

    def reporter_rows(self) -> list[tuple[Any, ...]]:
        created = self.start
        return [
            (
                i,
                6_000_000_000 + i,
                f"Pelapor {i}",
                f"3375{i:012d}",
                f"+62812{i:08d}",
                "Kota Pekalongan",
                "id",
                created,
                created,
            )
            for i in range(1, self.reporters + 1)
        ]

    def chunk(self, first: int, stop: int) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
        """Complaints with ids first..stop-1 and all their events."""
        pick = random.Random(self.seed * 1_000_003 + first)
        complaints: list[tuple[Any, ...]] = []
        events: list[tuple[Any, ...]] = []
        # Ids follow the receipt time, as they do in production (both are set when a complaint is filed).
        step = (self.end - self.start).total_seconds() / self.complaints
        for complaint_id in range(first, stop):
            received = self.start + timedelta(seconds=(complaint_id - 1 + pick.random()) * step)
            complaints.append(self._complaint(pick, complaint_id, received, events))
        return complaints, events

    def _complaint(
        self, pick: random.Random, complaint_id: int, received: datetime, events: list[tuple[Any, ...]]
    ) -> tuple[Any, ...]:
        age = self.end - received
        path: Sequence[str]
        if age > timedelta(days=20):
            path = _FINISHED[pick.choices(list(_FINISHED), _FINISHED_WEIGHTS)[0]]
        elif age > timedelta(days=10) and pick.random() < 0.5:
            path = _RESOLVED[complaint_id % 2]
        elif age > timedelta(days=10):
            path = _FINISHED["closed_ack"]
        else:
            choices = pick.choice(_WAITING)
            path = choices[complaint_id % len(choices)]
        reporter_id = pick.randint(1, self.reporters)
        city = pick.choice(self.orgs.cities)
        opd = pick.choice(self.orgs.opds_of[city])
        slots: dict[str, int | None] = {"province": self.orgs.province, "city": None, "opd": None}
        current: int | None = None
        state: str = S.DRAFT
        pace = pick.choice(_PACES)
        room = min(age, timedelta(hours=pace * 3 * len(path)))
        at = received
        resolved_at = None
        for version, trigger in enumerate(path, start=1):
            dest = _NEXT[(state, trigger)]
            role = self._role(state, trigger)
            if trigger == T.DISPOSE:
                last = version == max(i for i, t in enumerate(path, start=1) if t == T.DISPOSE)
                slots["city"], slots["opd"] = (city if last else pick.choice(self.orgs.cities)), None
            elif trigger == T.FORWARD:
                last = version == max(i for i, t in enumerate(path, start=1) if t == T.FORWARD)
                slots["opd"] = opd if last else pick.choice(self.orgs.opds_of[city])
            holder = LAPORGUB.holders[dest]
            before = current
            if holder in _SLOT_OF:
                current = slots[_SLOT_OF[holder]]
            if version > 1:
                at = at + room * (pick.random() * 2 / len(path))
                at = min(at, self.end - timedelta(seconds=len(path) - version + 1))
            reason = (
                pick.choice(_REASONS)
                if trigger
                in (T.RETURN_TO_PROVINCE, T.RETURN_TO_CITY, T.REQUEST_REVISION, T.RETURN_RESULT, T.REJECT)
                else None
            )
            events.append(
                (
                    self._next_event_id,
                    complaint_id,
                    version,
                    trigger,
                    state,
                    dest,
                    role,
                    reporter_id if role == Role.REPORTER else None,
                    "",
                    before if role in _SLOT_OF else None,
                    current,
                    reason,
                    at,
                )
            )
            self._next_event_id += 1
            state = dest
            if trigger == T.APPROVE:
                resolved_at = at
        self.events_written += len(path)
        rating = pick.choice((5, 5, 5, 4, 4, 3, 2, 1)) if path[-1] == T.ACKNOWLEDGE else None
        return (
            complaint_id,
            f"LG-{received.year}-{complaint_id:07d}",
            "laporgub",
            state,
            len(path),
            reporter_id,
            current,
            slots["province"],
            slots["city"],
            slots["opd"],
            pick.choice(_CHANNELS),
            pick.random() < 0.05,
            pick.choice(_SUBJECTS),
            _CHRONOLOGY,
            (received - timedelta(days=pick.randint(0, 14))).date(),
            "Kota Pekalongan",
            received,
            self._deadline(received),
            "Sudah ditindaklanjuti." if T.SUBMIT_RESULT in path else None,
            rating,
            resolved_at,
            at,
        )

    def _role(self, state: str, trigger: str) -> Role:
        if trigger in (T.SUBMIT, T.ACKNOWLEDGE):
            return Role.REPORTER
        if trigger == T.AUTO_CLOSE:
            return Role.SYSTEM
        holder = LAPORGUB.holders[state]
        assert holder is not None
        return holder

    def _deadline(self, received: datetime) -> datetime:
        # The deadline depends only on the receipt day: cache it per (WIB date, after close?).
        local = received + timedelta(hours=7)
        key = (local.date(), local.time() >= self.calendar.office_close)
        if key not in self._deadlines:
            self._deadlines[key] = self.calendar.deadline(received)
        return self._deadlines[key]
