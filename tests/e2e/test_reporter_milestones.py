"""The reporter is told at every milestone, once each, in their language: the disposition, the forwarding (a
move to another office explained without blame), the result under verification, the result, an apology when
it is overdue, the closing; and their complaint view shows the same story."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.dev.local_api import LocalBotApi
from storage.database import session_factory
from storage.outbox.notifications import NoticeKind
from storage.scheduler import run_scheduler_once
from tests.conftest import World, draft_for
from tests.e2e.chat import Reporter, visible
from tests.e2e.conftest import RunningBot
from tests.e2e.notifications import delivered, open_chats, outbox_rows, take_through
from workflow.actors import Actor, Role
from workflow.calendar import WIB, WorkingCalendar
from workflow.definitions import T

SEATS = ("province", "city", "dlh", "opd", "batang", "officer")
BLAME = "Bukan tugas DLH, salah kirim"


def shown_since(person: Reporter, count: int) -> list[str]:
    return [message.text or "" for message in person.user.chat().bot_messages()][count:]


async def test_each_milestone_once_and_a_move_explained_without_blame(
    notifying_bot: RunningBot, local_api: LocalBotApi, world: World, clean_engine: AsyncEngine
) -> None:
    assert world.reporter.telegram_id is not None
    await world.directory.set_language(world.reporter.telegram_id, "en")
    rina = Reporter(local_api.user(world.reporter.telegram_id, "Rina"), "en")
    await open_chats(world, local_api, *SEATS)
    await rina.expect_key("welcome")  # the answer to her /start, before we count what follows
    await delivered(clean_engine, local_api)
    before = len(rina.user.chat().bot_messages())
    complaint = await world.complaints.submit(draft_for(world.reporter), world.reporter.as_actor())
    number, subject = complaint.tracking_number, complaint.subject
    # Sent to DLH first; DLH returns it (its reason blames no one the reporter should hear of), the city sends
    # it on to DPUPR; a revision and a second result change nothing the reporter needs to hear twice.
    complaint = await take_through(
        world,
        complaint,
        [
            ("province", T.DISPOSE, {"target": "KOTA-PKL"}),
            ("city", T.FORWARD, {"target": "PKL-DLH"}),
            ("dlh", T.RETURN_TO_CITY, {"reason": BLAME}),
            ("city", T.FORWARD, {"target": "PKL-DPUPR"}),
            ("opd", T.ACCEPT, {}),
            ("opd", T.SUBMIT_RESULT, {"result": "Lubang sudah ditambal."}),
            ("city", T.REQUEST_REVISION, {"reason": "Lampirkan foto."}),
            ("opd", T.SUBMIT_RESULT, {"result": "Lubang sudah ditambal, foto terlampir."}),
            ("city", T.CONFIRM_RESULT, {}),
        ],
    )
    await delivered(clean_engine, local_api)

    org = {code: world.orgs[code].name for code in ("KOTA-PKL", "PKL-DLH", "PKL-DPUPR")}
    common = {"number": number, "subject": subject}
    assert shown_since(rina, before) == [
        rina.said("notify.reporter.dispose", org=org["KOTA-PKL"], **common),
        rina.said("notify.reporter.forward", org=org["PKL-DLH"], **common),
        rina.said("notify.reporter.forward_moved", org=org["PKL-DPUPR"], **common),
        rina.said("notify.reporter.accept", org=org["PKL-DPUPR"], **common),
        rina.said("notify.reporter.submit_result", **common),
    ]
    assert not any(BLAME in text for text in rina.bot_texts())

    # Their complaint view tells the same story: the move shows as a move.
    await rina.command("/track", number)
    detail = await rina.expect_starting(visible(rina.t("detail", **_detail_blank(number))).split("\n")[0])
    history = (detail.text or "").split(visible(rina.t("detail.history", lines="")))[-1]
    assert visible(rina.t("event.laporgub.forward_moved", org=org["PKL-DPUPR"])) in history
    assert visible(rina.t("event.laporgub.forward", org=org["PKL-DLH"])) in history
    assert BLAME not in (detail.text or "")

    # Returned to the province and disposed to another regency: explained as a move too.
    other = await world.complaints.submit(
        draft_for(world.reporter, subject="Jembatan retak"), world.reporter.as_actor()
    )
    mark = len(rina.user.chat().bot_messages())
    await take_through(
        world,
        other,
        [
            ("province", T.DISPOSE, {"target": "KOTA-PKL"}),
            ("city", T.RETURN_TO_PROVINCE, {"reason": "Lokasinya di Batang."}),
            ("province", T.DISPOSE, {"target": "KAB-BATANG"}),
        ],
    )
    await delivered(clean_engine, local_api)
    other_common = {"number": other.tracking_number, "subject": "Jembatan retak"}
    assert shown_since(rina, mark) == [
        rina.said("notify.reporter.dispose", org=org["KOTA-PKL"], **other_common),
        rina.said("notify.reporter.dispose_moved", org=world.orgs["KAB-BATANG"].name, **other_common),
    ]


async def test_an_overdue_complaint_is_apologised_for_once_and_a_closing_is_told(
    notifying_bot: RunningBot, local_api: LocalBotApi, world: World, clean_engine: AsyncEngine
) -> None:
    assert world.reporter.telegram_id is not None
    rina = Reporter(local_api.user(world.reporter.telegram_id, "Rina"))
    await open_chats(world, local_api, *SEATS)
    complaint = await world.complaints.submit(draft_for(world.reporter), world.reporter.as_actor())
    complaint = await take_through(world, complaint, [("province", T.DISPOSE, {"target": "KOTA-PKL"})])
    await delivered(clean_engine, local_api)
    sessions, calendar = session_factory(clean_engine), WorkingCalendar()

    # Wednesday 25 November, filed: due Friday the 27th. On Monday the 30th it still waits at the city.
    for day in (27, 30, 30, 1):
        world.clock.now = datetime(2026, 11 if day > 1 else 12, day, 14, tzinfo=WIB).astimezone(UTC)
        await run_scheduler_once(sessions, calendar, world.clock)
    await delivered(clean_engine, local_api)
    apology = rina.said(
        "notify.reporter.overdue",
        number=complaint.tracking_number,
        subject=complaint.subject,
        deadline=rina.t.wib_day(complaint.deadline),
        org=world.orgs["KOTA-PKL"].name,
    )
    assert rina.bot_texts().count(apology) == 1
    rows = [row for row in await outbox_rows(clean_engine) if row.kind == NoticeKind.REPORTER_OVERDUE]
    assert [row.chat_id for row in rows] == [world.reporter.telegram_id]
    # The complaint view says so too.
    await rina.command("/track", complaint.tracking_number)
    await rina.next_where(
        lambda m: visible(rina.t("detail.overdue")) in (m.text or ""), "the overdue line in the detail"
    )

    # Left unanswered after the result, it is closed by the system: the reporter is told it is closed. (An
    # officer may no longer confirm receipt for a reporter who is in the bot: issue 18.)
    complaint = await take_through(
        world,
        complaint,
        [
            ("city", T.FORWARD, {"target": "PKL-DPUPR"}),
            ("opd", T.ACCEPT, {}),
            ("opd", T.SUBMIT_RESULT, {"result": "Lubang sudah ditambal."}),
            ("city", T.CONFIRM_RESULT, {}),
            ("province", T.APPROVE, {}),
        ],
    )
    closed = await world.complaints.fire(
        complaint.id, Actor(Role.SYSTEM), T.AUTO_CLOSE, seen_version=complaint.version
    )
    complaint = closed.complaint
    await delivered(clean_engine, local_api)
    closing = rina.said(
        "notify.reporter.auto_close", number=complaint.tracking_number, subject=complaint.subject
    )
    assert rina.bot_texts()[-1] == closing
    # Resolved and closed: no later scheduler run apologises again.
    world.clock.now = datetime(2026, 12, 3, 14, tzinfo=WIB).astimezone(UTC)
    await run_scheduler_once(sessions, calendar, world.clock)
    await delivered(clean_engine, local_api)
    assert rina.bot_texts().count(apology) == 1


def _detail_blank(number: str) -> dict[str, object]:
    return {
        key: ""
        for key in (
            "subject",
            "state",
            "received",
            "deadline",
            "event_date",
            "place",
            "confidential",
            "chronology",
        )
    } | {"number": number}
