"""/rekap documents: the chart, its caption, and the XLSX and CSV exports, each returned as bytes."""

from bot.reports.chart import render_chart
from bot.reports.exports import filename, to_csv, to_xlsx
from bot.reports.summary import summary_text

__all__ = ["filename", "render_chart", "summary_text", "to_csv", "to_xlsx"]
