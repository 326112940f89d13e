"""/rekap: an admin's report for a period, scoped to what their seat may see (province: everything; a city:
its own queue and its OPDs; an OPD: itself; `storage.reports` draws those lines by the organisation's kind).

The chart comes as a photo with the text summary as its caption, with buttons for the XLSX and CSV exports.
The buttons carry the period's days, so an export pressed after midnight on the 1st is still the period of
the chart it came with.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import date, datetime

from aiogram import Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.types import BufferedInputFile, CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.reports import filename, render_chart, summary_text, to_csv, to_xlsx
from bot.routers.admin.menu import is_admin
from bot.texts import Texts
from storage.complaints import ComplaintService
from storage.reports import Period, build_report, complaint_rows
from storage.views import AdminInfo
from workflow.actors import Role
from workflow.calendar import WorkingCalendar

CAPTION_LIMIT = 1024
REPORTING_ROLES = frozenset({Role.PROVINCE, Role.CITY, Role.OPD})
PERIODS: dict[str, Callable[[datetime], Period]] = {
    "this_month": Period.this_month,
    "last_month": Period.last_month,
    "this_year": Period.this_year,
}


class ReportPeriodCb(CallbackData, prefix="rp"):
    period: str  # a key of PERIODS


class ReportFileCb(CallbackData, prefix="rf"):
    first: int  # date.toordinal() of the period's first day
    last: int
    fmt: str  # "xlsx" or "csv"


def period_keyboard(t: Texts) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for key in PERIODS:
        builder.button(text=t.plain(f"report.btn.{key}"), callback_data=ReportPeriodCb(period=key))
    builder.adjust(1)
    return builder.as_markup()


def files_keyboard(period: Period, t: Texts) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for fmt in ("xlsx", "csv"):
        builder.button(
            text=t.plain(f"report.btn.{fmt}"),
            callback_data=ReportFileCb(
                first=period.first_day.toordinal(), last=period.last_day.toordinal(), fmt=fmt
            ),
        )
    return builder.as_markup()


async def rekap(message: Message, t: Texts, admin: AdminInfo) -> None:
    if admin.role not in REPORTING_ROLES:
        await message.answer(t("report.not_allowed"))
        return
    await message.answer(t("report.ask"), reply_markup=period_keyboard(t))


async def _allowed(query: CallbackQuery, t: Texts, admin: AdminInfo | None) -> Message | None:
    if admin is None or admin.role not in REPORTING_ROLES:
        await query.answer(t.plain("admin.refused.not_admin"), show_alert=True)
        return None
    await query.answer()
    return query.message if isinstance(query.message, Message) else None


async def period_pressed(
    query: CallbackQuery,
    callback_data: ReportPeriodCb,
    t: Texts,
    admin: AdminInfo | None,
    complaints: ComplaintService,
    calendar: WorkingCalendar,
    clock: Callable[[], datetime],
) -> None:
    message = await _allowed(query, t, admin)
    make = PERIODS.get(callback_data.period)
    if message is None or admin is None or make is None:
        return
    now = clock()
    period = make(now)
    report = await build_report(complaints.sessions, calendar, admin.org, period, now=now)
    chart = await asyncio.to_thread(render_chart, report, t.language)  # matplotlib blocks: off the loop
    summary = summary_text(report, t.language)
    photo = BufferedInputFile(chart, filename=filename(report, "png"))
    keyboard = files_keyboard(period, t)
    if len(summary) <= CAPTION_LIMIT:
        await message.answer_photo(photo, caption=summary, reply_markup=keyboard)
    else:
        await message.answer_photo(photo)
        await message.answer(summary, reply_markup=keyboard)


async def file_pressed(
    query: CallbackQuery,
    callback_data: ReportFileCb,
    t: Texts,
    admin: AdminInfo | None,
    complaints: ComplaintService,
    calendar: WorkingCalendar,
    clock: Callable[[], datetime],
) -> None:
    message = await _allowed(query, t, admin)
    if message is None or admin is None or callback_data.fmt not in ("xlsx", "csv"):
        return
    try:
        period = Period(date.fromordinal(callback_data.first), date.fromordinal(callback_data.last))
    except ValueError:
        return
    now = clock()
    rows = await complaint_rows(complaints.sessions, calendar, admin.org, period, now=now)
    report = await build_report(complaints.sessions, calendar, admin.org, period, now=now)
    if callback_data.fmt == "xlsx":
        content = await asyncio.to_thread(to_xlsx, report, rows, t.language)
    else:
        content = to_csv(rows, t.language)
    document = BufferedInputFile(content, filename=filename(report, callback_data.fmt))
    await message.answer_document(document)


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(rekap, Command("rekap"), is_admin)
    router.callback_query.register(period_pressed, ReportPeriodCb.filter())
    router.callback_query.register(file_pressed, ReportFileCb.filter())
    return router
