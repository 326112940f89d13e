"""The /rekap chart: one portrait PNG sized for a phone screen, with the headline figures on top, the
complaints by status, and how many working days completion took against the 2-day target.

Built on matplotlib's object API with the Agg canvas: no pyplot global state, so renders in threads do
not interfere. Rendering takes a few hundred milliseconds: call it through `asyncio.to_thread`.

matplotlib is imported by `render_chart`, not by this module: it costs tens of megabytes and a second of
start-up that only /rekap needs, and the first render already runs in a worker thread.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from bot.ui.report_rendering.labels import Labels
from storage.reports.figures import Report

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

# 1080 x 1350 px: the 4:5 portrait shape a phone shows full width without cropping.
_SIZE_IN = (7.2, 9.0)
_DPI = 150
_ON_TIME, _LATE, _NEUTRAL = "#2e7d32", "#c62828", "#1565c0"
_TEXT = 13
_MAX_DAY_BARS = 10


def render_chart(report: Report, language: str = "id") -> bytes:
    import numpy as np
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    t = Labels(language)
    figure = Figure(figsize=_SIZE_IN, dpi=_DPI, layout="constrained")
    FigureCanvasAgg(figure)
    figure.suptitle(
        f"{t('title')} — {report.scope.name}\n{_period(report, t)}", fontsize=15, fontweight="bold"
    )
    rows = figure.subfigures(3, 1, height_ratios=[1.1, 2.3, 2.0])
    assert isinstance(rows, np.ndarray)  # three rows come as an array (one alone would be a SubFigure)
    top, middle, bottom = rows
    _headline(top, report, t)
    _states(middle.subplots(), report, t)
    _days(bottom.subplots(), report, t)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=_DPI)
    return buffer.getvalue()


def _period(report: Report, t: Labels) -> str:
    return f"{t.day(report.period.first_day)} – {t.day(report.period.last_day)}"


def _headline(panel: Figure, report: Report, t: Labels) -> None:
    share = t.share(report.on_time_share) if report.on_time_share is not None else "–"
    median = t.days(report.median_days) if report.median_days is not None else "–"
    figures = [
        (t.count(report.total), t("total")),
        (share, t("on_time_share")),
        (median, t("median_short")),
        (t.count(report.overdue_now), t("overdue")),
    ]
    colours = [
        _NEUTRAL,
        _NEUTRAL if report.on_time_share is None else _ON_TIME if report.on_time_share >= 0.8 else _LATE,
        _NEUTRAL,
        _LATE if report.overdue_now else _ON_TIME,
    ]
    for index, ((value, label), colour) in enumerate(zip(figures, colours, strict=True)):
        x = (index + 0.5) / len(figures)
        panel.text(x, 0.58, value, ha="center", va="center", fontsize=26, fontweight="bold", color=colour)
        panel.text(x, 0.18, _wrap(label, 14), ha="center", va="center", fontsize=10.5)


def _states(axes: Axes, report: Report, t: Labels) -> None:
    axes.set_title(t("by_state"), fontsize=_TEXT + 1, loc="left", fontweight="bold")
    if not report.by_state:
        _empty(axes, t("nothing"))
        return
    names = [t(f"state.{state}") for state in report.by_state][::-1]
    counts = list(report.by_state.values())[::-1]
    bars = axes.barh(names, counts, color=_NEUTRAL)
    axes.bar_label(bars, labels=[t.count(c) for c in counts], padding=4, fontsize=_TEXT)
    axes.tick_params(axis="y", labelsize=_TEXT, length=0)
    # The counts stand at the bars' ends: an x axis would only add small print.
    axes.xaxis.set_visible(False)
    axes.set_xlim(0, max(counts) * 1.25)
    axes.spines[["top", "right", "bottom"]].set_visible(False)


def _days(axes: Axes, report: Report, t: Labels) -> None:
    axes.set_title(t("days_to_complete"), fontsize=_TEXT + 1, loc="left", fontweight="bold")
    if not report.days_to_complete:
        _empty(axes, t("none_completed") if report.total else t("nothing"))
        return
    # Beyond ten working days every complaint is simply very late: one "10+" bar keeps the axis readable.
    buckets: dict[int, int] = {}
    for days, count in report.days_to_complete.items():
        key = min(days, _MAX_DAY_BARS)
        buckets[key] = buckets.get(key, 0) + count
    xs = list(range(0, max(*buckets, 3) + 1))  # always past the target line
    counts = [buckets.get(x, 0) for x in xs]
    colours = [_ON_TIME if x <= 2 else _LATE for x in xs]
    bars = axes.bar([str(x) if x < _MAX_DAY_BARS else f"{x}+" for x in xs], counts, color=colours)
    axes.bar_label(bars, labels=[t.count(c) if c else "" for c in counts], padding=3, fontsize=_TEXT - 2)
    axes.axvline(2.5, color="#555555", linestyle="--", linewidth=1.5)
    axes.text(2.6, max(counts) * 1.32, t("target"), fontsize=_TEXT - 1, va="top", color="#555555")
    axes.set_xlabel(t("days"), fontsize=_TEXT)
    axes.tick_params(axis="x", labelsize=_TEXT, length=0)
    axes.yaxis.set_visible(False)
    axes.set_ylim(0, max(counts) * 1.35)
    axes.spines[["top", "right", "left"]].set_visible(False)


def _empty(axes: Axes, message: str) -> None:
    axes.axis("off")
    axes.text(0.5, 0.5, message, ha="center", va="center", fontsize=_TEXT)


def _wrap(text: str, width: int) -> str:
    words, lines, line = text.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return "\n".join([*lines, line])
