"""Every bad answer gets its own re-prompt and the conversation carries on; /cancel leaves nothing behind."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.dev.local_api import LocalBotApi, tiny_png
from storage import models
from storage.database import session_factory
from tests.e2e.chat import Reporter
from tests.e2e.conftest import RunningBot
from tests.e2e.scripts import start_filing, submit

OVERSIZED = 20 * 1024 * 1024 + 1


async def _count(engine: AsyncEngine, model: type[models.Base]) -> int:
    async with session_factory(engine)() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_each_bad_answer_is_refused_with_its_own_reprompt_and_filing_goes_on(
    running_bot: RunningBot, local_api: LocalBotApi, clean_engine: AsyncEngine
) -> None:
    reporter = Reporter(local_api.user(7201, "Dewi", phone_number="6281234567892"))
    await start_filing(reporter)
    await reporter.expect_prompt("full_name", 1)
    await reporter.user.send_sticker()
    await reporter.expect_key("hint.text_expected")
    await reporter.send("Al")
    await reporter.expect_key("bad.full_name", min=3, max=200)
    await reporter.command("/laporan")
    await reporter.expect_key("hint.unknown_command")
    await reporter.send("Dewi Lestari")

    await reporter.expect_prompt("nik", 2)
    for bad, problem in [
        ("12345", "not_16_digits"),
        ("33750145079000AB", "not_16_digits"),
        ("9975014507900002", "unknown_region"),
        ("3300014507900002", "unknown_region"),
        ("3375013213900002", "impossible_birth_date"),
        ("3375017102900002", "impossible_birth_date"),
        ("3375014507900000", "zero_serial"),
    ]:
        await reporter.send(bad)
        await reporter.expect_key(f"bad.nik.{problem}")
    await reporter.send("3375 0145 0790 0002")

    await reporter.expect_prompt("phone", 3)
    await reporter.user.send_voice()
    await reporter.expect_key("hint.phone_expected")
    await reporter.send("12345")
    await reporter.expect_key("bad.phone")
    await reporter.user.send_contact("6281299998888", first_name="Tetangga", own=False)
    await reporter.expect_key("bad.contact_not_own")
    await reporter.press_reply("btn.share_contact")

    await reporter.expect_prompt("address", 4)
    await reporter.send("Jl. Merdeka 1")
    await reporter.expect_prompt("subject", 5)
    await reporter.send("x" * 201)
    await reporter.expect_key("bad.subject", max=200, length=201)
    await reporter.send("Sampah menumpuk")
    await reporter.expect_prompt("chronology", 6)
    await reporter.user.send_voice()
    await reporter.expect_key("hint.text_expected")
    await reporter.user.send_photo()
    await reporter.expect_key("hint.text_expected")
    await reporter.send("Sampah tidak diangkut selama seminggu.")

    await reporter.expect_prompt("event_date", 7)
    await reporter.send("minggu lalu")  # "last week": no date a reporter can check
    await reporter.expect_key("bad.event_date.format")
    await reporter.send("31-02-2026")
    await reporter.expect_key("bad.event_date.format")
    # The test clock stands at Wednesday 25 November 2026, 10:00 WIB.
    await reporter.send("26/11/2026")
    await reporter.expect_key("bad.event_date.future", today="25 November 2026")
    await reporter.send("2026-11-25")

    await reporter.expect_prompt("event_place", 8)
    await reporter.send("Pasar Banjarsari")
    await reporter.expect_prompt("location", 9)
    await reporter.send("di dekat pasar")
    await reporter.expect_key("hint.location_expected")
    await reporter.press_reply("btn.skip")
    await reporter.expect_key("ack.saved")

    await reporter.expect_prompt("attachments", 10)
    await reporter.user.send_sticker()
    await reporter.expect_key("hint.attachment_expected")
    await reporter.user.send_document(bytes(OVERSIZED), "rekaman.pdf", "application/pdf")
    await reporter.expect_key("attachment.too_big", size_mb="20.0", limit_mb=20)
    await reporter.user.send_document(b"%PDF-1.4 surat", "surat.pdf", "application/pdf")
    await reporter.expect_key("attachment.added", count=1, max=5)
    for count in range(2, 5):
        await reporter.user.send_photo(tiny_png(5 + count, 5))
        await reporter.expect_key("attachment.added", count=count, max=5)
    await reporter.user.send_photo()
    await reporter.expect_key("attachment.full", count=5, max=5)
    await reporter.user.send_photo()
    refusal = await reporter.expect_key("attachment.too_many", max=5)
    await reporter.press(refusal, "btn.attachments.done")

    choice = await reporter.expect_prompt("confidential", 11)
    await reporter.send("ya")
    await reporter.expect_key("hint.use_buttons")
    await reporter.press(choice, "btn.no_confidential")
    summary = await reporter.expect_starting(reporter.said("summary.title"))
    assert reporter.said("value.attachments", photos=4, documents=1) in (summary.text or "")
    await submit(reporter, summary)

    async with session_factory(clean_engine)() as session:
        complaint = await session.scalar(select(models.Complaint))
        assert complaint is not None
        assert complaint.event_date.isoformat() == "2026-11-25"
        assert (complaint.latitude, complaint.longitude) == (None, None)
        kinds = (
            await session.scalars(
                select(models.Attachment.kind).where(models.Attachment.complaint_id == complaint.id)
            )
        ).all()
        assert sorted(kinds) == ["document", "photo", "photo", "photo", "photo"]
        reporter_row = await session.get(models.Reporter, complaint.reporter_id)
        assert reporter_row is not None
        assert reporter_row.nik == "3375014507900002"
    assert local_api.requests(ok=False) == []


async def test_cancel_at_any_step_leaves_nothing_behind(
    running_bot: RunningBot, local_api: LocalBotApi, clean_engine: AsyncEngine
) -> None:
    reporter = Reporter(local_api.user(7203, "Fajar", phone_number="6281234567894"))
    complaints_before = await _count(clean_engine, models.Complaint)
    reporters_before = await _count(clean_engine, models.Reporter)

    await reporter.command("/cancel")
    await reporter.expect_key("cancel.nothing")

    # At the phone step, with the share-contact keyboard up: /cancel takes the keyboard down too.
    await start_filing(reporter)
    await reporter.expect_prompt("full_name", 1)
    await reporter.send("Fajar Nugroho")
    await reporter.expect_prompt("nik", 2)
    await reporter.send("3375014507900002")
    await reporter.expect_prompt("phone", 3)
    assert reporter.user.chat().reply_keyboard is not None
    await reporter.command("/cancel")
    await reporter.expect_key("cancel.done")
    assert reporter.user.chat().reply_keyboard is None
    await running_bot.until_handled()
    assert await _count(clean_engine, models.FsmRecord) == 0

    # At the attachments step, with a photo already received.
    await start_filing(reporter)
    await reporter.expect_prompt("full_name", 1)  # nothing was saved: no identity is offered back
    for answer, (field, step) in [
        ("Fajar Nugroho", ("nik", 2)),
        ("3375014507900002", ("phone", 3)),
        ("081234567894", ("address", 4)),
        ("Jl. Imam Bonjol 3", ("subject", 5)),
        ("Drainase tersumbat", ("chronology", 6)),
        ("Air meluap setiap hujan.", ("event_date", 7)),
        ("21-11-2026", ("event_place", 8)),
        ("Jl. Imam Bonjol", ("location", 9)),
    ]:
        await reporter.send(answer)
        await reporter.expect_prompt(field, step)
    await reporter.press_reply("btn.skip")
    await reporter.expect_prompt("attachments", 10)
    await reporter.user.send_photo()
    await reporter.expect_key("attachment.added", count=1, max=5)
    await reporter.command("/cancel")
    await reporter.expect_key("cancel.done")
    await running_bot.until_handled()
    assert await _count(clean_engine, models.FsmRecord) == 0

    # At the summary, with the Cancel button.
    await start_filing(reporter)
    await reporter.expect_prompt("full_name", 1)
    for answer, (field, step) in [
        ("Fajar Nugroho", ("nik", 2)),
        ("3375014507900002", ("phone", 3)),
        ("081234567894", ("address", 4)),
        ("Jl. Imam Bonjol 3", ("subject", 5)),
        ("Drainase tersumbat", ("chronology", 6)),
        ("Air meluap setiap hujan.", ("event_date", 7)),
        ("21-11-2026", ("event_place", 8)),
        ("Jl. Imam Bonjol", ("location", 9)),
    ]:
        await reporter.send(answer)
        await reporter.expect_prompt(field, step)
    await reporter.press_reply("btn.skip")
    attachments = await reporter.expect_prompt("attachments", 10)
    await reporter.press(attachments, "btn.attachments.skip")
    choice = await reporter.expect_prompt("confidential", 11)
    await reporter.press(choice, "btn.yes_confidential")
    summary = await reporter.expect_starting(reporter.said("summary.title"))
    await reporter.press(summary, "btn.cancel")
    await reporter.expect_key("cancel.done")
    # The summary lost its buttons: it cannot be submitted after the cancel.
    current = reporter.user.chat().message(summary.message_id)
    assert current is not None
    assert current.buttons == []

    await running_bot.until_handled()
    assert await _count(clean_engine, models.FsmRecord) == 0
    assert await _count(clean_engine, models.Complaint) == complaints_before
    assert await _count(clean_engine, models.Reporter) == reporters_before
    assert await _count(clean_engine, models.Attachment) == 0
    assert local_api.requests(ok=False) == []
