"""The short text sent with the chart: Telegram HTML that fits a photo caption (1,024 characters)."""

from __future__ import annotations

from html import escape

from bot.ui.report_rendering.labels import Labels
from storage.reports.figures import Report
from workflow.channels import EXTERNAL_SYSTEM_NAMES

CAPTION_LIMIT = 1024
_TOP_CHANNELS = 3
_NAME_LENGTH = 40
_SYSTEM_NAMES = {str(system): name for system, name in EXTERNAL_SYSTEM_NAMES.items()}


def summary_text(report: Report, language: str = "id") -> str:
    t = Labels(language)
    lines = [
        f"📊 <b>{escape(t('title'))}</b> — {escape(_short(report.scope.name))}",
        f"{escape(t('period'))}: {t.day(report.period.first_day)} – {t.day(report.period.last_day)}",
        f"{escape(t('total'))}: <b>{t.count(report.total)}</b>",
    ]
    if report.total:
        lines.append(f"{escape(t('completed'))}: {t.count(report.completed)}")
        if report.on_time_share is not None:
            lines.append(
                f"{escape(t('on_time_share'))}: <b>{t.share(report.on_time_share)}</b> "
                f"({t.count(report.completed_on_time)}/{t.count(report.judged)})"
            )
        if report.median_days is not None and report.p90_days is not None:
            lines.append(
                f"{escape(t('median'))}: {t.days(report.median_days)} · P90: {t.count(report.p90_days)}"
            )
        lines.append(f"{escape(t('overdue_now'))}: <b>{t.count(report.overdue_now)}</b>")
        if report.duplicates:
            lines.append(f"{escape(t('duplicates'))}: {t.count(report.duplicates)}")
        returns = sum(figure.count for figure in report.returns)
        if returns:
            top = report.returns[0]
            lines.append(
                f"{escape(t('returns'))}: {t.count(returns)} "
                f"({escape(_short(top.name))}: {t.count(top.count)})"
            )
        if report.ratings.mean is not None:
            lines.append(
                f"{escape(t('ratings_mean'))}: {t.number(report.ratings.mean)} ★ "
                f"({t.count(report.ratings.count)})"
            )
        channels = list(report.by_channel.items())[:_TOP_CHANNELS]
        listed = ", ".join(f"{escape(t(f'channel.{name}'))} {t.count(count)}" for name, count in channels)
        lines.append(f"{escape(t('by_channel'))}: {listed}")
        if report.by_reference:
            referred = ", ".join(
                f"{escape(_SYSTEM_NAMES.get(name, name))} {t.count(count)}"
                for name, count in report.by_reference.items()
            )
            lines.append(f"{escape(t('by_reference'))}: {referred}")
    else:
        lines.append(escape(t("nothing")))
    # Every line is bounded (names shortened, at most three channels): the whole stays under the limit.
    return "\n".join(lines)


def _short(name: str) -> str:
    return name if len(name) <= _NAME_LENGTH else name[: _NAME_LENGTH - 1] + "…"
