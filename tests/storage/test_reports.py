"""Report figures against a hand-built December 2026, with the right answers worked out by hand below.

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

Outside the period: one received 30 Nov, one on 1 Jan 2027, and a complaint about the service itself.
The report is read on Monday 4 Jan 2027 at 10:00 WIB. So, province-wide: 7 complaints; completed 4 with
1, 2, 4, 2 working days (median 2, 90th percentile 4); on time 3 of 4 completed + 1 late open = 60 %.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from storage.reports import Period, Ratings, Report, build_report, complaint_rows
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


@pytest.fixture
async def december(world: World) -> World:
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
    await b.full_path(november, (11, 30), wib(12, 1, 15))
    await b.file(wib(1, 1, 10, year=2027))
    world.clock.now = wib(12, 10, 10).astimezone(UTC)
    await world.complaints.submit(
        draft_for(world.reporter, kind=ComplaintKind.SERVICE),
        world.reporter.as_actor(),
        service_org_id=world.orgs["KOTA-PKL"].id,
    )
    return world


async def report_for(world: World, code: str) -> Report:
    return await build_report(
        world.complaints.sessions, CALENDAR, world.orgs[code], DECEMBER, now=NOW.astimezone(UTC)
    )


def orgs(report: Report) -> list[tuple[str, int, int, int]]:
    return [(f.name, f.assigned, f.in_queue, f.overdue) for f in report.by_org]


def returns(report: Report) -> dict[str, tuple[int, dict[str, int], tuple[tuple[str, int], ...]]]:
    return {r.name: (r.count, dict(r.by_trigger), r.top_reasons) for r in report.returns}


ALL_RETURNS = {
    "Dinas Pekerjaan Umum dan Penataan Ruang Kota Pekalongan": (
        1,
        {"return_to_city": 1},
        (("Bukan tugas kami", 1),),
    ),
    "Dinkominfo Kota Pekalongan": (1, {"request_revision": 1}, (("Foto kurang jelas", 1),)),
    "Pemerintah Provinsi Jawa Tengah": (1, {"return_result": 1}, (("Hasil belum lengkap", 1),)),
    "Diskominfo Kabupaten Batang": (1, {"return_to_province": 1}, (("Lokasi di Kota Pekalongan", 1),)),
}


async def test_province_report(december: World) -> None:
    report = await report_for(december, "JATENG")
    assert report.total == 7
    assert list(report.by_state.items()) == [
        ("at_province", 1),
        ("at_city", 1),
        ("resolved", 1),
        ("closed", 3),
        ("rejected", 1),
    ]
    assert list(report.by_channel.items()) == [("telegram", 5), ("email", 1), ("telephone", 1)]
    assert dict(report.days_to_complete) == {1: 1, 2: 2, 4: 1}
    assert (report.completed, report.completed_on_time, report.overdue_now, report.judged) == (4, 3, 1, 5)
    assert report.on_time_share == pytest.approx(0.6)
    assert report.median_days == 2.0
    assert report.p90_days == 4
    assert report.ratings == Ratings(
        count=3, mean=pytest.approx(11 / 3), distribution={1: 0, 2: 1, 3: 0, 4: 1, 5: 1}
    )
    assert returns(report) == ALL_RETURNS
    assert [r.name for r in report.returns][:1] == ["Dinas Pekerjaan Umum dan Penataan Ruang Kota Pekalongan"]
    assert orgs(report) == [
        ("Pemerintah Provinsi Jawa Tengah", 7, 1, 0),
        ("Dinkominfo Kota Pekalongan", 5, 1, 1),
        ("Dinas Pekerjaan Umum dan Penataan Ruang Kota Pekalongan", 3, 0, 0),
        ("Dinas Lingkungan Hidup Kota Pekalongan", 1, 0, 0),
    ]


async def test_city_report_holds_what_reached_the_city_or_its_agencies(december: World) -> None:
    report = await report_for(december, "KOTA-PKL")
    assert report.total == 5
    assert dict(report.by_state) == {"at_city": 1, "resolved": 1, "closed": 3}
    assert dict(report.by_channel) == {"telegram": 3, "telephone": 1, "email": 1}
    assert (report.completed, report.completed_on_time, report.overdue_now) == (4, 3, 1)
    assert report.on_time_share == pytest.approx(0.6)
    assert (report.median_days, report.p90_days) == (2.0, 4)
    assert returns(report) == ALL_RETURNS  # every return these complaints met, whoever made it
    assert orgs(report) == [
        ("Dinkominfo Kota Pekalongan", 5, 1, 1),
        ("Dinas Pekerjaan Umum dan Penataan Ruang Kota Pekalongan", 3, 0, 0),
        ("Dinas Lingkungan Hidup Kota Pekalongan", 1, 0, 0),
    ]


async def test_agency_reports(december: World) -> None:
    dlh = await report_for(december, "PKL-DLH")
    assert (dlh.total, dict(dlh.by_state), dict(dlh.days_to_complete)) == (1, {"closed": 1}, {2: 1})
    assert (dlh.on_time_share, dlh.median_days, dlh.p90_days) == (1.0, 2.0, 2)
    assert orgs(dlh) == [("Dinas Lingkungan Hidup Kota Pekalongan", 1, 0, 0)]
    assert dlh.ratings.distribution == {1: 0, 2: 0, 3: 0, 4: 1, 5: 0}

    # DPUPR saw C2 before returning it: it is in DPUPR's report, though DLH finished it.
    dpupr = await report_for(december, "PKL-DPUPR")
    assert dpupr.total == 4
    assert dict(dpupr.days_to_complete) == {1: 1, 2: 2, 4: 1}
    assert orgs(dpupr) == [("Dinas Pekerjaan Umum dan Penataan Ruang Kota Pekalongan", 3, 0, 0)]


async def test_an_empty_report(december: World) -> None:
    report = await build_report(
        december.complaints.sessions, CALENDAR, december.orgs["BTG-DPU"], DECEMBER, now=NOW.astimezone(UTC)
    )
    assert (report.total, report.completed, report.on_time_share, report.median_days, report.p90_days) == (
        0,
        0,
        None,
        None,
        None,
    )
    assert (report.by_org, report.returns, report.ratings.mean) == ((), (), None)


async def test_complaint_rows(december: World) -> None:
    rows = await complaint_rows(
        december.complaints.sessions, CALENDAR, december.orgs["JATENG"], DECEMBER, now=NOW.astimezone(UTC)
    )
    summary = [
        (
            r.received_at,
            r.state,
            r.channel,
            r.working_days_to_complete,
            r.on_time,
            r.overdue_now,
            r.returns,
            r.rating,
        )
        for r in rows
    ]
    assert summary == [
        (wib(12, 1, 9), "closed", "telegram", 1, True, False, 0, 5),
        (wib(12, 3, 17), "closed", "telephone", 2, True, False, 1, 4),
        (wib(12, 7, 10), "closed", "email", 4, False, False, 2, 2),
        (wib(12, 14, 10), "at_city", "telegram", None, None, True, 1, None),
        (wib(12, 15, 10), "rejected", "telegram", None, None, False, 0, None),
        (wib(12, 23, 10), "resolved", "telegram", 2, True, False, 0, None),
        (wib(12, 31, 10), "at_province", "telegram", None, None, False, 0, None),
    ]
    assert rows[1].opd == "Dinas Lingkungan Hidup Kota Pekalongan"
    assert rows[1].approved_at == wib(12, 8, 10)
    assert rows[3].holder == "Dinkominfo Kota Pekalongan"
    assert rows[5].subject == ""  # confidential
    assert rows[0].subject == "Jalan berlubang di Jl. Hayam Wuruk"


@pytest.mark.parametrize(
    ("maker", "now", "first", "last"),
    [
        (
            Period.this_month,
            datetime(2026, 12, 31, 18, 0, tzinfo=UTC),
            date(2027, 1, 1),
            date(2027, 1, 1),
        ),  # WIB
        (Period.this_month, datetime(2026, 12, 15, 3, 0, tzinfo=UTC), date(2026, 12, 1), date(2026, 12, 15)),
        (Period.last_month, datetime(2027, 1, 4, 3, 0, tzinfo=UTC), date(2026, 12, 1), date(2026, 12, 31)),
        (Period.last_month, datetime(2026, 3, 10, 3, 0, tzinfo=UTC), date(2026, 2, 1), date(2026, 2, 28)),
        (Period.this_year, datetime(2026, 12, 15, 3, 0, tzinfo=UTC), date(2026, 1, 1), date(2026, 12, 15)),
    ],
)
def test_periods_in_wib(maker: Any, now: datetime, first: date, last: date) -> None:
    period = maker(now)
    assert (period.first_day, period.last_day) == (first, last)
    assert period.start == datetime(first.year, first.month, first.day, tzinfo=WIB)


def test_custom_period_bounds() -> None:
    assert DECEMBER.start == datetime(2026, 11, 30, 17, 0, tzinfo=UTC)
    assert DECEMBER.end == datetime(2026, 12, 31, 17, 0, tzinfo=UTC)
    with pytest.raises(ValueError, match="ends"):
        Period(date(2026, 12, 2), date(2026, 12, 1))
