"""One database session per update: a reporter's answer and an admin's press each cost the update's mark,
one unit of work committed before the replies, and one transaction at the end (the conversation row with the
done mark); so does every handler that reads or writes (a reporter's list and tracking, the language, a
service complaint and its answer, an officer's recording, invites, seats and linking, the admin menu), so
that a handler opening a transaction of its own fails here. A handler that fails leaves nothing of its
update behind, and the replay files nothing twice. A refused press is answered by the one error handler,
within the update's handling. The outbox sender spends a transaction per claim, not per notice: the rows it
sent are recorded with its next claim, and what the claimed rows need is read in it."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import contextmanager
from functools import partial
from typing import Any

import pytest
from sqlalchemy import event as sqlalchemy_event
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app.factory import create_dispatcher
from bot.app.settings import Mode
from bot.dev.local_api import ChatMessage, LocalBotApi
from bot.handlers import filing
from bot.ui.admin_callbacks import ActionCb, DataRequestCb
from bot.ui.service_callbacks import ServiceAnswerCb
from bot.updates import polling
from storage import models
from storage.complaints import ComplaintService
from storage.data_requests import DataRequests, RequestStatus
from storage.database import create_engine
from tests.conftest import World, draft_for
from tests.e2e import conftest as e2e
from tests.e2e.admin_desk import Desk, down_to, forge_press, seed
from tests.e2e.chat import Reporter, visible
from tests.e2e.conftest import RunningBot
from tests.e2e.notifications import add_extra_admins, delivered, notifier_for, open_chats
from tests.e2e.officer_desk import (
    TEST_DESK,
    answer_form,
    offline_complaint,
    recorded_summary,
    submit_recording,
    tracking_number_in,
)
from tests.e2e.scripts import Answers, answer_complaint, answer_identity, start_filing
from workflow.actors import Role
from workflow.channels import Channel
from workflow.definitions import SS, ST, S, T

# The most transactions one update may cost: its mark, its unit of work, its end.
PER_UPDATE = 3


@contextmanager
def transactions(engine: AsyncEngine) -> Iterator[list[str]]:
    """The first statement of every transaction begun on `engine` meanwhile (an autocommit statement, as
    the update marks use on PostgreSQL, is a transaction of its own there too)."""
    begun: list[str] = []
    fresh: list[bool] = []

    def began(_connection: Any) -> None:
        fresh.append(True)

    def executing(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if fresh:
            fresh.clear()
            begun.append(statement.split("\n")[0][:80])

    sqlalchemy_event.listen(engine.sync_engine, "begin", began)
    sqlalchemy_event.listen(engine.sync_engine, "before_cursor_execute", executing)
    try:
        yield begun
    finally:
        sqlalchemy_event.remove(engine.sync_engine, "begin", began)
        sqlalchemy_event.remove(engine.sync_engine, "before_cursor_execute", executing)


async def handled(engine: AsyncEngine, within_s: float = 10.0) -> None:
    """Until no update is held: each one's end (its done mark) is committed."""
    marks = models.ProcessedUpdate.__table__
    async with asyncio.timeout(within_s):
        while True:
            async with engine.connect() as connection:
                held = await connection.scalar(
                    select(func.count()).select_from(marks).where(marks.c.taken_until.is_not(None))
                )
            if not held:
                return
            await asyncio.sleep(0.01)


@pytest.fixture
async def bot_engine(clean_engine: AsyncEngine) -> AsyncIterator[AsyncEngine]:
    """The bot's own engine on the test's database: what it counts is the bot's, not the test's reads."""
    engine = create_engine(clean_engine.url.render_as_string(hide_password=False))
    yield engine
    await engine.dispose()


@pytest.fixture
async def webhook_bot(
    local_api: LocalBotApi, bot_engine: AsyncEngine, world: World, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[RunningBot]:
    # A webhook takes each update's mark itself: every transaction of an update is counted here. Its service
    # complaints go to the test tree's Dinkominfo; no sender runs (its transactions are not the updates').
    monkeypatch.setattr(e2e, "create_dispatcher", partial(create_dispatcher, service_desk=TEST_DESK))
    running = RunningBot(local_api, bot_engine, world, Mode.WEBHOOK)
    await running.start()
    # The routing history read at start, in the background, is not an update's: out of the count.
    await running.services.directory.routing.warmed()
    yield running
    await running.stop()


async def test_a_reporters_answer_costs_one_unit_of_work_between_its_mark_and_its_end(
    webhook_bot: RunningBot, local_api: LocalBotApi, bot_engine: AsyncEngine, clean_engine: AsyncEngine
) -> None:
    reporter = Reporter(local_api.user(7701, "Sari"))
    await start_filing(reporter)
    await reporter.expect_prompt("full_name", 1)
    await handled(clean_engine)
    with transactions(bot_engine) as begun:
        await reporter.send("Sari Wulandari")
        await reporter.expect_prompt("nik", 2)
        await handled(clean_engine)
    assert len(begun) <= PER_UPDATE, begun


async def test_an_admins_press_reads_the_complaint_once_in_one_unit_of_work(
    webhook_bot: RunningBot,
    local_api: LocalBotApi,
    world: World,
    bot_engine: AsyncEngine,
    clean_engine: AsyncEngine,
) -> None:
    complaint = await down_to(world, await seed(world), T.DISPOSE, T.FORWARD)
    opd = Desk(local_api, world, "opd")
    card = await opd.open(complaint.tracking_number)
    await handled(clean_engine)
    complaint_reads: list[str] = []

    def read(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        # The complaint by its id alone (the card's one statement joins its reporter, and is another read;
        # the complaints joined to it as duplicates are other rows).
        if (
            statement.startswith("SELECT complaints.")
            and "JOIN" not in statement
            and "duplicate_of_id =" not in statement
        ):
            complaint_reads.append(statement)

    sqlalchemy_event.listen(bot_engine.sync_engine, "before_cursor_execute", read)
    try:
        with transactions(bot_engine) as begun:
            await opd.press_action(card, T.ACCEPT)
            assert await opd.toast() == opd.said_plain(
                "admin.toast.done", what=opd.said_plain("admin.did.accept")
            )
            await handled(clean_engine)
    finally:
        sqlalchemy_event.remove(bot_engine.sync_engine, "before_cursor_execute", read)
    assert len(begun) <= PER_UPDATE, begun
    # guard.check_press reads it; ComplaintService.fire moves the very row it read.
    assert len(complaint_reads) == 1, complaint_reads
    moved = await world.complaints.get(complaint.id)
    assert moved is not None
    assert moved.state == S.IN_FOLLOW_UP


async def test_a_refused_press_is_answered_by_the_error_handler_and_its_update_is_done(
    webhook_bot: RunningBot,
    local_api: LocalBotApi,
    world: World,
    clean_engine: AsyncEngine,
    caplog: pytest.LogCaptureFixture,
) -> None:
    complaint = await seed(world)
    province = Desk(local_api, world, "province")
    card = await province.open(complaint.tracking_number)
    await handled(clean_engine)
    caplog.set_level(logging.INFO)
    # A version the card never showed: stale, and no one moved it since.
    await province.press_forged(card, ActionCb(c=complaint.id, v=complaint.version + 1, t="rj").pack())
    assert await province.toast() == province.said_plain("admin.refused.stale")
    await handled(clean_engine)
    refused = [record for record in caplog.records if "admin press refused" in record.getMessage()]
    assert [record.name for record in refused] == ["bot.handlers.admin.guard"]
    assert "StaleVersion" in refused[0].getMessage()
    # Handled to its end, not failed: nothing given back, nothing said about a failure.
    assert not [
        record
        for record in caplog.records
        if record.name == "bot.updates.once" and record.levelno >= logging.WARNING
    ]
    assert not [record for record in caplog.records if record.name == "bot.handlers.error_handler"]
    unchanged = await world.complaints.get(complaint.id)
    assert unchanged is not None
    assert unchanged.version == complaint.version


async def test_the_sender_spends_a_transaction_per_claim_not_per_notice(
    local_api: LocalBotApi, bot_engine: AsyncEngine, clean_engine: AsyncEngine, world: World
) -> None:
    await add_extra_admins(world)
    await open_chats(world, local_api, "province", "province2", "province3")
    for n in range(3):  # a card for each of the three province admins, three complaints
        await world.complaints.submit(
            draft_for(world.reporter, subject=f"Laporan {n}"), world.reporter.as_actor()
        )
    async with clean_engine.connect() as connection:
        per_chat = dict(
            (
                await connection.execute(
                    select(models.OutboxMessage.chat_id, func.count()).group_by(models.OutboxMessage.chat_id)
                )
            ).all()
        )
    notices = sum(per_chat.values())
    rounds = max(per_chat.values())  # a claim takes each chat's oldest row: three rounds of claims
    # Its idle poll out of the way: what is counted is what the notices cost.
    notifier = notifier_for(local_api, bot_engine, world, sender_idle_poll_seconds=30.0)
    with transactions(bot_engine) as begun:
        notifier.start()
        try:
            await delivered(clean_engine, None, within=30)
        finally:
            await notifier.stop()
    assert (notices, rounds) == (9, 3)
    # A claim per round, each recording the round before, and one more for the last round: four (a loaded
    # machine splits a round now and then, or holds a row back long enough to read its card again). Before,
    # a notice cost its card's read and its settle, and every claim its own transaction: over 20 here.
    assert len(begun) < notices, begun
    print(f"{notices} notices in {len(per_chat)} chats: {len(begun)} transactions of the sender")


Update = Callable[[], Awaitable[object]]
Counted = Callable[[Update], Awaitable[list[str]]]


async def one_update(bot_engine: AsyncEngine, clean_engine: AsyncEngine, update: Update) -> list[str]:
    """The transactions of one update of ours, at most `PER_UPDATE`: `update` makes it and waits for its
    answer."""
    await handled(clean_engine)
    with transactions(bot_engine) as begun:
        await update()
        await handled(clean_engine)
    assert len(begun) <= PER_UPDATE, begun
    return begun


@pytest.fixture
def one(webhook_bot: RunningBot, bot_engine: AsyncEngine, clean_engine: AsyncEngine) -> Counted:
    """`one_update` with the webhook bot running on the test's database."""
    return partial(one_update, bot_engine, clean_engine)


async def test_a_reporters_list_detail_tracking_and_language_each_cost_one_unit_of_work(
    one: Counted, local_api: LocalBotApi, world: World
) -> None:
    # Disposed: its history names an office, which the detail reads too.
    complaint = await down_to(world, await seed(world), T.DISPOSE)
    assert world.reporter.telegram_id is not None
    reporter = Reporter(local_api.user(world.reporter.telegram_id, world.reporter.full_name))
    number = complaint.tracking_number
    listing: list[Any] = []

    async def my_list() -> None:
        await reporter.command("/my")
        listing.append(await reporter.expect_starting(reporter.said("mine.title")))

    fields = ("subject", "state", "received", "deadline", "event_date", "place", "confidential", "chronology")
    heading = reporter.said("detail", number=number, **dict.fromkeys(fields, "")).split("\n")[0]

    async def detail() -> None:
        await reporter.press_text(listing[0], number)
        await reporter.expect_starting(heading)

    await one(my_list)
    assert number in (listing[0].text or "")
    await one(detail)

    async def track() -> None:
        await reporter.command("/track", number)
        await reporter.expect_starting(heading)

    await one(track)

    await reporter.command("/language")
    picker = await reporter.expect_key("language.choose")

    async def choose_english() -> None:
        await reporter.press_text(picker, "English")
        reporter.speaks("en")
        await reporter.expect_key("language.set")

    await one(choose_english)
    assert await world.directory.language_of(world.reporter.telegram_id) == "en"


async def test_a_service_complaint_and_its_answer_are_filed_in_the_updates_unit_of_work(
    one: Counted, local_api: LocalBotApi, world: World
) -> None:
    assert world.reporter.telegram_id is not None
    reporter = Reporter(local_api.user(world.reporter.telegram_id, world.reporter.full_name))
    await reporter.command("/start")
    menu = await reporter.expect_key("welcome")
    await reporter.press(menu, "btn.menu.service")
    choice = await reporter.next_where(lambda m: bool(m.buttons), "the saved identity")
    await reporter.press(choice, "btn.identity.use")
    form = ["subject", "chronology", "event_date", "event_place", "attachments"]
    summary = await answer_form(reporter, Answers(photos=0, share_location=False), form, ["service."])
    done: list[Any] = []

    async def submit() -> None:
        await reporter.press(summary, "btn.submit")
        head = visible(reporter.t("service.submitted", number="@", office="")).split("@")[0]
        done.append(await reporter.expect_starting(head))

    await one(submit)
    [filed] = await world.complaints.reporter_complaints(world.reporter.id)
    assert (filed.state, filed.tracking_number in (done[0].text or "")) == (SS.RECORDED, True)
    responded = await world.complaints.fire(
        filed.id, world.actor("officer"), ST.RESPOND, seen_version=filed.version, result="Sudah."
    )

    async def not_solved() -> None:
        data = ServiceAnswerCb(c=filed.id, v=responded.complaint.version, solved=False).pack()
        forge_press(local_api, reporter.id, done[0].message_id, data)
        await reporter.expect_key("service.not_solved.ask", max=1000)

    async def reason() -> None:
        await reporter.send("Belum ada yang menghubungi saya.")
        await reporter.expect_key("service.escalated", number=filed.tracking_number)

    await one(not_solved)
    await one(reason)
    escalated = await world.complaints.get(filed.id)
    assert escalated is not None
    assert escalated.state == SS.ESCALATED


async def test_an_officers_recording_is_filed_in_the_updates_unit_of_work(
    one: Counted, local_api: LocalBotApi, world: World
) -> None:
    officer = Desk(local_api, world, "officer")
    summary = await recorded_summary(officer, channel=Channel.TELEPHONE)
    confirmations: list[Any] = []

    async def submit() -> None:
        confirmations.append(await submit_recording(officer, summary))

    await one(submit)
    recorded = await world.complaints.by_tracking_number(tracking_number_in(confirmations[0]))
    assert recorded is not None
    assert recorded.channel == Channel.TELEPHONE


async def test_invites_seats_linking_and_the_admin_menu_each_cost_one_unit_of_work(
    one: Counted, local_api: LocalBotApi, world: World, clean_engine: AsyncEngine
) -> None:
    await down_to(world, await seed(world), T.DISPOSE)  # one in the city's queue
    city = Desk(local_api, world, "city")

    async def admin_menu() -> None:
        await city.command("/start")
        await city.next_where(lambda m: bool(m.buttons), "the admin menu")

    await one(admin_menu)
    menu = city.user.chat().bot_messages()[-1]

    async def queue_from_the_menu() -> None:
        await city.press(menu, "admin.btn.queue", count=1)
        await city.next_where(lambda m: (m.text or "").startswith("📥"), "the queue")

    await one(queue_from_the_menu)

    async def invite_menu() -> None:
        await city.press(menu, "admin.btn.invite")
        await city.expect_key("invite.choose")

    await one(invite_menu)
    choices = city.user.chat().bot_messages()[-1]
    links: list[str] = []

    async def invite() -> None:
        role, org = city.said_plain("admin.role.opd"), "Dinas Lingkungan Hidup Kota Pekalongan"
        await city.press_text(choices, city.said_plain("invite.btn", role=role, org=org))
        link = await city.next_where(lambda m: "?start=" in (m.text or ""), "the invite link")
        found = re.search(r"\?start=([A-Za-z0-9_-]+)", link.text or "")
        assert found is not None
        links.append(found.group(1))

    await one(invite)
    newcomer = Reporter(local_api.user(7011, "Dewi"))

    async def redeem() -> None:
        await newcomer.command("/start", links[0])
        await newcomer.next_where(lambda m: "Dinas Lingkungan Hidup" in (m.text or ""), "the welcome")

    await one(redeem)
    assert [seat.role for seat in await world.directory.admins_of_user(7011)] == [Role.OPD]
    listing: list[Any] = []

    async def seats() -> None:
        await city.command("/admins")
        listing.append(await city.expect_starting(city.said("seats.title")))

    await one(seats)

    async def deactivate() -> None:
        await city.press(listing[0], "seats.btn.deactivate", name="Dewi")
        assert await city.toast() == city.said_plain("seats.deactivated", name="Dewi")

    await one(deactivate)
    assert await world.directory.admins_of_user(7011) == []

    citizen, recorded = await offline_complaint(world)
    siti = Reporter(local_api.user(8011, "Siti"))

    async def wrong_digits() -> None:
        await siti.command("/link", f"{recorded.tracking_number} 9999")
        await siti.expect_key("link.refused")

    async def link() -> None:
        await siti.command("/link", f"{recorded.tracking_number} 1234")
        await siti.expect_key("link.done", number=recorded.tracking_number, subject=recorded.subject)

    await one(wrong_digits)
    await one(link)
    linked = await world.directory.reporter_by_telegram_id(8011)
    assert linked is not None
    assert linked.id == citizen.id
    async with clean_engine.connect() as connection:
        attempts = (await connection.execute(select(models.LinkAttempt.succeeded))).scalars().all()
    assert sorted(attempts) == [False, True]  # the refused attempt is kept, committed with its update


async def confirmed_after_one_failure(reporter: Reporter) -> ChatMessage:
    """The apology for the failed handling, then the confirmation its replay sends."""
    apology = visible(reporter.t("error.unexpected"))
    await reporter.user.wait_for_message(lambda message: message.text == apology, timeout=30)
    submitted = reporter.said("submitted", number="X", deadline="Y").split("\n")[0]
    return await reporter.user.wait_for_message(
        lambda message: (message.text or "").startswith(submitted), timeout=30
    )


async def test_a_pickers_first_screen_costs_one_unit_of_work(
    one: Counted, local_api: LocalBotApi, world: World
) -> None:
    """The targets, the office's past decisions (read first in the update's session, then kept per
    process), its most used targets and the card: all in the update's unit of work."""
    complaint = await seed(world)
    province = Desk(local_api, world, "province")
    card = await province.open(complaint.tracking_number)

    async def open_picker() -> None:
        await province.press_action(card, T.DISPOSE)
        await province.toast()

    await one(open_picker)


async def test_datasaya_and_an_admins_erasure_each_cost_one_unit_of_work(
    one: Counted, local_api: LocalBotApi, world: World
) -> None:
    """What is held, the erasure's meaning and the admin's decision; filing the request keeps a transaction
    of its own (storage/data_requests.py says why), so it is not counted here."""
    assert world.reporter.telegram_id is not None
    reporter = Reporter(local_api.user(world.reporter.telegram_id, world.reporter.full_name))
    shown: list[Any] = []

    async def held() -> None:
        await reporter.command("/datasaya")
        shown.append(await reporter.expect_starting("🗂"))

    async def asked() -> None:
        await reporter.press(shown[0], "btn.data.erase")
        await reporter.next_where(lambda m: reporter.t.plain("btn.data.yes") in m.button_texts, "the meaning")

    await one(held)
    await one(asked)
    requests = DataRequests(world.complaints.sessions, clock=world.clock)
    filed = await requests.request_erasure(world.reporter.telegram_id, TEST_DESK.office_code)
    assert filed.request is not None
    city = Desk(local_api, world, "city")
    await city.command("/start")
    menu = await city.next_where(lambda m: bool(m.buttons), "the admin menu")

    async def erase() -> None:
        forge_press(local_api, city.id, menu.message_id, DataRequestCb(r=filed.request.id, erase=True).pack())
        assert await city.toast() == city.said_plain("admin.data.toast.erased")

    await one(erase)
    decided = await requests.get(filed.request.id)
    assert decided is not None
    assert decided.status is RequestStatus.ERASED


@pytest.mark.parametrize("mode", [Mode.POLLING], ids=["polling"])
async def test_a_failed_update_leaves_nothing_and_its_replay_files_once(
    running_bot: RunningBot,
    local_api: LocalBotApi,
    clean_engine: AsyncEngine,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    reporter = Reporter(local_api.user(7702, "Dewi", phone_number="6281234567801"))
    await start_filing(reporter)
    await answer_identity(reporter, Answers())
    summary = await answer_complaint(reporter, Answers())
    await running_bot.until_handled()
    async with clean_engine.connect() as connection:
        conversation = (await connection.execute(select(models.FsmRecord.state, models.FsmRecord.data))).one()

    # The first handling of the submit press fails once it has filed, before it has said anything: its
    # unit of work is rolled back whole (the reporter saved, the complaint, its events and notices).
    real_submit = ComplaintService.submit
    failures: list[str] = []
    looked = asyncio.Event()

    async def submit_then_fail(self: ComplaintService, *args: Any, **kwargs: Any) -> Any:
        if failures:
            await looked.wait()  # the replay waits until the test has seen what the failure left
        filed = await real_submit(self, *args, **kwargs)
        if not failures:
            failures.append(filed.tracking_number)
            raise RuntimeError("the process fell over")
        return filed

    monkeypatch.setattr(ComplaintService, "submit", submit_then_fail)
    monkeypatch.setattr(polling, "RETRY_AFTER_S", 0.2)
    await reporter.press(summary, "btn.submit")
    apology = visible(reporter.t("error.unexpected"))
    await reporter.user.wait_for_message(lambda message: message.text == apology, timeout=30)
    async with clean_engine.connect() as connection:
        filed_then = await connection.scalar(select(func.count()).select_from(models.Complaint))
        reporters_then = await connection.scalar(select(func.count()).select_from(models.Reporter))
        outbox_then = await connection.scalar(select(func.count()).select_from(models.OutboxMessage))
        conversation_then = (
            await connection.execute(select(models.FsmRecord.state, models.FsmRecord.data))
        ).one()
    looked.set()
    assert (filed_then, outbox_then) == (0, 0)
    assert reporters_then == 1  # the world's own; Dewi's identity was saved in the unit rolled back
    assert conversation_then == conversation

    # Polling kept the failed update in its inbox and replays it once: it files, this time for good.
    submitted = reporter.said("submitted", number="X", deadline="Y").split("\n")[0]
    confirmation = await reporter.user.wait_for_message(
        lambda message: (message.text or "").startswith(submitted), timeout=30
    )
    await running_bot.until_handled()
    async with clean_engine.connect() as connection:
        filed = list((await connection.execute(select(models.Complaint.tracking_number))).scalars())
        events = await connection.scalar(select(func.count()).select_from(models.ComplaintEvent))
        left = (await connection.execute(select(models.FsmRecord.state))).scalars().all()
    assert failures == filed
    assert filed[0] in (confirmation.text or "")
    assert events == 1
    assert left == []  # the replay's end cleared the conversation


@pytest.mark.parametrize("mode", [Mode.POLLING], ids=["polling"])
async def test_a_replay_after_the_replies_began_files_nothing_twice(
    running_bot: RunningBot,
    local_api: LocalBotApi,
    clean_engine: AsyncEngine,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Committed before its first reply, the complaint is there when the handling fails after it; the
    conversation row is not (it goes with the done mark), so the replay submits again: the submission key
    finds the complaint filed, and the reporter is told its number."""
    reporter = Reporter(local_api.user(7703, "Rina", phone_number="6281234567802"))
    await start_filing(reporter)
    await answer_identity(reporter, Answers())
    summary = await answer_complaint(reporter, Answers())
    await running_bot.until_handled()

    real_drop = filing.drop_keyboard
    failures: list[int] = []

    async def drop_then_fail(*args: Any, **kwargs: Any) -> None:
        await real_drop(*args, **kwargs)
        if not failures:
            failures.append(1)
            raise RuntimeError("the process fell over after answering")

    monkeypatch.setattr(filing, "drop_keyboard", drop_then_fail)
    monkeypatch.setattr(polling, "RETRY_AFTER_S", 0.2)
    await reporter.press(summary, "btn.submit")
    confirmation = await confirmed_after_one_failure(reporter)
    await running_bot.until_handled()
    async with clean_engine.connect() as connection:
        filed = list((await connection.execute(select(models.Complaint.tracking_number))).scalars())
        reporters = await connection.scalar(select(func.count()).select_from(models.Reporter))
    assert failures == [1]
    assert len(filed) == 1
    assert filed[0] in (confirmation.text or "")
    assert reporters is not None
