"""The scheduler's notices reach Telegram: a stage reminder and an escalation in the province admins' chats,
a half-filed complaint's reminder and discard notice in the reporter's, each in its reader's words."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.local_api import LocalBotApi
from storage import models
from storage.database import session_factory
from storage.scheduler import run_scheduler_once
from tests.conftest import World, draft_for
from tests.e2e.chat import Reporter
from tests.e2e.notifications import delivered, notifier_for, open_chats, outbox_rows
from workflow.calendar import WIB, WorkingCalendar
from workflow.definitions import S

CALENDAR = WorkingCalendar()
SUBJECT = "Lampu <jalan> & trotoar mati"


def wib(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=WIB)


async def run_at(world: World, engine: AsyncEngine, moment: datetime) -> None:
    world.clock.now = moment.astimezone(UTC)
    await run_scheduler_once(session_factory(engine), CALENDAR, world.clock)


def texts_of(person: Reporter) -> list[str]:
    return [message.text or "" for message in person.user.chat().bot_messages()]


async def test_reminders_escalations_and_draft_notices_reach_their_chats(
    local_api: LocalBotApi, clean_engine: AsyncEngine, world: World
) -> None:
    await open_chats(world, local_api, "province", "province2")
    await world.directory.set_language(world.admins["province2"].telegram_id, "en")
    assert world.reporter.telegram_id is not None
    # Monday 21 December, 09:00: filed; the province has 2 office hours (due 11:00 WIB).
    world.clock.now = wib(12, 21, 9).astimezone(UTC)
    complaint = await world.complaints.submit(
        draft_for(world.reporter, subject=SUBJECT), world.reporter.as_actor()
    )
    # A half-filed complaint idle since Sunday evening.
    async with session_factory(clean_engine).begin() as session:
        session.add(
            models.FsmRecord(
                key=f"fsm:{world.reporter.telegram_id}:{world.reporter.telegram_id}:default",
                state="Filing:chronology",
                data={},
                updated_at=wib(12, 20, 8).astimezone(UTC),
            )
        )
    notifier = notifier_for(local_api, clean_engine, world, outbox_clock=world.clock)
    notifier.start()
    try:
        await run_at(world, clean_engine, wib(12, 21, 10))  # half the stage's time, and the draft's day
        await run_at(world, clean_engine, wib(12, 21, 10, 5))  # nothing new
        await delivered(clean_engine, None)
        await run_at(world, clean_engine, wib(12, 21, 11, 1))  # overdue: the province hears itself
        await run_at(world, clean_engine, wib(12, 30, 9))  # the draft is discarded after 10 days
        await delivered(clean_engine, None)
    finally:
        await notifier.stop()

    rows = await outbox_rows(clean_engine)
    assert {row.status for row in rows} == {"sent"}
    assert local_api.requests(ok=False) == []
    number = complaint.tracking_number
    due = wib(12, 21, 11)
    for seat, language in (("province", "id"), ("province2", "en")):
        admin = Reporter(local_api.user(world.admins[seat].telegram_id), language)
        stage = admin.t.plain(f"admin.state.laporgub.{S.AT_PROVINCE}")
        values = {"number": number, "subject": SUBJECT, "stage": stage, "due": admin.t.moment(due)}
        expected = [
            admin.said("reminder.stage_half", org="", **values),
            admin.said("reminder.stage_overdue", org="Pemerintah Provinsi Jawa Tengah", **values),
        ]
        shown = [text for text in texts_of(admin) if "⏳" in text or "🚨" in text]
        assert shown == expected, seat
        assert "Lampu <jalan> & trotoar mati" in shown[0]
        assert ("11.00 WIB" if language == "id" else "11:00 WIB") in shown[0]
    rina = Reporter(local_api.user(world.reporter.telegram_id))
    discard_at = rina.t.moment(wib(12, 30, 8))
    assert texts_of(rina)[-2:] == [
        rina.said("reminder.draft_reminder", discard=discard_at),
        rina.said("reminder.draft_discarded"),
    ]
