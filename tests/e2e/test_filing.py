"""A reporter files complaints: what their chat shows and what the database holds afterwards."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.local_api import LocalBotApi
from bot.local_api.sim import DEFAULT_LOCATION
from storage import models
from storage.database import session_factory
from tests.conftest import World
from tests.e2e.chat import Reporter
from tests.e2e.conftest import RunningBot
from tests.e2e.scripts import Answers, file_complaint

NUMBER = re.compile(r"LG-2026-\d{6}")


async def test_reporter_files_a_complaint_with_two_photos_and_a_location(
    running_bot: RunningBot, local_api: LocalBotApi, clean_engine: AsyncEngine, world: World
) -> None:
    reporter = Reporter(local_api.user(7101, "Siti", phone_number="6281234567890"))

    confirmation = await file_complaint(reporter)

    number = NUMBER.search(confirmation.text or "")
    assert number is not None, confirmation.text
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
