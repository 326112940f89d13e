"""A reporter files complaints: what their chat shows and what the database holds afterwards."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.dev.local_api import LocalBotApi, tiny_png
from bot.dev.local_api.sim import DEFAULT_LOCATION
from storage import models
from storage.database import session_factory
from storage.retention import erase_identities
from tests.conftest import World, draft_for
from tests.e2e.chat import Reporter
from tests.e2e.conftest import RunningBot
from tests.e2e.scripts import (
    Answers,
    answer_complaint,
    answer_identity,
    edit_answer,
    file_complaint,
    submit,
)
from workflow.definitions import T
from workflow.identity import mask_phone

NUMBER = re.compile(r"LG-2026-\d{6}")


async def test_reporter_files_a_complaint_with_two_photos_and_a_location(
    running_bot: RunningBot, local_api: LocalBotApi, clean_engine: AsyncEngine, world: World
) -> None:
    reporter = Reporter(local_api.user(7101, "Siti", phone_number="6281234567890"))

    confirmation = await file_complaint(reporter)

    number = NUMBER.search(confirmation.text or "")
    assert number is not None, confirmation.text
    await running_bot.until_handled()
    # Wednesday 25 November 2026, 10:00 WIB + 2 working days.
    assert confirmation.text == reporter.said(
        "submitted", number=number.group(), deadline="Jumat, 27 November 2026"
    )
    async with session_factory(clean_engine)() as session:
        complaint = await session.scalar(
            select(models.Complaint).where(models.Complaint.tracking_number == number.group())
        )
        assert complaint is not None
        assert complaint.subject == Answers.subject
        assert (complaint.latitude, complaint.longitude) == DEFAULT_LOCATION
        assert complaint.state == "at_province"
        reporter_row = await session.get(models.Reporter, complaint.reporter_id)
        assert reporter_row is not None
        assert (reporter_row.telegram_id, reporter_row.nik, reporter_row.phone) == (
            7101,
            "3375014507900002",
            "+6281234567890",
        )
        attachments = (
            await session.scalars(
                select(models.Attachment).where(models.Attachment.complaint_id == complaint.id)
            )
        ).all()
        assert [attachment.kind for attachment in attachments] == ["photo", "photo"]
        events = (
            await session.scalars(
                select(models.ComplaintEvent).where(models.ComplaintEvent.complaint_id == complaint.id)
            )
        ).all()
        assert [(event.trigger, event.to_state) for event in events] == [("submit", "at_province")]
        assert await session.get(models.FsmRecord, f"{7101}") is None
        assert (await session.scalars(select(models.FsmRecord))).all() == []
    assert local_api.requests(ok=False) == []


async def test_a_second_complaint_reuses_the_saved_identity(
    running_bot: RunningBot, local_api: LocalBotApi, clean_engine: AsyncEngine
) -> None:
    reporter = Reporter(local_api.user(7102, "Budi", phone_number="6281234567891"))
    await file_complaint(reporter, Answers(photos=0, share_location=False))

    await reporter.command("/new")
    await reporter.expect_key("filing.intro")
    offer = await reporter.expect_key(
        "identity.saved",
        name=Answers.full_name,
        nik="3375••••••••0002",
        phone=mask_phone("+6281234567891"),
        address=Answers.address,
    )
    assert "3375014507900002" not in (offer.text or "")
    await reporter.press(offer, "btn.identity.use")
    second = Answers(subject="Lampu jalan mati", photos=1, share_location=False, confidential=True)
    summary = await answer_complaint(reporter, second, first=1, total=7)
    # The identity came from storage, not from this conversation: the summary keeps it masked.
    assert "3375••••••••0002" in (summary.text or "")
    assert "3375014507900002" not in (summary.text or "")
    # Changing the phone here shows the new number in full (to be checked); the stored NIK stays masked.
    await edit_answer(reporter, summary, "phone")
    await reporter.expect_prompt("phone", 3, total=11)
    await reporter.send("0812-3456-7000")
    await reporter.expect_key("ack.saved")
    summary = await reporter.expect_starting(reporter.said("summary.title"))
    assert "+6281234567000" in (summary.text or "")
    assert "3375••••••••0002" in (summary.text or "")
    confirmation = await submit(reporter, summary)

    number = NUMBER.search(confirmation.text or "")
    assert number is not None
    async with session_factory(clean_engine)() as session:
        rows = (await session.scalars(select(models.Complaint).order_by(models.Complaint.id))).all()
        assert [row.subject for row in rows] == [Answers.subject, "Lampu jalan mati"]
        assert rows[0].reporter_id == rows[1].reporter_id
        assert rows[1].confidential is True
        # Each conversation filed under a key of its own: a replayed confirmation would find its complaint.
        keys = [row.submission_key for row in rows]
        assert None not in keys
        assert len(set(keys)) == 2
        assert len((await session.scalars(select(models.Reporter))).all()) == 2  # Budi and the world's Rina
    assert local_api.requests(ok=False) == []


async def test_answers_are_edited_from_the_summary_and_an_identity_can_be_updated(
    running_bot: RunningBot, local_api: LocalBotApi, clean_engine: AsyncEngine
) -> None:
    reporter = Reporter(local_api.user(7103, "Citra", phone_number="6281234567801"))
    await file_complaint(reporter, Answers(photos=0, share_location=False))

    await reporter.command("/new")
    offer = await reporter.expect_starting(
        reporter.said("identity.saved", name="", nik="", phone="", address="")[:10]
    )
    await reporter.press(offer, "btn.identity.update")
    updated = Answers(full_name="Citra Kirana", phone="0812 3456 7802", photos=0, share_location=False)
    await answer_identity(reporter, updated)
    summary = await answer_complaint(reporter, updated)

    await edit_answer(reporter, summary, "subject")
    await reporter.expect_prompt("subject", 5)
    await reporter.send("Trotoar rusak")
    summary = await reporter.expect_starting(reporter.said("summary.title"))
    assert "Trotoar rusak" in (summary.text or "")

    await edit_answer(reporter, summary, "location")
    await reporter.expect_prompt("location", 9)
    await reporter.press_reply("btn.share_location")
    await reporter.expect_key("ack.saved")
    summary = await reporter.expect_starting(reporter.said("summary.title"))
    assert reporter.user.chat().reply_keyboard is None

    await edit_answer(reporter, summary, "attachments")
    prompt = await reporter.expect_prompt("attachments", 10)
    assert prompt.message_id
    await reporter.user.send_album([tiny_png(3, 3), tiny_png(4, 4), tiny_png(5, 5)])
    for count in (1, 2):
        await reporter.expect_key("attachment.added", count=count, max=5)
    last = await reporter.expect_key("attachment.added", count=3, max=5)
    await reporter.press(last, "btn.attachments.done")
    summary = await reporter.expect_starting(reporter.said("summary.title"))
    assert reporter.said("value.attachments", photos=3, documents=0) in (summary.text or "")
    await submit(reporter, summary)

    async with session_factory(clean_engine)() as session:
        rows = (
            await session.scalars(select(models.Reporter).where(models.Reporter.telegram_id == 7103))
        ).all()
        assert [(row.full_name, row.phone) for row in rows] == [("Citra Kirana", "+6281234567802")]
        latest = await session.scalar(select(models.Complaint).order_by(models.Complaint.id.desc()).limit(1))
        assert latest is not None
        assert latest.subject == "Trotoar rusak"
        assert (latest.latitude, latest.longitude) == DEFAULT_LOCATION
        count = await session.scalar(
            select(func.count())
            .select_from(models.Attachment)
            .where(models.Attachment.complaint_id == latest.id)
        )
        assert count == 3
    assert local_api.requests(ok=False) == []


async def test_after_the_identity_is_erased_filing_asks_for_it_anew(
    running_bot: RunningBot, local_api: LocalBotApi, clean_engine: AsyncEngine, world: World
) -> None:
    """An identity erased after the retention period (storage/retention.py) is not offered back."""
    complaint = await world.complaints.submit(draft_for(world.reporter), world.reporter.as_actor())
    await world.complaints.fire(
        complaint.id, world.actor("province"), T.REJECT, seen_version=1, reason="Bukan."
    )
    later = world.clock.now + timedelta(days=400)
    assert await erase_identities(session_factory(clean_engine), later, timedelta(days=365)) == 1

    reporter = Reporter(local_api.user(world.reporter.telegram_id or 0, "Rina"))
    await reporter.command("/new")
    await reporter.expect_key("filing.intro")
    await reporter.expect_prompt("full_name", 1)
