"""The /rekap documents: XLSX (a summary sheet and one row per complaint) and CSV (one row per complaint).

Times are written in WIB, the time the readers live in: XLSX cells as dates (Excel has no time zones),
CSV as ISO 8601 with the +07:00 offset. The CSV is UTF-8 with a byte-order mark so that Excel opens
Indonesian names correctly. No reporter identity is exported.

Text stays text (OWASP's CSV-injection guidance): what a reporter or an admin typed can begin with "=",
"+", "-", "@", a tab or a carriage return, which a spreadsheet would run as a formula. In the XLSX every
string is a string cell (openpyxl would otherwise write one beginning with "=" as a formula), and one
beginning with such a character also carries Excel's quote prefix, so it stays text when edited; it reads
exactly as typed. In the CSV such a field gets a leading apostrophe, and every text field is quoted, so a
separator inside it cannot start a new cell in a spreadsheet that splits on ";".

openpyxl's write-only mode streams rows, so a province's year (hundreds of thousands of rows) fits in
memory; it still takes seconds per ten thousand rows, so call these through `asyncio.to_thread` (the
/rekap handler does, so the bot keeps answering while a province's year is written).

openpyxl is imported by the functions that write XLSX, not by this module: the bot imports this module for
its file names and CSV at start, and openpyxl would cost every bot process memory that only /rekap needs.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import fields
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from bot.ui.report_rendering.labels import Labels
from storage.reports.figures import ComplaintRow, Report
from storage.reports.period import Period
from workflow.actors import Organisation
from workflow.calendar import to_wib
from workflow.sla import is_waiting

if TYPE_CHECKING:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

COLUMNS: tuple[str, ...] = tuple(field.name for field in fields(ComplaintRow))
_DATE_FORMAT = "yyyy-mm-dd hh:mm"
_FORMATS = {"on_time_share": "0%", "median": "0.0", "ratings_mean": "0.0"}
# First characters that make a spreadsheet read a cell as a formula (OWASP "CSV Injection"; NUL from ASVS).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\0")
_WIDTHS = {"subject": 40, "city": 30, "opd": 40, "holder": 40}


def filename(report: Report, extension: str) -> str:
    return filename_for(report.scope, report.period, extension)


def filename_for(scope: Organisation, period: Period, extension: str) -> str:
    days = f"{period.first_day:%Y%m%d}-{period.last_day:%Y%m%d}"
    return f"rekap-{scope.code.lower()}-{days}.{extension}"


def to_csv(rows: Iterable[ComplaintRow], language: str = "id") -> bytes:
    t = Labels(language)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, quoting=csv.QUOTE_NONNUMERIC)
    writer.writerow([t(f"col.{column}") for column in COLUMNS])
    for row in rows:
        writer.writerow([_csv_value(_value(row, column, t), t) for column in COLUMNS])
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx(report: Report, rows: Sequence[ComplaintRow], language: str = "id") -> bytes:
    from openpyxl import Workbook

    t = Labels(language)
    book = Workbook(write_only=True)
    _summary_sheet(book.create_sheet(t("summary_sheet")), report, t)
    _complaints_sheet(book.create_sheet(t("complaints_sheet")), rows, t)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _summary_sheet(sheet: WriteOnlyWorksheet, report: Report, t: Labels) -> None:
    from openpyxl.styles import Font

    sheet.column_dimensions["A"].width = 45
    sheet.column_dimensions["B"].width = 16
    for column in "CDE":
        sheet.column_dimensions[column].width = 14
    bold = Font(bold=True)

    def append(*values: Any) -> None:
        sheet.append([_cell(sheet, value) for value in values])

    def heading(text: str, *more: str) -> None:
        sheet.append([])
        sheet.append([_styled(sheet, value, bold) for value in (text, *more)])

    sheet.append([_styled(sheet, f"{t('title')} — {report.scope.name}", Font(bold=True, size=14))])
    append(t("period"), f"{t.day(report.period.first_day)} – {t.day(report.period.last_day)}")
    append(t("generated"), t.moment(report.generated_at))
    heading(t("figures"))
    for key, value in _figures(report):
        sheet.append([_cell(sheet, t(key)), _cell(sheet, value, _FORMATS.get(key))])
    heading(t("by_state"), t("count"))
    for state, count in report.by_state.items():
        append(t(f"state.{state}"), count)
    heading(t("by_channel"), t("count"))
    for channel, count in report.by_channel.items():
        append(t(f"channel.{channel}"), count)
    heading(t("days_to_complete"), t("count"))
    for days, count in report.days_to_complete.items():
        append(days, count)
    heading(t("ratings"), t("count"))
    for stars, count in report.ratings.distribution.items():
        append(stars, count)
    heading(t("by_org"), t("org_kind"), t("assigned"), t("in_queue"), t("overdue"))
    for org in report.by_org:
        append(org.name, t(f"kind.{org.kind}"), org.assigned, org.in_queue, org.overdue)
    heading(t("returns"), t("count"), t("reasons"))
    for returned in report.returns:
        reasons = "; ".join(f"{reason or '–'} ({count})" for reason, count in returned.top_reasons)
        append(returned.name, returned.count, reasons)


def _figures(report: Report) -> list[tuple[str, Any]]:
    return [
        ("total", report.total),
        ("completed", report.completed),
        ("on_time", report.completed_on_time),
        ("judged", report.judged),
        ("on_time_share", report.on_time_share),
        ("median", report.median_days),
        ("p90", report.p90_days),
        ("overdue_now", report.overdue_now),
        ("duplicates", report.duplicates),
        ("ratings_count", report.ratings.count),
        ("ratings_mean", report.ratings.mean),
    ]


def _complaints_sheet(sheet: WriteOnlyWorksheet, rows: Sequence[ComplaintRow], t: Labels) -> None:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    sheet.freeze_panes = "B2"
    for index, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = _WIDTHS.get(column, 16)
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{len(rows) + 1}"
    bold = Font(bold=True)
    sheet.append([_styled(sheet, t(f"col.{column}"), bold) for column in COLUMNS])
    for row in rows:
        sheet.append([_xlsx_value(sheet, _value(row, column, t), t) for column in COLUMNS])


def _styled(sheet: WriteOnlyWorksheet, value: str, font: Font) -> WriteOnlyCell:
    cell: WriteOnlyCell = _cell(sheet, value)
    cell.font = font
    return cell


def _cell(sheet: WriteOnlyWorksheet, value: Any, number_format: str | None = None) -> Any:
    """`value` for a cell, as what it is: a string is a string cell, never a formula."""
    from openpyxl.cell import WriteOnlyCell

    if not isinstance(value, str) and number_format is None:
        return value
    cell = WriteOnlyCell(sheet, value=value)
    if number_format is not None:
        cell.number_format = number_format
    if isinstance(value, str):
        cell.data_type = "s"  # openpyxl writes one beginning with "=" as a formula
        if value.startswith(FORMULA_STARTS):
            cell.quotePrefix = True  # and Excel keeps it text when someone edits the cell
    return cell


def _xlsx_value(sheet: WriteOnlyWorksheet, value: Any, t: Labels) -> Any:
    if isinstance(value, datetime):
        # A time shown to the minute is the minute it is in: the end of a due day (23:59:59.999999) is
        # 23:59 of that day, where the spreadsheet's rounding would show 00:00 of the next.
        local = to_wib(value).replace(tzinfo=None)
        return _cell(
            sheet, local - timedelta(seconds=local.second, microseconds=local.microsecond), _DATE_FORMAT
        )
    if isinstance(value, bool):
        return _cell(sheet, t.yes_no(value))
    return _cell(sheet, value)


def _csv_value(value: Any, t: Labels) -> Any:
    if isinstance(value, datetime):
        return to_wib(value).isoformat(timespec="seconds")
    if isinstance(value, bool):
        return t.yes_no(value)
    if value is None:
        return ""
    return safe_text(value) if isinstance(value, str) else value


def safe_text(value: str) -> str:
    """A CSV field a spreadsheet shows as text: a leading apostrophe if it would start a formula."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _value(row: ComplaintRow, column: str, t: Labels) -> Any:
    """The value of a complaint's column in the reader's words."""
    value = getattr(row, column)
    if column == "state":
        return t(f"state.{value}")
    if column == "channel":
        return t(f"channel.{value}")
    if column == "holder" and not is_waiting(row.state):
        return t(f"holder.{row.state}")  # finished: with the reporter, or with nobody
    return value
