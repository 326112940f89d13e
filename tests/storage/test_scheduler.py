"""The scheduler over Christmas 2026 and New Year 2027: who is reminded when, escalation, auto-close (of a
LaporGub result, and of a service complaint's response the complainant never answered), drafts.

Every run is made twice at once and then once more (a restart): the outbox must come out the same.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from bot.app.scheduler_loop import scheduler_settings
from bot.updates.fsm_storage import draft_owner
from storage import models
from storage.outbox.notifications import NoticeKind
from storage.scheduler import SchedulerReport, SchedulerSettings, current_stages, run_scheduler_once
from tests.conftest import World, draft_for
from workflow.calendar import WIB, WorkingCalendar
from workflow.definitions import SS, ST, ComplaintKind, S, T
from workflow.sla import stage_status

CALENDAR = WorkingCalendar()
PROVINCE = "Pemerintah Provinsi Jawa Tengah"
CITY = "Dinkominfo Kota Pekalongan"
DPUPR = "Dinas Pekerjaan Umum dan Penataan Ruang Kota Pekalongan"
PROVINCE_CHATS, CITY_CHATS, OPD_CHATS = (1001, 1002), (2001, 2002), (3001,)


def wib(month: int, day: int, hour: int, minute: int = 0, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=WIB)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


class Outbox:
    """Reads the outbox rows written since the last look."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.seen = 0

    async def new(self) -> list[models.OutboxMessage]:
        async with self.world.complaints.sessions() as session:
            rows = list(
                await session.scalars(
                    select(models.OutboxMessage)
                    .where(models.OutboxMessage.id > self.seen)
                    .order_by(models.OutboxMessage.id)
                )
            )
        if rows:
            self.seen = rows[-1].id
        return rows

    async def skip(self) -> None:
        await self.new()


def reminders(rows: list[models.OutboxMessage]) -> list[tuple[Any, ...]]:
    """What an admin would be told: kind, chat, the stage, when it is due, and for escalations to whom."""
    return sorted(
        (
            row.kind,
            row.chat_id,
            row.payload["state"],
            row.payload["due_at"],
            row.payload.get("escalated_to_org_name"),
        )
        for row in rows
    )


def expect(
    kind: str, chats: tuple[int, ...], state: str, due: datetime, escalated_to: str | None = None
) -> list:
    return [(kind, chat, state, iso(due), escalated_to) for chat in chats]


async def run_at(world: World, moment: datetime) -> SchedulerReport:
    """Two schedulers at once, then a third after a 'restart': together they report what was written."""
    world.clock.now = moment.astimezone(UTC)
    sessions = world.complaints.sessions
    settings = scheduler_settings()
    first, second = await asyncio.gather(
        run_scheduler_once(sessions, CALENDAR, world.clock, settings),
        run_scheduler_once(sessions, CALENDAR, world.clock, settings),
    )
    again = await run_scheduler_once(sessions, CALENDAR, world.clock, settings)
    assert again.notices_written == 0
    assert again.auto_closed == ()
    return SchedulerReport(
        notices={
            k: first.notices.get(k, 0) + second.notices.get(k, 0) for k in {*first.notices, *second.notices}
        },
        auto_closed=first.auto_closed + second.auto_closed,
        drafts_discarded=first.drafts_discarded + second.drafts_discarded,
    )


async def test_reminders_and_escalation_over_christmas_and_new_year(world: World) -> None:
    outbox = Outbox(world)
    cid = world.orgs

    async def act(moment: datetime, seat: str, trigger: str, version: int, **options: Any) -> None:
        world.clock.now = moment.astimezone(UTC)
        await world.complaints.fire(complaint.id, world.actor(seat), trigger, seen_version=version, **options)
        await outbox.skip()

    async def check(moment: datetime, expected: list) -> None:
        report = await run_at(world, moment)
        rows = await outbox.new()
        # The reporter's own apology once the deadline passes is tested in tests/e2e/test_reporter_milestones.
        rows = [row for row in rows if row.kind != NoticeKind.REPORTER_OVERDUE]
        assert reminders(rows) == sorted(expected), moment
        assert report.notices_written - report.notices.get(NoticeKind.REPORTER_OVERDUE, 0) == len(expected)
        assert len({row.dedupe_key for row in rows}) == len(rows)

    # Monday 21 December, 09:00: a reporter files; the province has 2 office hours (due 11:00).
    world.clock.now = wib(12, 21, 9).astimezone(UTC)
    complaint = await world.complaints.submit(draft_for(world.reporter), world.reporter.as_actor())
    await outbox.skip()
    await check(wib(12, 21, 9, 59), [])
    await check(wib(12, 21, 10), expect("stage_half", PROVINCE_CHATS, S.AT_PROVINCE, wib(12, 21, 11)))
    await check(wib(12, 21, 11), [])  # due at 11:00 exactly is not yet overdue
    # The province itself is late: it has no tier above, so its own admins hear of it.
    await check(
        wib(12, 21, 11, 1), expect("stage_overdue", PROVINCE_CHATS, S.AT_PROVINCE, wib(12, 21, 11), PROVINCE)
    )
    await check(wib(12, 21, 11, 20), [])

    # 11:30 to the city, due 13:30. Nobody ran the scheduler at 12:30: at 14:00 only the escalation goes out.
    await act(wib(12, 21, 11, 30), "province", T.DISPOSE, 1, target_org_id=cid["KOTA-PKL"].id)
    await check(
        wib(12, 21, 14), expect("stage_overdue", PROVINCE_CHATS, S.AT_CITY, wib(12, 21, 13, 30), PROVINCE)
    )

    # 15:00 to the OPD: 1 hour today, 1 tomorrow, due Tuesday 09:00.
    await act(wib(12, 21, 15), "city", T.FORWARD, 2, target_org_id=cid["PKL-DPUPR"].id)
    await check(wib(12, 21, 16), expect("stage_half", OPD_CHATS, S.AT_OPD, wib(12, 22, 9)))
    await check(wib(12, 21, 23), [])
    await check(wib(12, 22, 8), expect("stage_due_today", OPD_CHATS, S.AT_OPD, wib(12, 22, 9)))
    # Overdue at the OPD goes to its city's Dinkominfo.
    await check(wib(12, 22, 10), expect("stage_overdue", CITY_CHATS, S.AT_OPD, wib(12, 22, 9), CITY))

    # Wednesday 23 Dec 15:00 the OPD accepts: 6 hours of follow-up, 1 today; 24 (joint leave) and
    # 25 (Christmas) closed, then the weekend; due Monday 28 Dec 13:00.
    await act(wib(12, 23, 15), "opd", T.ACCEPT, 3)
    for quiet in (wib(12, 23, 16), wib(12, 24, 10), wib(12, 25, 10), wib(12, 26, 10), wib(12, 27, 23)):
        await check(quiet, [])
    await check(wib(12, 28, 8), expect("stage_due_today", OPD_CHATS, S.IN_FOLLOW_UP, wib(12, 28, 13)))
    await check(wib(12, 28, 10), expect("stage_half", OPD_CHATS, S.IN_FOLLOW_UP, wib(12, 28, 13)))
    await check(
        wib(12, 28, 13, 5), expect("stage_overdue", CITY_CHATS, S.IN_FOLLOW_UP, wib(12, 28, 13), CITY)
    )

    # Tuesday 29 Dec 09:00 the result comes to the city, due 11:00; the city is late.
    await act(wib(12, 29, 9), "opd", T.SUBMIT_RESULT, 4, result="Lubang sudah ditambal.")
    await check(wib(12, 29, 10), expect("stage_half", CITY_CHATS, S.RESULT_AT_CITY, wib(12, 29, 11)))
    await check(
        wib(12, 30, 9), expect("stage_overdue", PROVINCE_CHATS, S.RESULT_AT_CITY, wib(12, 29, 11), PROVINCE)
    )

    # Thursday 31 Dec 15:00 to the province: 1 hour left this year, 1 Jan is New Year's Day;
    # due Monday 4 Jan 09:00.
    await act(wib(12, 31, 15), "city", T.CONFIRM_RESULT, 5)
    await check(
        wib(12, 31, 16), expect("stage_half", PROVINCE_CHATS, S.RESULT_AT_PROVINCE, wib(1, 4, 9, year=2027))
    )
    await check(wib(1, 1, 10, year=2027), [])
    await check(
        wib(1, 4, 8, year=2027),
        expect("stage_due_today", PROVINCE_CHATS, S.RESULT_AT_PROVINCE, wib(1, 4, 9, year=2027)),
    )

    # Approved in time: no more reminders for the province, and nothing for a resolved complaint.
    await act(wib(1, 4, 8, 30, year=2027), "province", T.APPROVE, 6)
    await check(wib(1, 4, 10, year=2027), [])


async def test_reminder_payload_for_the_delivery(world: World) -> None:
    world.clock.now = wib(12, 21, 9).astimezone(UTC)
    complaint = await world.complaints.submit(draft_for(world.reporter), world.reporter.as_actor())
    await run_at(world, wib(12, 21, 11, 30))
    async with world.complaints.sessions() as session:
        row = await session.scalar(
            select(models.OutboxMessage).where(
                models.OutboxMessage.kind == "stage_overdue", models.OutboxMessage.chat_id == 1001
            )
        )
    assert row is not None
    assert row.complaint_id == complaint.id
    assert row.complaint_version == 1
    assert row.dedupe_key == f"stage_overdue:{complaint.id}:1:1001"
    assert row.payload == {
        "complaint_id": complaint.id,
        "tracking_number": complaint.tracking_number,
        "state": "at_province",
        "stage_started_at": iso(wib(12, 21, 9)),
        "due_at": iso(wib(12, 21, 11)),
        "target_hours": 2.0,
        "deadline": iso(datetime(2026, 12, 23, 23, 59, 59, 999999, tzinfo=WIB)),
        "holding_org_id": world.orgs["JATENG"].id,
        "holding_org_name": PROVINCE,
        "holding_role": "province",
        "escalated_to_org_id": world.orgs["JATENG"].id,
        "escalated_to_org_name": PROVINCE,
    }


async def test_a_stage_entered_again_is_chased_again(world: World) -> None:
    world.clock.now = wib(12, 21, 9).astimezone(UTC)
    complaint = await world.complaints.submit(draft_for(world.reporter), world.reporter.as_actor())
    await world.complaints.fire(
        complaint.id,
        world.actor("province"),
        T.DISPOSE,
        seen_version=1,
        target_org_id=world.orgs["KOTA-PKL"].id,
    )
    first = await run_at(world, wib(12, 21, 10))
    assert first.notices == {"stage_half": 2}
    await world.complaints.fire(
        complaint.id,
        world.actor("city"),
        T.RETURN_TO_PROVINCE,
        seen_version=2,
        reason="Bukan kewenangan kota.",
    )
    world.clock.now = wib(12, 21, 10).astimezone(UTC)
    await world.complaints.fire(
        complaint.id,
        world.actor("province"),
        T.DISPOSE,
        seen_version=3,
        target_org_id=world.orgs["KOTA-PKL"].id,
    )
    again = await run_at(world, wib(12, 21, 11))
    assert again.notices == {"stage_half": 2}  # version 4: a new stage at the city


async def test_queues_can_show_each_stage_overdue(world: World) -> None:
    world.clock.now = wib(12, 21, 9).astimezone(UTC)
    waiting = await world.complaints.submit(draft_for(world.reporter), world.reporter.as_actor())
    rejected = await world.complaints.submit(draft_for(world.reporter), world.reporter.as_actor())
    await world.complaints.fire(
        rejected.id, world.actor("province"), T.REJECT, seen_version=1, reason="Bukan."
    )
    stages = await current_stages(world.complaints.sessions, [waiting.id, rejected.id], CALENDAR)
    assert list(stages) == [waiting.id]  # a rejected complaint waits on no one
    assert stages[waiting.id].due_at == wib(12, 21, 11)
    status = stage_status(stages[waiting.id], CALENDAR, wib(12, 22, 9))
    assert (status.overdue, status.left) == (True, -timedelta(hours=6))


async def test_auto_close_after_ten_working_days_tells_the_reporter(world: World) -> None:
    outbox = Outbox(world)
    complaint = await _resolved_at(world, wib(1, 4, 8, 30, year=2027))
    await outbox.skip()
    # 4 Jan counts as day 0; 5 Jan is Isra' Mi'raj: the tenth working day after is Tuesday 19 Jan.
    assert (await run_at(world, wib(1, 19, 23, year=2027))).auto_closed == ()
    report = await run_at(world, wib(1, 20, 8, year=2027))
    assert report.auto_closed == (complaint.id,)  # two schedulers raced; one closed it, the other let go
    closed = await world.complaints.get(complaint.id)
    assert closed is not None
    assert (closed.state, closed.version) == (S.CLOSED, 8)
    history = await world.complaints.history(complaint.id)
    assert (history[-1].trigger, history[-1].actor_role, history[-1].actor_name) == (
        "auto_close",
        "system",
        "system",
    )
    assert history[-1].at == wib(1, 20, 8, year=2027)
    told = [(row.kind, row.chat_id, row.payload["trigger"]) for row in await outbox.new()]
    assert told == [("reporter_update", world.reporter.telegram_id, "auto_close")]


async def test_an_acknowledged_result_is_not_closed_again(world: World) -> None:
    complaint = await _resolved_at(world, wib(1, 4, 8, 30, year=2027))
    world.clock.now = wib(1, 6, 9, year=2027).astimezone(UTC)
    await world.complaints.fire(
        complaint.id, world.reporter.as_actor(), T.ACKNOWLEDGE, seen_version=7, rating=5
    )
    outbox = Outbox(world)
    await outbox.skip()
    report = await run_at(world, wib(2, 1, 9, year=2027))
    assert report.auto_closed == ()
    assert await outbox.new() == []
    history = await world.complaints.history(complaint.id)
    assert [event.trigger for event in history][-1] == "acknowledge"


async def _resolved_at(world: World, moment: datetime) -> Any:
    world.clock.now = moment.astimezone(UTC) - timedelta(minutes=30)
    complaint = await world.complaints.submit(draft_for(world.reporter), world.reporter.as_actor())
    steps: list[tuple[str, str, dict[str, Any]]] = [
        ("province", T.DISPOSE, {"target_org_id": world.orgs["KOTA-PKL"].id}),
        ("city", T.FORWARD, {"target_org_id": world.orgs["PKL-DPUPR"].id}),
        ("opd", T.ACCEPT, {}),
        ("opd", T.SUBMIT_RESULT, {"result": "Selesai diperbaiki."}),
        ("city", T.CONFIRM_RESULT, {}),
    ]
    for version, (seat, trigger, options) in enumerate(steps, start=1):
        await world.complaints.fire(complaint.id, world.actor(seat), trigger, seen_version=version, **options)
    world.clock.now = moment.astimezone(UTC)
    await world.complaints.fire(complaint.id, world.actor("province"), T.APPROVE, seen_version=6)
    return complaint


# -- a service complaint's response the complainant never answers ---------------------------------

RESPONSE = "Formulir Anda sudah kami kirim ulang lewat email."


async def _responded_at(world: World, moment: datetime) -> Any:
    """A service complaint the reporter filed half an hour before the officer responded at `moment`."""
    world.clock.now = moment.astimezone(UTC) - timedelta(minutes=30)
    complaint = await world.complaints.submit(
        draft_for(world.reporter, kind=ComplaintKind.SERVICE, subject="Petugas tidak membalas email"),
        world.reporter.as_actor(),
        service_org_id=world.orgs["KOTA-PKL"].id,
    )
    world.clock.now = moment.astimezone(UTC)
    await world.complaints.fire(
        complaint.id, world.actor("officer"), ST.RESPOND, seen_version=1, result=RESPONSE
    )
    return complaint


async def test_a_silent_service_complainant_is_reminded_then_the_response_is_taken_as_solved(
    world: World,
) -> None:
    outbox = Outbox(world)
    complaint = await _responded_at(world, wib(1, 4, 8, 30, year=2027))
    await outbox.skip()
    # As for a LaporGub result: 4 Jan is day 0, 5 Jan (Isra' Mi'raj) is skipped, the tenth working day is
    # Tuesday 19 Jan. The complainant hears on that last day's opening, and it closes at the next one.
    assert (await run_at(world, wib(1, 18, 23, year=2027))).notices == {}
    reminded = await run_at(world, wib(1, 19, 8, year=2027))
    assert (reminded.notices, reminded.auto_closed) == ({"service_answer_reminder": 1}, ())
    [reminder] = await outbox.new()
    assert (reminder.kind, reminder.chat_id, reminder.complaint_id, reminder.complaint_version) == (
        "service_answer_reminder",
        world.reporter.telegram_id,
        complaint.id,
        2,
    )
    assert reminder.payload == {
        "complaint_id": complaint.id,
        "tracking_number": complaint.tracking_number,
        "responded_at": iso(wib(1, 4, 8, 30, year=2027)),
        "close_at": iso(wib(1, 20, 8, year=2027)),
    }
    # Reminded once: the rest of the day brings nothing new.
    assert (await run_at(world, wib(1, 19, 15, year=2027))).notices == {}
    assert (await run_at(world, wib(1, 20, 7, 59, year=2027))).auto_closed == ()

    report = await run_at(world, wib(1, 20, 8, year=2027))
    assert report.auto_closed == (complaint.id,)  # two schedulers raced; one closed it, the other let go
    assert report.notices == {}  # no late reminder beside the closing
    closed = await world.complaints.get(complaint.id)
    assert closed is not None
    assert (closed.state, closed.version) == (SS.SOLVED, 3)
    history = await world.complaints.history(complaint.id)
    assert [(event.trigger, event.actor_role) for event in history] == [
        (ST.RECORD, "reporter"),
        (ST.RESPOND, "officer"),
        (ST.AUTO_CLOSE, "system"),
    ]
    assert history[-1].at == wib(1, 20, 8, year=2027)
    told = [(row.kind, row.chat_id, row.payload["trigger"]) for row in await outbox.new()]
    assert told == [("reporter_update", world.reporter.telegram_id, "auto_close")]
    # Finished: in nobody's queue.
    for seat in ("officer", "official"):
        queue = await world.complaints.queue(world.orgs["KOTA-PKL"].id, world.admins[seat].role)
        assert complaint.id not in [item.id for item in queue.items]
    # Nothing more to do for it, however long the scheduler keeps running.
    assert (await run_at(world, wib(3, 1, 9, year=2027))).notices == {}


async def test_a_service_complainant_who_answered_is_neither_reminded_nor_closed_for(world: World) -> None:
    solved = await _responded_at(world, wib(1, 4, 8, 30, year=2027))
    not_solved = await _responded_at(world, wib(1, 4, 9, year=2027))
    late = await _responded_at(world, wib(1, 4, 9, 30, year=2027))
    world.clock.now = wib(1, 6, 9, year=2027).astimezone(UTC)
    await world.complaints.fire(solved.id, world.reporter.as_actor(), ST.CONFIRM_SOLVED, seen_version=2)
    await world.complaints.fire(
        not_solved.id, world.reporter.as_actor(), ST.NOT_SOLVED, seen_version=2, reason="Belum ada email."
    )
    outbox = Outbox(world)
    await outbox.skip()
    # Only the one still waiting hears; the one who answers after the reminder is not closed for either.
    assert (await run_at(world, wib(1, 19, 9, year=2027))).notices == {"service_answer_reminder": 1}
    assert [row.complaint_id for row in await outbox.new()] == [late.id]
    world.clock.now = wib(1, 19, 10, year=2027).astimezone(UTC)
    await world.complaints.fire(late.id, world.reporter.as_actor(), ST.CONFIRM_SOLVED, seen_version=2)
    await outbox.skip()

    report = await run_at(world, wib(2, 1, 9, year=2027))
    assert (report.auto_closed, report.notices) == ((), {})
    assert await outbox.new() == []
    for complaint, state, last in (
        (solved, SS.SOLVED, ST.CONFIRM_SOLVED),
        (not_solved, SS.ESCALATED, ST.NOT_SOLVED),
        (late, SS.SOLVED, ST.CONFIRM_SOLVED),
    ):
        current = await world.complaints.get(complaint.id)
        assert current is not None
        assert current.state == state
        assert (await world.complaints.history(complaint.id))[-1].trigger == last


# -- half-filed drafts ----------------------------------------------------------------------------


async def _put_draft(world: World, key: str, state: str | None, idle_since: datetime) -> None:
    async with world.complaints.sessions.begin() as session:
        row = await session.get(models.FsmRecord, key)
        if row is None:
            row = models.FsmRecord(key=key)
            session.add(row)
        row.state = state
        row.data = {"subject": "Jalan berlubang"}
        row.updated_at = idle_since.astimezone(UTC)


async def _drafts(world: World) -> set[str]:
    async with world.complaints.sessions() as session:
        return set(await session.scalars(select(models.FsmRecord.key)))


async def test_draft_reminder_after_a_day_and_discard_after_ten_days(world: World) -> None:
    outbox = Outbox(world)
    mine = "fsm:9001:9001:default"
    await _put_draft(world, mine, "Filing:chronology", wib(12, 23, 20))
    await _put_draft(world, "fsm:9002:9002:default", None, wib(12, 1, 8))  # data without a filing step
    await _put_draft(world, "fsm:9003:9003:default", "Admin:reason", wib(12, 1, 8))  # not a draft

    assert (await run_at(world, wib(12, 24, 19, 59))).notices == {}
    assert (await run_at(world, wib(12, 24, 20))).notices == {"draft_reminder": 1}
    [reminder] = await outbox.new()
    assert (reminder.kind, reminder.chat_id, reminder.complaint_id) == ("draft_reminder", 9001, None)
    assert reminder.payload == {
        "fsm_key": mine,
        "chat_id": 9001,
        "user_id": 9001,
        "state": "Filing:chronology",
        "idle_since": iso(wib(12, 23, 20)),
        "discard_at": iso(wib(1, 2, 20, year=2027)),
    }
    assert (await run_at(world, wib(12, 26, 9))).notices == {}  # reminded once per quiet spell

    # The reporter answers on the 27th and goes quiet again: reminded again a day later.
    await _put_draft(world, mine, "Filing:event_date", wib(12, 27, 9))
    assert (await run_at(world, wib(12, 28, 9))).notices == {"draft_reminder": 1}
    await outbox.skip()

    assert (await run_at(world, wib(1, 6, 8, 59, year=2027))).drafts_discarded == 0
    report = await run_at(world, wib(1, 6, 9, year=2027))
    assert (report.drafts_discarded, report.notices) == (1, {"draft_discarded": 1})
    [discarded] = await outbox.new()
    assert (discarded.kind, discarded.chat_id, discarded.payload["state"]) == (
        "draft_discarded",
        9001,
        "Filing:event_date",
    )
    assert await _drafts(world) == {"fsm:9002:9002:default", "fsm:9003:9003:default"}


def test_fsm_keys_are_read_as_bot_fsm_storage_writes_them() -> None:
    from aiogram.fsm.storage.base import StorageKey

    from bot.updates.fsm_storage import DatabaseStorage

    builder = DatabaseStorage(sessions=None).key_builder  # type: ignore[arg-type]
    private = builder.build(StorageKey(bot_id=42, chat_id=9001, user_id=9001))
    topic = builder.build(StorageKey(bot_id=42, chat_id=-100123, user_id=9001, thread_id=7))
    assert draft_owner(private) == draft_owner("fsm:9001:9001:default")
    assert (draft_owner(private).chat_id, draft_owner(private).user_id) == (9001, 9001)  # type: ignore[union-attr]
    assert (draft_owner(topic).chat_id, draft_owner(topic).user_id) == (-100123, 9001)  # type: ignore[union-attr]
    assert draft_owner("something:else") is None
    assert draft_owner("fsm:x:y:default") is None


async def test_drafts_are_left_alone_without_the_bots_word_on_them(world: World) -> None:
    """Storage does not know the conversation storage's keys or state names: a scheduler not told them
    neither reminds nor discards."""
    key = "fsm:9001:9001:default"
    await _put_draft(world, key, "Filing:chronology", wib(12, 1, 8))
    world.clock.now = wib(12, 24, 20).astimezone(UTC)
    report = await run_scheduler_once(world.complaints.sessions, CALENDAR, world.clock, SchedulerSettings())
    assert (report.drafts_discarded, report.notices) == (0, {})
    assert await _drafts(world) == {key}


# -- the loop the bot runs -------------------------------------------------------------------------


async def test_the_loop_runs_until_stopped_and_sends_once(world: World) -> None:
    from bot.app.scheduler_loop import SchedulerLoop

    class CountedLoop(SchedulerLoop):
        third_run = asyncio.Event()

        async def run_once(self) -> SchedulerReport | None:
            report = await super().run_once()
            if self.runs == 3:
                self.third_run.set()
            return report

    world.clock.now = wib(12, 21, 9).astimezone(UTC)
    await world.complaints.submit(draft_for(world.reporter), world.reporter.as_actor())
    world.clock.now = wib(12, 21, 10).astimezone(UTC)
    loop = CountedLoop(world.complaints.sessions, CALENDAR, clock=world.clock, interval=0.01)
    loop.start()
    await asyncio.wait_for(loop.third_run.wait(), timeout=10)
    await loop.stop()
    assert loop.last_report is not None
    assert loop.last_report.notices_written == 0
    async with world.complaints.sessions() as session:
        halves = await session.scalars(
            select(models.OutboxMessage.chat_id).where(models.OutboxMessage.kind == "stage_half")
        )
        assert sorted(halves) == list(PROVINCE_CHATS)


async def test_the_loop_survives_a_failed_run_and_stops_without_waiting_out_its_interval(
    world: World,
) -> None:
    from bot.app.scheduler_loop import SchedulerLoop

    def broken_clock() -> datetime:
        raise RuntimeError("clock unplugged")

    loop = SchedulerLoop(world.complaints.sessions, CALENDAR, clock=broken_clock, interval=3600)
    task = loop.start()
    await asyncio.sleep(0.05)
    await asyncio.wait_for(loop.stop(), timeout=2)
    assert task.done()
    assert task.exception() is None
    assert loop.runs == 0
