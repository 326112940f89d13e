"""The /rekap documents read back: XLSX and CSV hold what the report says; the PNG is a phone-sized PNG."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest
from openpyxl import load_workbook
from PIL import Image

from bot.ui.report_rendering import filename, render_chart, summary_text, to_csv, to_xlsx
from storage.reports.figures import ComplaintRow, Report, build_report, complaint_rows
from tests.conftest import World
from tests.reports.december import CALENDAR, DECEMBER, NOW, build_december, wib
from workflow.actors import Organisation, OrgKind

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
async def december(world: World) -> tuple[Report, list[ComplaintRow]]:
    await build_december(world)
    args = (world.complaints.sessions, CALENDAR, world.orgs["JATENG"], DECEMBER)
    return (
        await build_report(*args, now=NOW.astimezone(UTC)),
        await complaint_rows(*args, now=NOW.astimezone(UTC)),
    )


def _sections(sheet: Any) -> dict[str, list[tuple[Any, ...]]]:
    """The summary sheet's blocks: the first (title, period, figures) under "", then one per heading."""
    sections: dict[str, list[tuple[Any, ...]]] = {"": []}
    current = ""
    rows = list(sheet.iter_rows(values_only=True))
    for index, row in enumerate(rows):
        if all(value is None for value in row):
            current = str(rows[index + 1][0])
            sections[current] = []
            continue
        if current and row[0] == current and not sections[current]:
            continue  # the heading row itself
        sections[current].append(tuple(value for value in row if value is not None))
    return sections


async def test_xlsx_reads_back_as_the_report(december: tuple[Report, list[ComplaintRow]]) -> None:
    report, rows = december
    book = load_workbook(io.BytesIO(to_xlsx(report, rows, "en")))
    assert book.sheetnames == ["Summary", "Complaints"]
    sections = _sections(book["Summary"])
    assert dict(row for row in sections[""] if len(row) == 2)["Period"] == "1 Dec 2026 – 31 Dec 2026"
    figures = dict(sections["Key figures"])
    assert figures["Complaints received"] == report.total == 7
    assert figures["Completed (approved by the province)"] == report.completed == 4
    assert figures["Completed within 2 working days"] == report.completed_on_time == 3
    assert figures["Completed or past the deadline"] == report.judged == 5
    assert figures["On time"] == pytest.approx(0.6)
    assert figures["Median working days to complete"] == report.median_days == 2
    assert figures["90th percentile working days"] == report.p90_days == 4
    assert figures["Past the deadline, not completed"] == report.overdue_now == 1
    assert figures["Ratings"] == 3
    assert figures["Mean rating"] == pytest.approx(11 / 3)
    assert sections["By status"] == [
        ("At province", 1),
        ("At Dinkominfo", 1),
        ("Result sent", 1),
        ("Closed", 3),
        ("Rejected", 1),
    ]
    assert sections["By channel"] == [("Telegram", 5), ("Email", 1), ("Telephone", 1)]
    assert sections["Working days to complete"] == [(1, 1), (2, 2), (4, 1)]
    assert sections["Ratings (stars)"] == [(1, 0), (2, 1), (3, 0), (4, 1), (5, 1)]
    assert sections["By organisation"] == [
        (f.name, {"province": "Province", "city": "City/regency", "opd": "Agency"}[f.kind], f.assigned)
        + ((f.in_queue,) if f.in_queue or f.overdue else (0,))
        + (f.overdue,)
        for f in report.by_org
    ]
    assert [(name, count) for name, count, _ in sections["Returns"]] == [
        (r.name, r.count) for r in report.returns
    ]
    assert "Foto kurang jelas (2)" in {reasons for _, _, reasons in sections["Returns"]}

    sheet = book["Complaints"]
    table = list(sheet.iter_rows(values_only=True))
    assert table[0][:4] == ("Number", "Received (WIB)", "Status", "Channel")
    assert len(table) == 1 + len(rows) == 8
    assert [line[0] for line in table[1:]] == [row.tracking_number for row in rows]
    c2 = dict(zip(table[0], table[2], strict=True))
    assert c2["Received (WIB)"] == datetime(2026, 12, 3, 17, 0)  # WIB wall time: Excel has no zones
    assert c2["Approved (WIB)"] == datetime(2026, 12, 8, 10, 0)
    assert (c2["Status"], c2["Channel"], c2["Agency (OPD)"]) == (
        "Closed",
        "Telephone",
        "Dinas Lingkungan Hidup Kota Pekalongan",
    )
    assert (c2["Working days to complete"], c2["On time"], c2["Returns"], c2["Rating"]) == (2, "yes", 1, 4)
    c5 = dict(zip(table[0], table[4], strict=True))
    assert (c5["Overdue now"], c5["Approved (WIB)"], c5["Working days to complete"]) == ("yes", None, None)


async def test_csv_reads_back_one_row_per_complaint(december: tuple[Report, list[ComplaintRow]]) -> None:
    _, rows = december
    data = to_csv(rows, "id")
    assert data.startswith("\ufeff".encode())  # so that Excel reads UTF-8
    table = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert [line["Nomor"] for line in table] == [row.tracking_number for row in rows]
    c4 = table[2]
    assert c4 == {
        "Nomor": rows[2].tracking_number,
        "Diterima (WIB)": "2026-12-07T10:00:00+07:00",
        "Status": "Ditutup",
        "Saluran": "Email",
        "Perihal": "Jalan berlubang di Jl. Hayam Wuruk",
        "Dinkominfo": "Dinkominfo Kota Pekalongan",
        "OPD": "Dinas Pekerjaan Umum dan Penataan Ruang Kota Pekalongan",
        "Posisi sekarang": "Selesai (ditutup)",
        "Tenggat (WIB)": "2026-12-09T23:59:59+07:00",
        "Disetujui Pemprov (WIB)": "2026-12-11T10:00:00+07:00",
        "Hari kerja sampai selesai": "4",
        "Tepat waktu": "tidak",
        "Lewat tenggat sekarang": "tidak",
        "Dikembalikan": "2",
        "Penilaian": "2",
        "Duplikat dari": "",
    }
    assert (table[3]["Status"], table[3]["Lewat tenggat sekarang"], table[3]["Disetujui Pemprov (WIB)"]) == (
        "Di Dinkominfo",
        "ya",
        "",
    )
    assert table[5]["Perihal"] == ""  # confidential


async def test_chart_is_a_phone_sized_png(december: tuple[Report, list[ComplaintRow]], tmp_path: Any) -> None:
    report, _ = december
    for language in ("id", "en"):
        png = render_chart(report, language)
        assert png.startswith(PNG_SIGNATURE)
        with Image.open(io.BytesIO(png)) as image:
            image.verify()
        with Image.open(io.BytesIO(png)) as image:
            assert image.format == "PNG"
            assert image.size == (1080, 1350)
        (tmp_path / f"rekap-{language}.png").write_bytes(png)


def test_chart_and_caption_of_an_empty_period() -> None:
    empty = _report(total=0)
    assert render_chart(empty).startswith(PNG_SIGNATURE)
    assert "Tidak ada pengaduan pada periode ini." in summary_text(empty)


async def test_caption(december: tuple[Report, list[ComplaintRow]]) -> None:
    report, _ = december
    assert summary_text(report, "en") == (
        "📊 <b>LaporGub summary</b> — Pemerintah Provinsi Jawa Tengah\n"
        "Period: 1 Dec 2026 – 31 Dec 2026\n"
        "Complaints received: <b>7</b>\n"
        "Completed (approved by the province): 4\n"
        "On time: <b>60%</b> (3/5)\n"
        "Median working days to complete: 2 · P90: 4\n"
        "Past the deadline, not completed: <b>1</b>\n"
        "Returns: 5 (Dinkominfo Kota Pekalongan: 2)\n"
        "Mean rating: 3.7 ★ (3)\n"
        "By channel: Telegram 5, Email 1, Telephone 1"
    )
    assert "Rata-rata penilaian: 3,7 ★ (3)" in summary_text(report, "id")


def test_caption_escapes_names_and_fits_a_photo_caption() -> None:
    long_name = "Dinas <Pekerjaan> & " + "Penataan Ruang " * 20
    report = _report(scope=Organisation(9, OrgKind.CITY, "X", long_name))
    text = summary_text(report, "id")
    assert "&lt;Pekerjaan&gt; &amp;" in text
    assert len(text) <= 1024


def test_filenames() -> None:
    assert filename(_report(), "xlsx") == "rekap-jateng-20261201-20261231.xlsx"


def _report(**changes: Any) -> Report:
    from storage.reports.figures import Ratings

    base = Report(
        scope=Organisation(1, OrgKind.PROVINCE, "JATENG", "Pemerintah Provinsi Jawa Tengah"),
        period=DECEMBER,
        generated_at=wib(12, 31, 10),
        total=3,
        by_state={"closed": 3},
        by_channel={"telegram": 3},
        by_org=(),
        completed=3,
        completed_on_time=3,
        judged=3,
        on_time_share=1.0,
        median_days=1.0,
        p90_days=2,
        days_to_complete={1: 2, 2: 1},
        overdue_now=0,
        returns=(),
        ratings=Ratings(0, None, {stars: 0 for stars in range(1, 6)}),
    )
    if changes.get("total") == 0:
        changes.update(by_state={}, by_channel={}, completed=0, completed_on_time=0, judged=0)
        changes.update(on_time_share=None, median_days=None, p90_days=None, days_to_complete={})
    return replace(base, **changes)
