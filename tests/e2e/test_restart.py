"""The bot stops in the middle of a complaint and a new one, on the same database, carries on."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.dev.local_api import LocalBotApi
from storage import models
from storage.database import session_factory
from tests.e2e.chat import Reporter
from tests.e2e.conftest import RunningBot
from tests.e2e.scripts import start_filing, submit


async def test_filing_continues_at_the_same_step_after_a_restart(
    running_bot: RunningBot, local_api: LocalBotApi, clean_engine: AsyncEngine
) -> None:
    reporter = Reporter(local_api.user(7601, "Gita", phone_number="6281234567896"))
    await start_filing(reporter)
    await reporter.expect_prompt("full_name", 1)
    for answer, (field, step) in [
        ("Gita Permata", ("nik", 2)),
        ("3375014507900002", ("phone", 3)),
        ("081234567896", ("address", 4)),
        ("Jl. Gajah Mada 7", ("subject", 5)),
        ("Pohon tumbang", ("chronology", 6)),
    ]:
        await reporter.send(answer)
        await reporter.expect_prompt(field, step)
    await reporter.send("Pohon tumbang menutup jalan sejak kemarin sore.")
    await reporter.expect_prompt("event_date", 7)

    await running_bot.restart()
    async with session_factory(clean_engine)() as session:
        saved = await session.scalar(select(models.FsmRecord))
        assert saved is not None
        assert saved.state == "Filing:event_date"

    await reporter.send("24-11-2026")
    await reporter.expect_prompt("event_place", 8)
    await reporter.send("Jl. Gajah Mada")
    await reporter.expect_prompt("location", 9)

    await running_bot.restart()
    # The reply keyboard of the location step is still on the person's screen, and still works.
    await reporter.press_reply("btn.skip")
    await reporter.expect_key("ack.saved")
    attachments = await reporter.expect_prompt("attachments", 10)
    await reporter.press(attachments, "btn.attachments.skip")
    choice = await reporter.expect_prompt("confidential", 11)
    await reporter.press(choice, "btn.no_confidential")
    summary = await reporter.expect_starting(reporter.said("summary.title"))
    assert "Gita Permata" in (summary.text or "")
    assert "Pohon tumbang menutup jalan sejak kemarin sore." in (summary.text or "")
    await submit(reporter, summary)
    await running_bot.until_handled()

    async with session_factory(clean_engine)() as session:
        complaint = await session.scalar(select(models.Complaint))
        assert complaint is not None
        assert (complaint.subject, complaint.event_place) == ("Pohon tumbang", "Jl. Gajah Mada")
        assert complaint.event_date.isoformat() == "2026-11-24"
        assert (await session.scalars(select(models.FsmRecord))).all() == []
