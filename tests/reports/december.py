"""A hand-built December 2026 for the report tests; the right answers are worked out by hand below.

C1  Tue 1 Dec 09:00, telegram: city -> DPUPR, approved Wed 2 Dec 14:00, rated 5 -> 1 working day.
C2  Thu 3 Dec 17:00 (after close: counts from Fri 4 Dec), telephone: DPUPR returns it, DLH follows up,
    approved Tue 8 Dec 10:00, rated 4 -> 2 working days (7, 8 Dec).
C4  Mon 7 Dec 10:00, email: DPUPR; the city asks for a revision, the province returns the result;
    approved Fri 11 Dec, rated 2 -> 4 working days: late.
C5  Mon 14 Dec 10:00, telegram: Batang returns it; now at Kota Pekalongan's Dinkominfo, past its deadline.
C7  Tue 15 Dec 10:00, telegram: rejected by the province.
C3  Wed 23 Dec 10:00, telegram, confidential: DPUPR, approved Tue 29 Dec 09:00 (24-27 Dec closed) -> 2;
    not acknowledged (resolved).
C6  Thu 31 Dec 10:00, telegram: at the province, due 6 Jan: open, not late.

Outside the period: one received 30 Nov (the city asks DPUPR for a revision on 1 Dec: a December return),
one on 1 Jan 2027, and a complaint about the service itself.
The report is read on Monday 4 Jan 2027 at 10:00 WIB. So, province-wide: 7 complaints; completed 4 with
1, 2, 4, 2 working days (median 2, 90th percentile 4); on time 3 of 4 completed + 1 late open = 60 %.
Returns made in December: the city 2 (both "Foto kurang jelas"), DPUPR 1, the province 1, Batang 1.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from storage.reports.figures import Period
from tests.conftest import World, draft_for
from workflow.calendar import WIB, WorkingCalendar
from workflow.channels import Channel
from workflow.definitions import ComplaintKind, T

CALENDAR = WorkingCalendar()
DECEMBER = Period(date(2026, 12, 1), date(2026, 12, 31))
NOW = datetime(2027, 1, 4, 10, 0, tzinfo=WIB)


def wib(month: int, day: int, hour: int, minute: int = 0, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=WIB)


class Builder:
    def __init__(self, world: World) -> None:
        self.world = world

    async def file(self, at: datetime, channel: Channel = Channel.TELEGRAM, **changes: Any) -> Any:
        self.world.clock.now = at.astimezone(UTC)
        by_officer = channel is not Channel.TELEGRAM
        actor = self.world.actor("officer") if by_officer else self.world.reporter.as_actor()
        return await self.world.complaints.submit(
            draft_for(self.world.reporter, channel=channel, **changes), actor
        )

    async def walk(self, complaint: Any, *steps: tuple[datetime, str, str, dict[str, Any]]) -> None:
        current = await self.world.complaints.get(complaint.id)
        assert current is not None
        version = current.version
        for at, seat, trigger, options in steps:
            self.world.clock.now = at.astimezone(UTC)
            actor = self.world.reporter.as_actor() if seat == "reporter" else self.world.actor(seat)
            result = await self.world.complaints.fire(
                complaint.id, actor, trigger, seen_version=version, **options
            )
            version = result.complaint.version

    def to(self, code: str) -> dict[str, Any]:
        return {"target_org_id": self.world.orgs[code].id}

    async def full_path(
        self, complaint: Any, day: tuple[int, int], approve: datetime, opd: str = "PKL-DPUPR"
    ) -> None:
        month, d = day
        await self.walk(
            complaint,
            (wib(month, d, 11), "province", T.DISPOSE, self.to("KOTA-PKL")),
            (wib(month, d, 12), "city", T.FORWARD, self.to(opd)),
            (wib(month, d, 13), "opd" if opd == "PKL-DPUPR" else "dlh", T.ACCEPT, {}),
            (
                approve.replace(hour=8, minute=10),
                "opd" if opd == "PKL-DPUPR" else "dlh",
                T.SUBMIT_RESULT,
                {"result": "Selesai."},
            ),
            (approve.replace(hour=8, minute=20), "city", T.CONFIRM_RESULT, {}),
            (approve, "province", T.APPROVE, {}),
        )


async def build_december(world: World) -> World:
    b = Builder(world)
    c1 = await b.file(wib(12, 1, 9))
    await b.full_path(c1, (12, 1), wib(12, 2, 14))
    await b.walk(c1, (wib(12, 3, 9), "reporter", T.ACKNOWLEDGE, {"rating": 5}))

    c2 = await b.file(wib(12, 3, 17), Channel.TELEPHONE)
    await b.walk(
        c2,
        (wib(12, 4, 9), "province", T.DISPOSE, b.to("KOTA-PKL")),
        (wib(12, 4, 10), "city", T.FORWARD, b.to("PKL-DPUPR")),
        (wib(12, 4, 11), "opd", T.RETURN_TO_CITY, {"reason": "Bukan tugas kami"}),
        (wib(12, 4, 12), "city", T.FORWARD, b.to("PKL-DLH")),
        (wib(12, 7, 9), "dlh", T.ACCEPT, {}),
        (wib(12, 8, 8), "dlh", T.SUBMIT_RESULT, {"result": "Sampah diangkut."}),
        (wib(12, 8, 9), "city", T.CONFIRM_RESULT, {}),
        (wib(12, 8, 10), "province", T.APPROVE, {}),
        (wib(12, 9, 9), "reporter", T.ACKNOWLEDGE, {"rating": 4}),
    )

    c4 = await b.file(wib(12, 7, 10), Channel.EMAIL)
    await b.walk(
        c4,
        (wib(12, 7, 11), "province", T.DISPOSE, b.to("KOTA-PKL")),
        (wib(12, 7, 12), "city", T.FORWARD, b.to("PKL-DPUPR")),
        (wib(12, 7, 13), "opd", T.ACCEPT, {}),
        (wib(12, 8, 13), "opd", T.SUBMIT_RESULT, {"result": "Sudah."}),
        (wib(12, 8, 14), "city", T.REQUEST_REVISION, {"reason": "Foto kurang jelas"}),
        (wib(12, 9, 13), "opd", T.SUBMIT_RESULT, {"result": "Foto baru."}),
        (wib(12, 9, 14), "city", T.CONFIRM_RESULT, {}),
        (wib(12, 10, 9), "province", T.RETURN_RESULT, {"reason": "Hasil belum lengkap"}),
        (wib(12, 10, 10), "city", T.CONFIRM_RESULT, {}),
        (wib(12, 11, 10), "province", T.APPROVE, {}),
        (wib(12, 14, 9), "reporter", T.ACKNOWLEDGE, {"rating": 2}),
    )

    c5 = await b.file(wib(12, 14, 10))
    await b.walk(
        c5,
        (wib(12, 14, 11), "province", T.DISPOSE, b.to("KAB-BATANG")),
        (wib(12, 14, 12), "batang", T.RETURN_TO_PROVINCE, {"reason": "Lokasi di Kota Pekalongan"}),
        (wib(12, 14, 13), "province", T.DISPOSE, b.to("KOTA-PKL")),
    )

    c7 = await b.file(wib(12, 15, 10))
    await b.walk(c7, (wib(12, 15, 11), "province", T.REJECT, {"reason": "Bukan pengaduan LaporGub"}))

    c3 = await b.file(wib(12, 23, 10), confidential=True)
    await b.full_path(c3, (12, 23), wib(12, 29, 9))

    await b.file(wib(12, 31, 10))

    # Outside the report: November, January, and a complaint about the service itself.
    november = await b.file(wib(11, 30, 10))
    await b.walk(
        november,
        (wib(11, 30, 11), "province", T.DISPOSE, b.to("KOTA-PKL")),
        (wib(11, 30, 12), "city", T.FORWARD, b.to("PKL-DPUPR")),
        (wib(11, 30, 13), "opd", T.ACCEPT, {}),
        (wib(11, 30, 14), "opd", T.SUBMIT_RESULT, {"result": "Sudah."}),
        (wib(12, 1, 9), "city", T.REQUEST_REVISION, {"reason": "Foto kurang jelas"}),
        (wib(12, 1, 10), "opd", T.SUBMIT_RESULT, {"result": "Foto baru."}),
        (wib(12, 1, 11), "city", T.CONFIRM_RESULT, {}),
        (wib(12, 1, 15), "province", T.APPROVE, {}),
    )
    await b.file(wib(1, 1, 10, year=2027))
    world.clock.now = wib(12, 10, 10).astimezone(UTC)
    await world.complaints.submit(
        draft_for(world.reporter, kind=ComplaintKind.SERVICE),
        world.reporter.as_actor(),
        service_org_id=world.orgs["KOTA-PKL"].id,
    )
    return world
