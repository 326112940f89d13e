"""/rekap in an admin's chat: the period buttons, a typed range (and every way to get it wrong), the chart
with its summary, the XLSX and CSV prepared while the bot goes on answering, and /rekap in the admin's
command menu."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import threading
from datetime import UTC, date
from typing import Any

import pytest
from openpyxl import load_workbook

import bot.ui.report_rendering.exports as exports_module
from bot.dev.local_api import ChatMessage, LocalBotApi
from bot.ui.report_rendering import summary_text
from bot.ui.report_rendering.ranges import MAX_DAYS
from bot.ui.texts import texts_for
from storage.reports.figures import Period, build_report
from tests.conftest import World, draft_for
from tests.e2e.chat import WAIT_S, Reporter, visible
from tests.e2e.conftest import RunningBot
from tests.reports.december import DECEMBER, NOW, build_december
from workflow.calendar import WorkingCalendar

PERIOD_KEYS = ("this_month", "last_month", "this_year", "custom")


def admin_chat(local_api: LocalBotApi, world: World, seat: str, language: str = "id") -> Reporter:
    admin = world.admins[seat]
    return Reporter(local_api.user(admin.telegram_id, admin.full_name), language)


def stored_file(local_api: LocalBotApi, document: ChatMessage) -> bytes:
    stored = local_api.world.files.get(document.media["file_id"])
    assert stored is not None
    return bytes(stored.data)


async def the_chart(chat: Reporter) -> ChatMessage:
    return await chat.next_where(lambda m: m.kind == "photo", "the chart")


async def the_document(chat: Reporter, extension: str) -> ChatMessage:
    return await chat.next_where(
        lambda m: m.kind == "document" and m.media["file_name"].endswith(extension), extension
    )


async def test_the_province_admin_gets_the_chart_the_xlsx_and_the_csv(
    running_bot: RunningBot, local_api: LocalBotApi, world: World
) -> None:
    for subject in ("Jalan berlubang", "Lampu <jalan> mati"):
        await world.complaints.submit(draft_for(world.reporter, subject=subject), world.reporter.as_actor())
    chat = admin_chat(local_api, world, "province")
    await chat.command("/rekap")
    ask = await chat.expect_key("report.ask")
    assert ask.button_texts == [chat.t.plain(f"report.btn.{key}") for key in PERIOD_KEYS]
    await chat.press(ask, "report.btn.this_month")

    photo = await the_chart(chat)
    report = await build_report(
        world.complaints.sessions,
        WorkingCalendar(),
        world.admins["province"].org,
        Period.this_month(world.clock()),
        now=world.clock(),
    )
    assert report.total == 2
    assert photo.text == visible(summary_text(report, "id"))
    assert len(photo.text or "") <= 1024
    assert photo.button_texts == [chat.t.plain("report.btn.xlsx"), chat.t.plain("report.btn.csv")]

    await chat.press(photo, "report.btn.xlsx")
    await chat.expect_key("report.preparing", fmt="XLSX")
    document = await the_document(chat, ".xlsx")
    assert document.media["file_name"] == "rekap-jateng-20261101-20261125.xlsx"
    workbook = load_workbook(io.BytesIO(stored_file(local_api, document)), read_only=True)
    assert len(workbook.sheetnames) == 2

    await chat.press(photo, "report.btn.csv")
    await chat.expect_key("report.preparing", fmt="CSV")
    document = await the_document(chat, ".csv")
    rows = list(csv.reader(io.StringIO(stored_file(local_api, document).decode("utf-8-sig"))))
    assert rows[0][0] == "Nomor"
    assert len(rows) == 1 + report.total


async def test_a_typed_range_after_refusals_of_every_kind(
    running_bot: RunningBot, local_api: LocalBotApi, world: World
) -> None:
    await build_december(world)
    world.clock.now = NOW.astimezone(UTC)  # Monday 4 January 2027
    chat = admin_chat(local_api, world, "province")
    await chat.command("/rekap")
    ask = await chat.expect_key("report.ask")
    await chat.press(ask, "report.btn.custom")
    await chat.expect_key("report.range.ask", max=MAX_DAYS, today=chat.t.date(date(2027, 1, 4)))

    await chat.user.send_sticker()
    await chat.expect_key("report.range.bad.format")
    await chat.send("bulan lalu")
    await chat.expect_key("report.range.bad.format")
    await chat.send("31-02-2026")
    await chat.expect_key("report.range.bad.no_such_date", typed="31-02-2026")
    await chat.send("31-12-2026 s/d 01-12-2026")
    await chat.expect_key(
        "report.range.bad.reversed",
        first=chat.t.date(date(2026, 12, 31)),
        last=chat.t.date(date(2026, 12, 1)),
    )
    await chat.send("01-12-2026 s/d 05-01-2027")
    await chat.expect_key("report.range.bad.future", today=chat.t.date(date(2027, 1, 4)))
    await chat.send("1/1/2025 - 4/1/2026")
    await chat.expect_key("report.range.bad.too_long", days=369, max=MAX_DAYS)
    assert not [m for m in chat.user.chat().bot_messages() if m.kind == "photo"]

    await chat.send("1/12/2026 - 31/12/2026")
    photo = await the_chart(chat)
    report = await build_report(
        world.complaints.sessions, WorkingCalendar(), world.admins["province"].org, DECEMBER, now=NOW
    )
    assert report.total == 7
    assert photo.text == visible(summary_text(report, "id"))
    assert "1 Des 2026 – 31 Des 2026" in (photo.text or "")
    # The range is answered: a date typed now is an ordinary message again (an admin's: the admin menu).
    await chat.send("24-12-2026")
    await chat.next_where(lambda m: chat.t.plain("admin.btn.report") in m.button_texts, "the admin menu")


async def test_one_english_day_and_cancel(
    running_bot: RunningBot, local_api: LocalBotApi, world: World
) -> None:
    await build_december(world)
    world.clock.now = NOW.astimezone(UTC)
    await world.directory.set_language(world.admins["city"].telegram_id, "en")
    chat = admin_chat(local_api, world, "city", "en")
    await chat.command("/rekap")
    await chat.press(await chat.expect_key("report.ask"), "report.btn.custom")
    await chat.expect_key("report.range.ask", max=MAX_DAYS, today=chat.t.date(date(2027, 1, 4)))
    await chat.command("/cancel")
    await chat.expect_key("report.range.cancelled")
    await chat.send("1-12-2026 to 1-12-2026")
    await chat.next_where(lambda m: chat.t.plain("admin.btn.report") in m.button_texts, "the admin menu")

    await chat.command("/rekap")
    await chat.press(await chat.expect_key("report.ask"), "report.btn.custom")
    await chat.send("2026-12-01")
    photo = await the_chart(chat)
    one_day = Period(date(2026, 12, 1), date(2026, 12, 1))
    report = await build_report(
        world.complaints.sessions, WorkingCalendar(), world.admins["city"].org, one_day, now=NOW
    )
    assert report.total == 1  # C1, received Tuesday 1 December and sent to Kota Pekalongan
    assert photo.text == visible(summary_text(report, "en"))


async def test_the_bot_answers_while_an_export_is_built(
    running_bot: RunningBot, local_api: LocalBotApi, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The XLSX is held half-built until another admin's /rekap has been answered: were it built on the
    event loop, nothing else could be answered until it finished, and the order below could not happen."""
    await world.complaints.submit(draft_for(world.reporter), world.reporter.as_actor())
    events: list[str] = []
    started, release = threading.Event(), threading.Event()
    real_xlsx = exports_module.to_xlsx

    def held_xlsx(*args: Any) -> bytes:
        events.append("building")
        started.set()
        if not release.wait(WAIT_S):
            raise TimeoutError("not released: nothing was answered while the export was being built")
        content = real_xlsx(*args)
        events.append("built")
        return content

    monkeypatch.setattr(exports_module, "to_xlsx", held_xlsx)
    chat = admin_chat(local_api, world, "province")
    await chat.command("/rekap")
    await chat.press(await chat.expect_key("report.ask"), "report.btn.this_year")
    photo = await the_chart(chat)
    await chat.press(photo, "report.btn.xlsx")
    preparing = await chat.expect_key("report.preparing", fmt="XLSX")
    assert await asyncio.to_thread(started.wait, WAIT_S)

    # Pressed again while it is being prepared: told so, and no second export starts.
    await chat.press(photo, "report.btn.xlsx")
    busy = await chat.expect_key("report.already_preparing", fmt="XLSX")
    other = admin_chat(local_api, world, "province2")
    await other.command("/rekap")
    await other.expect_key("report.ask")
    events.append("another admin answered")
    release.set()

    document = await the_document(chat, ".xlsx")
    events.append("sent")
    assert events == ["building", "another admin answered", "built", "sent"]
    assert preparing.message_id < busy.message_id < document.message_id
    assert load_workbook(io.BytesIO(stored_file(local_api, document)), read_only=True).sheetnames

    # Once sent, the same export can be asked for again.
    await chat.press(photo, "report.btn.xlsx")
    again = await chat.next_where(
        lambda m: m.message_id > document.message_id and m.text == chat.said("report.preparing", fmt="XLSX"),
        "a second preparing",
    )
    await chat.next_where(lambda m: m.kind == "document" and m.message_id > again.message_id, "the 2nd")
    assert events.count("building") == 2


def chat_commands(local_api: LocalBotApi, chat_id: int) -> list[dict[str, str]]:
    key = json.dumps([{"chat_id": chat_id, "type": "chat"}, ""], sort_keys=True)
    return list(local_api.world.find_bot().commands.get(key, []))


async def test_rekap_is_in_the_admin_command_menu(
    running_bot: RunningBot, local_api: LocalBotApi, world: World
) -> None:
    await world.directory.set_language(world.admins["city"].telegram_id, "en")
    province = admin_chat(local_api, world, "province")
    city = admin_chat(local_api, world, "city", "en")
    officer = admin_chat(local_api, world, "officer")
    for chat in (province, city, officer):
        await chat.command("/start")
        await chat.next_where(lambda m: (m.text or "").startswith("🏛"), "the admin menu")

    def listed(chat: Reporter) -> dict[str, str]:
        return {c["command"]: c["description"] for c in chat_commands(local_api, chat.id)}

    assert listed(province)["rekap"] == "Rekap periode: grafik, XLSX, CSV"
    assert listed(city)["rekap"] == "Report for a period: chart, XLSX, CSV"
    assert list(listed(province)) == [
        "start", "queue", "rekap", "invite", "admins", "new", "my", "track", "contacts", "datasaya",
        "language", "cancel", "help",
    ]  # fmt: skip
    assert "rekap" not in listed(officer)
    assert "record" in listed(officer)

    # A reporter's /rekap: not theirs; the chat keeps the reporter's list.
    reporter = Reporter(local_api.user(9001, "Rina"))
    await reporter.command("/rekap")
    await reporter.expect_key("admin.only")
    assert chat_commands(local_api, reporter.id) == []


async def test_an_admins_command_list_follows_their_language_at_once(
    running_bot: RunningBot, local_api: LocalBotApi, world: World
) -> None:
    province = admin_chat(local_api, world, "province")
    await province.command("/start")
    await province.next_where(lambda m: (m.text or "").startswith("🏛"), "the admin menu")
    assert {c["command"]: c["description"] for c in chat_commands(local_api, province.id)}["rekap"] == (
        "Rekap periode: grafik, XLSX, CSV"
    )
    await province.command("/language")
    picker = await province.next_where(lambda m: bool(m.buttons), "the language picker")
    await province.user.press_button(picker, "l:en")
    await province.next_where(lambda m: m.text == visible(texts_for("en")("language.set")), "English set")
    listed = {c["command"]: c["description"] for c in chat_commands(local_api, province.id)}
    assert listed["rekap"] == "Report for a period: chart, XLSX, CSV"


async def test_an_officer_is_told_reports_are_not_theirs(
    running_bot: RunningBot, local_api: LocalBotApi, world: World
) -> None:
    chat = admin_chat(local_api, world, "officer")
    await chat.command("/rekap")
    await chat.expect_key("report.not_allowed")
