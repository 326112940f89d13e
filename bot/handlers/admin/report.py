"""/rekap: an admin's report for a period, scoped to what their seat may see (province: everything; a city:
its own queue and its OPDs; an OPD: itself; `storage.reports.figures` draws those lines by the organisation's
kind).

The period is this month, last month, this year, or a range the admin types ("Rentang lain": parsed by
`bot.ui.report_rendering.ranges`, asked again until it is a real one, or /cancel). The chart comes as a photo
with the text summary as its caption, with buttons for the XLSX and CSV exports. The buttons carry the
period's days, so an export pressed after midnight on the 1st is still the period of the chart it came with.

An export of a province's year is ~100,000 rows: it is prepared in the background, read and written in a
worker thread (`bot.ui.report_rendering.documents`), while the bot goes on answering, and sent when ready. The
same export pressed again meanwhile is answered "still being prepared", not started twice (per bot process).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from contextlib import suppress
from datetime import date, datetime
from typing import Annotated, Literal

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import BufferedInputFile, CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder
from pydantic import Field

from bot.ui.commands import hide_admin_commands
from bot.ui.report_rendering import REPORTING_ROLES, filename, filename_for, render_chart, summary_text
from bot.ui.report_rendering.documents import FORMATS, ExportFormat, export_in_thread
from bot.ui.report_rendering.ranges import EARLIEST, MAX_DAYS, BadRange, parse_range
from bot.ui.texts import Texts
from storage.complaints import ComplaintService
from storage.reports.figures import build_report
from storage.reports.period import Period
from storage.views import AdminInfo
from workflow.calendar import WorkingCalendar, to_wib

logger = logging.getLogger(__name__)

CAPTION_LIMIT = 1024
# Exports written at the same time; more wait their turn (each is a worker thread and a minute of CPU).
BUILDING_AT_ONCE = 2
PeriodKey = Literal["this_month", "last_month", "this_year"]
PERIODS: dict[PeriodKey, Callable[[datetime], Period]] = {
    "this_month": Period.this_month,
    "last_month": Period.last_month,
    "this_year": Period.this_year,
}
CUSTOM: Literal["custom"] = "custom"


class ReportRange(StatesGroup):
    """The admin is typing a range after pressing "Rentang lain". Stored by name in `fsm_states`."""

    typing = State()


# A day as date.toordinal(): only those date.fromordinal() takes.
DayNumber = Annotated[int, Field(ge=1, le=date.max.toordinal())]


class ReportPeriodCb(CallbackData, prefix="rp"):
    period: Literal[PeriodKey, "custom"]  # a key of PERIODS, or CUSTOM


class ReportFileCb(CallbackData, prefix="rf"):
    first: DayNumber  # the period's first day
    last: DayNumber
    fmt: ExportFormat


def period_keyboard(t: Texts) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for key in (*PERIODS, CUSTOM):
        builder.button(text=t.plain(f"report.btn.{key}"), callback_data=ReportPeriodCb(period=key))
    builder.adjust(1)
    return builder.as_markup()


def files_keyboard(period: Period, t: Texts) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for fmt in FORMATS:
        builder.button(
            text=t.plain(f"report.btn.{fmt}"),
            callback_data=ReportFileCb(
                first=period.first_day.toordinal(), last=period.last_day.toordinal(), fmt=fmt
            ),
        )
    return builder.as_markup()


def _may_report(admin: AdminInfo | None) -> bool:
    return admin is not None and admin.role in REPORTING_ROLES


async def rekap(message: Message, bot: Bot, state: FSMContext, t: Texts, admin: AdminInfo | None) -> None:
    if admin is None:
        await message.answer(t("admin.only"))
        # A stale admin list (the seat was deactivated) offered /rekap: back to the reporter's.
        await hide_admin_commands(bot, message.chat.id)
        return
    if not _may_report(admin):
        await message.answer(t("report.not_allowed"))
        return
    if await state.get_state() == ReportRange.typing.state:
        await state.clear()  # /rekap again while a range was awaited: start over from the choice
    await message.answer(t("report.ask"), reply_markup=period_keyboard(t))


async def _allowed(query: CallbackQuery, t: Texts, admin: AdminInfo | None) -> Message | None:
    if not _may_report(admin):
        await query.answer(t.plain("admin.refused.not_admin"), show_alert=True)
        return None
    await query.answer()
    return query.message if isinstance(query.message, Message) else None


async def send_report(
    message: Message,
    admin: AdminInfo,
    period: Period,
    t: Texts,
    complaints: ComplaintService,
    calendar: WorkingCalendar,
    now: datetime,
) -> None:
    # Not the update's session: the report's nine read-only queries run side by side, each on a connection of
    # its own (a province's year in 235-444 ms at 1,000,000 complaints; one after another on one connection
    # would add them up). They write nothing, so the update's unit of work loses nothing by it.
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


async def period_pressed(
    query: CallbackQuery,
    callback_data: ReportPeriodCb,
    state: FSMContext,
    t: Texts,
    admin: AdminInfo | None,
    complaints: ComplaintService,
    calendar: WorkingCalendar,
    clock: Callable[[], datetime],
) -> None:
    message = await _allowed(query, t, admin)
    if message is None or admin is None:
        return
    now = clock()
    if callback_data.period == CUSTOM:
        await state.set_state(ReportRange.typing)
        await message.answer(t("report.range.ask", max=MAX_DAYS, today=t.date(to_wib(now).date())))
        return
    make = PERIODS.get(callback_data.period)
    if make is None:
        return
    if await state.get_state() == ReportRange.typing.state:
        await state.clear()  # a ready-made period chosen instead of typing one
    await send_report(message, admin, make(now), t, complaints, calendar, now)


async def range_typed(
    message: Message,
    state: FSMContext,
    t: Texts,
    admin: AdminInfo | None,
    complaints: ComplaintService,
    calendar: WorkingCalendar,
    clock: Callable[[], datetime],
) -> None:
    if admin is None or not _may_report(admin):
        # Deactivated while typing: nothing to report on any more.
        await state.clear()
        await message.answer(t("admin.only"))
        return
    now = clock()
    try:
        first, last = parse_range(message.text, to_wib(now).date())
    except BadRange as refusal:
        values = {
            name: t.date(value) if isinstance(value, date) else value
            for name, value in refusal.values.items()
        }
        await message.answer(t(f"report.range.bad.{refusal.reason}", **values))
        return
    await state.clear()
    await send_report(message, admin, Period(first, last), t, complaints, calendar, now)


async def range_cancelled(message: Message, state: FSMContext, t: Texts) -> None:
    await state.clear()
    await message.answer(t("report.range.cancelled"))


class ExportDesk:
    """The exports being prepared in this process, one background task each, keyed by who asked for what:
    the same file asked for again meanwhile gets an answer instead of a second task."""

    def __init__(self, at_once: int = BUILDING_AT_ONCE) -> None:
        self._busy: set[tuple[int, int, int, int, str]] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._building = asyncio.Semaphore(at_once)

    async def pressed(
        self,
        query: CallbackQuery,
        callback_data: ReportFileCb,
        t: Texts,
        admin: AdminInfo | None,
        complaints: ComplaintService,
        calendar: WorkingCalendar,
        clock: Callable[[], datetime],
    ) -> None:
        message = await _allowed(query, t, admin)
        if message is None or admin is None or callback_data.fmt not in FORMATS:
            return
        try:
            period = Period(date.fromordinal(callback_data.first), date.fromordinal(callback_data.last))
        except ValueError:  # a forged or damaged payload: out-of-range days, or reversed
            return
        if period.first_day < EARLIEST:  # forged too: no button offers it, and year 1 has no UTC instant
            return
        fmt = callback_data.fmt
        label = fmt.upper()
        key = (query.from_user.id, admin.org.id, callback_data.first, callback_data.last, fmt)
        if key in self._busy:
            await message.answer(t("report.already_preparing", fmt=label))
            return
        self._busy.add(key)
        await message.answer(t("report.preparing", fmt=label))
        work = self._prepare(message, admin, period, fmt, t, complaints, calendar, clock())
        task = asyncio.create_task(work, name=f"rekap-{fmt}-{key[0]}")
        self._tasks.add(task)
        task.add_done_callback(lambda done: self._finished(done, key))

    def _finished(self, task: asyncio.Task[None], key: tuple[int, int, int, int, str]) -> None:
        self._tasks.discard(task)
        self._busy.discard(key)

    async def _prepare(
        self,
        message: Message,
        admin: AdminInfo,
        period: Period,
        fmt: str,
        t: Texts,
        complaints: ComplaintService,
        calendar: WorkingCalendar,
        now: datetime,
    ) -> None:
        try:
            async with self._building:
                # Its own connection, in a worker thread: the export outlives the update that asked for it
                # (it is sent when ready, the update's session closed long before) and must not hold the
                # event loop while ~100,000 rows are read and written.
                content = await export_in_thread(
                    complaints.sessions, calendar, admin.org, period, fmt, t.language, now=now
                )
            document = BufferedInputFile(content, filename=filename_for(admin.org, period, fmt))
            await message.answer_document(document)
        except Exception:
            logger.exception("the /rekap %s export for organisation %s failed", fmt, admin.org.id)
            with suppress(Exception):
                await message.answer(t("report.export_failed", fmt=fmt.upper()))

    async def close(self) -> None:
        """At shutdown: stop waiting for exports in progress (a thread already writing finishes alone)."""
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)


def create_router() -> Router:
    router = Router(name=__name__)
    desk = ExportDesk()
    router.shutdown.register(desk.close)
    router.message.register(rekap, Command("rekap"))
    router.message.register(range_cancelled, ReportRange.typing, Command("cancel"))
    router.message.register(range_typed, ReportRange.typing, ~F.text.startswith("/"))
    router.callback_query.register(period_pressed, ReportPeriodCb.filter())
    router.callback_query.register(desk.pressed, ReportFileCb.filter())
    return router
