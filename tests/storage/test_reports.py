"""Report figures against the hand-built December in tests/reports/december.py, whose answers are there."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from storage.reports.figures import Period, Ratings, Report, build_report, complaint_rows
from tests.conftest import World
from tests.reports.december import CALENDAR, DECEMBER, NOW, build_december, wib
from workflow.calendar import WIB


@pytest.fixture
async def december(world: World) -> World:
    return await build_december(world)


async def report_for(world: World, code: str) -> Report:
    return await build_report(
        world.complaints.sessions, CALENDAR, world.orgs[code], DECEMBER, now=NOW.astimezone(UTC)
    )


def orgs(report: Report) -> list[tuple[str, int, int, int]]:
    return [(f.name, f.assigned, f.in_queue, f.overdue) for f in report.by_org]


def returns(report: Report) -> dict[str, tuple[int, dict[str, int], tuple[tuple[str, int], ...]]]:
    return {r.name: (r.count, dict(r.by_trigger), r.top_reasons) for r in report.returns}


DPUPR, CITY, PROVINCE, BATANG = (
    "Dinas Pekerjaan Umum dan Penataan Ruang Kota Pekalongan",
    "Dinkominfo Kota Pekalongan",
    "Pemerintah Provinsi Jawa Tengah",
    "Diskominfo Kabupaten Batang",
)
# Returns made in December, whichever month the complaint came in.
DECEMBER_RETURNS = {
    CITY: (2, {"request_revision": 2}, (("Foto kurang jelas", 2),)),
    DPUPR: (1, {"return_to_city": 1}, (("Bukan tugas kami", 1),)),
    PROVINCE: (1, {"return_result": 1}, (("Hasil belum lengkap", 1),)),
    BATANG: (1, {"return_to_province": 1}, (("Lokasi di Kota Pekalongan", 1),)),
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
    assert returns(report) == DECEMBER_RETURNS
    assert [r.name for r in report.returns] == [CITY, DPUPR, BATANG, PROVINCE]  # most first, then by name
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
    # Made by the city or its agencies, or sent back to them (the province's return of C4's result);
    # Batang's return of C5 is Batang's business.
    assert returns(report) == {name: DECEMBER_RETURNS[name] for name in (CITY, DPUPR, PROVINCE)}
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
    # Its own return, and the two revisions the city asked of it.
    assert returns(dpupr) == {name: DECEMBER_RETURNS[name] for name in (CITY, DPUPR)}


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
    assert rows[1].resolved_at == wib(12, 8, 10)
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
