"""/rekap in the province admin's chat: the period buttons, the chart with its summary, the XLSX export."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from bot.local_api import LocalBotApi
from bot.reports import summary_text
from storage.reports import Period, build_report
from tests.conftest import World, draft_for
from tests.e2e.chat import Reporter, visible
from tests.e2e.conftest import RunningBot
from workflow.calendar import WorkingCalendar


async def test_the_province_admin_gets_the_chart_and_the_xlsx(
    running_bot: RunningBot, local_api: LocalBotApi, world: World
) -> None:
    for subject in ("Jalan berlubang", "Lampu <jalan> mati"):
        await world.complaints.submit(draft_for(world.reporter, subject=subject), world.reporter.as_actor())
    admin = world.admins["province"]
    chat = Reporter(local_api.user(admin.telegram_id, admin.full_name))
    await chat.command("/rekap")
    ask = await chat.expect_key("report.ask")
    assert ask.button_texts == [
        chat.t.plain(f"report.btn.{key}") for key in ("this_month", "last_month", "this_year")
    ]
    await chat.press(ask, "report.btn.this_month")

    photo = await chat.next_where(lambda m: m.kind == "photo", "the chart")
    report = await build_report(
        world.complaints.sessions,
        WorkingCalendar(),
        admin.org,
        Period.this_month(world.clock()),
        now=world.clock(),
    )
    assert report.total == 2
    assert photo.text == visible(summary_text(report, "id"))
    assert len(photo.text or "") <= 1024
    assert photo.button_texts == [chat.t.plain("report.btn.xlsx"), chat.t.plain("report.btn.csv")]

    await chat.press(photo, "report.btn.xlsx")
    document = await chat.next_where(lambda m: m.kind == "document", "the XLSX")
    assert document.media["file_name"].endswith(".xlsx")
    stored = local_api.world.files.get(document.media["file_id"])
    assert stored is not None
    workbook = load_workbook(io.BytesIO(stored.data), read_only=True)
    assert len(workbook.sheetnames) == 2


async def test_an_officer_is_told_reports_are_not_theirs(
    running_bot: RunningBot, local_api: LocalBotApi, world: World
) -> None:
    officer = world.admins["officer"]
    chat = Reporter(local_api.user(officer.telegram_id, officer.full_name))
    await chat.command("/rekap")
    await chat.expect_key("report.not_allowed")
