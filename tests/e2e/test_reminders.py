"""The scheduler's notices reach Telegram: a stage reminder and an escalation in the province admins' chats,
a half-filed complaint's reminder and discard notice in the reporter's, each in its reader's words."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app.scheduler_loop import scheduler_settings
from bot.dev.local_api import LocalBotApi
from storage import models
from storage.database import session_factory
from storage.scheduler import run_scheduler_once
from tests.conftest import World, draft_for
from tests.e2e.chat import Reporter
from tests.e2e.notifications import delivered, notifier_for, open_chats, outbox_rows
from workflow.calendar import WIB, WorkingCalendar
from workflow.definitions import S, T

CALENDAR = WorkingCalendar()
SUBJECT = "Lampu <jalan> & trotoar mati"


def wib(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=WIB)


async def run_at(world: World, engine: AsyncEngine, moment: datetime) -> None:
    world.clock.now = moment.astimezone(UTC)
    await run_scheduler_once(session_factory(engine), CALENDAR, world.clock, scheduler_settings())


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
    # The complaint is past its deadline (Wednesday 23 December) by the 30th: the reporter hears it once.
    apology = rina.said(
        "notify.reporter.overdue",
        number=number,
        subject=SUBJECT,
        deadline=rina.t.wib_day(complaint.deadline),
        org=PROVINCE,
    )
    assert texts_of(rina)[-3:] == [
        rina.said("reminder.draft_reminder", discard=discard_at),
        apology,
        rina.said("reminder.draft_discarded"),
    ]


PROVINCE = "Pemerintah Provinsi Jawa Tengah"
CITY = "Dinkominfo Kota Pekalongan"
DPUPR = "Dinas Pekerjaan Umum dan Penataan Ruang Kota Pekalongan"


async def run_twice_at(world: World, engine: AsyncEngine, moment: datetime) -> None:
    """Two schedulers at the same moment (two bot processes), then a third (a restart), then delivery."""
    world.clock.now = moment.astimezone(UTC)
    sessions = session_factory(engine)
    await asyncio.gather(
        run_scheduler_once(sessions, CALENDAR, world.clock, scheduler_settings()),
        run_scheduler_once(sessions, CALENDAR, world.clock, scheduler_settings()),
    )
    again = await run_scheduler_once(sessions, CALENDAR, world.clock, scheduler_settings())
    assert again.notices_written == 0, moment
    await delivered(engine, None)


def reminders_in(person: Reporter) -> list[str]:
    """The scheduler's notices in an admin's chat (cards and other messages left out), oldest first."""
    return [text for text in texts_of(person) if text[:1] in {"⏳", "⏰", "🚨"}]


async def test_christmas_and_new_year_as_the_admins_see_it(
    local_api: LocalBotApi, clean_engine: AsyncEngine, world: World
) -> None:
    """tests/storage/test_scheduler.py's timeline over Christmas 2026 and New Year 2027, read in the admins'
    chats: each notice once, in its reader's language, due times in WIB, with every run made twice at once
    and once more after."""
    seats = ("province", "province2", "city", "city2", "opd")
    await open_chats(world, local_api, *seats)
    await world.directory.set_language(world.admins["province2"].telegram_id, "en")
    await world.directory.set_language(world.admins["city2"].telegram_id, "en")
    orgs = world.orgs
    world.clock.now = wib(12, 21, 9).astimezone(UTC)  # Monday 21 December, 09:00
    complaint = await world.complaints.submit(
        draft_for(world.reporter, subject=SUBJECT), world.reporter.as_actor()
    )
    notifier = notifier_for(local_api, clean_engine, world, outbox_clock=world.clock)

    async def act(moment: datetime, seat: str, trigger: str, version: int, **options: object) -> None:
        world.clock.now = moment.astimezone(UTC)
        await world.complaints.fire(complaint.id, world.actor(seat), trigger, seen_version=version, **options)
        await delivered(clean_engine, None)

    async def at(*moments: datetime) -> None:
        for moment in moments:
            await run_twice_at(world, clean_engine, moment)

    notifier.start()
    try:
        await at(
            wib(12, 21, 9, 59), wib(12, 21, 10), wib(12, 21, 11), wib(12, 21, 11, 1), wib(12, 21, 11, 20)
        )
        await act(wib(12, 21, 11, 30), "province", T.DISPOSE, 1, target_org_id=orgs["KOTA-PKL"].id)
        await at(wib(12, 21, 14))
        await act(wib(12, 21, 15), "city", T.FORWARD, 2, target_org_id=orgs["PKL-DPUPR"].id)
        await at(wib(12, 21, 16), wib(12, 21, 23), wib(12, 22, 8), wib(12, 22, 10))
        await act(wib(12, 23, 15), "opd", T.ACCEPT, 3)
        # 24 December (joint leave), Christmas Day and the weekend: nothing is due.
        await at(wib(12, 23, 16), wib(12, 24, 10), wib(12, 25, 10), wib(12, 26, 10), wib(12, 27, 23))
        await at(wib(12, 28, 8), wib(12, 28, 10), wib(12, 28, 13, 5))
        await act(wib(12, 29, 9), "opd", T.SUBMIT_RESULT, 4, result="Lampu sudah diganti.")
        await at(wib(12, 29, 10), wib(12, 30, 9))
        await act(wib(12, 31, 15), "city", T.CONFIRM_RESULT, 5)
        await at(wib(12, 31, 16), datetime(2027, 1, 1, 10, tzinfo=WIB), datetime(2027, 1, 4, 8, tzinfo=WIB))
        await act(datetime(2027, 1, 4, 8, 30, tzinfo=WIB), "province", T.APPROVE, 6)
        await at(datetime(2027, 1, 4, 10, tzinfo=WIB))
    finally:
        await notifier.stop()

    rows = await outbox_rows(clean_engine)
    assert {row.status for row in rows} == {"sent"}
    assert len({row.dedupe_key for row in rows}) == len(rows)
    number = complaint.tracking_number

    def said(person: Reporter, kind: str, stage: str, due: datetime, org: str = "") -> str:
        return person.said(
            f"reminder.{kind}",
            number=number,
            subject=SUBJECT,
            stage=person.t.plain(f"admin.state.laporgub.{stage}"),
            due=person.t.moment(due),
            org=org,
        )

    new_year = datetime(2027, 1, 4, 9, tzinfo=WIB)
    expected = {
        "province": [
            ("stage_half", S.AT_PROVINCE, wib(12, 21, 11), ""),
            ("stage_overdue", S.AT_PROVINCE, wib(12, 21, 11), PROVINCE),  # no tier above: told itself
            ("stage_overdue", S.AT_CITY, wib(12, 21, 13, 30), CITY),
            ("stage_overdue", S.RESULT_AT_CITY, wib(12, 29, 11), CITY),
            ("stage_half", S.RESULT_AT_PROVINCE, new_year, ""),
            ("stage_due_today", S.RESULT_AT_PROVINCE, new_year, ""),
        ],
        "city": [
            ("stage_overdue", S.AT_OPD, wib(12, 22, 9), DPUPR),
            ("stage_overdue", S.IN_FOLLOW_UP, wib(12, 28, 13), DPUPR),
            ("stage_half", S.RESULT_AT_CITY, wib(12, 29, 11), ""),
        ],
        "opd": [
            ("stage_half", S.AT_OPD, wib(12, 22, 9), ""),
            ("stage_due_today", S.AT_OPD, wib(12, 22, 9), ""),
            ("stage_due_today", S.IN_FOLLOW_UP, wib(12, 28, 13), ""),
            ("stage_half", S.IN_FOLLOW_UP, wib(12, 28, 13), ""),
        ],
    }
    chats = {seat: Reporter(local_api.user(world.admins[seat].telegram_id)) for seat in seats}
    chats["province2"].speaks("en")
    chats["city2"].speaks("en")
    for seat, person in chats.items():
        office = seat.rstrip("2")
        assert reminders_in(person) == [said(person, *notice) for notice in expected[office]], seat

    # Word for word, as the OPD's and the English city admin's chats show them:
    assert reminders_in(chats["opd"])[2] == (
        f"⏰ Laporan {number} ({SUBJECT}) jatuh tempo hari ini.\n"
        "Tahap: Sedang ditindaklanjuti OPD\nBatas: 28 Desember 2026 13.00 WIB"
    )
    assert reminders_in(chats["city2"])[1] == (
        f"🚨 Complaint {number} ({SUBJECT}) is overdue at {DPUPR}.\n"
        "Stage: Being followed up by the agency\nDue: 28 December 2026 13:00 WIB"
    )
