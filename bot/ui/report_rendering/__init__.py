"""/rekap documents: the chart, its caption, and the XLSX and CSV exports, each returned as bytes."""

from bot.ui.report_rendering.chart import render_chart
from bot.ui.report_rendering.exports import filename, filename_for, to_csv, to_xlsx
from bot.ui.report_rendering.summary import summary_text
from workflow.actors import Role

# Who may ask for /rekap: each sees their own seat's scope (storage.reports.figures draws the lines).
REPORTING_ROLES = frozenset({Role.PROVINCE, Role.CITY, Role.OPD})

__all__ = ["REPORTING_ROLES", "filename", "filename_for", "render_chart", "summary_text", "to_csv", "to_xlsx"]
