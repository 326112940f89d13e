"""The same broken street light, reported twice in different words: the city's admin sees the first on the
second's card and joins them; the second's reporter is told, gets the first's milestones and result, and
rates it separately; a join undone with a reason puts the complaint back in the queue. Through the real
dispatcher and the local Bot API server, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app.settings import Mode
from bot.dev.local_api import ChatMessage, LocalBotApi
from bot.ui.admin_callbacks import LinkYesCb
from storage.duplicates import UNLINK
from tests.conftest import World, draft_for, give_duty_words
from tests.e2e.admin_desk import Desk, forge_press
from tests.e2e.chat import Reporter, visible
from tests.e2e.conftest import RunningBot
from tests.e2e.notifications import delivered, open_chats, take_through
from tests.e2e.scripts import Answers, file_complaint
from tests.e2e.test_routing_pickers import presses
from workflow.definitions import S, T
from workflow.identity import Identity

FIRST = Answers(
    full_name="Siti Aminah",
    nik="3375014507900002",
    subject="Lampu jalan mati di Jl. Seruni",
    chronology="Empat lampu PJU di Jl. Seruni tidak menyala sejak dua minggu, jalan gelap dan sering ada "
    "pencurian motor.",
    event_place="Jl. Seruni, Pekalongan Barat",
    share_location=False,
    photos=0,
)
SECOND = Answers(
    full_name="Bagus Santoso",
    nik="3375011203880001",
    subject="jl seruni gelap lampu2 mati",
    chronology="lampu jln di seruni udh 2 minggu mati semua, kmrn motor tetangga ilang dicuri mlm2",
    event_place="jalan seruni",
    share_location=False,
    photos=0,
)
SEATS = ("province", "province2", "city", "city2", "opd")


@pytest.fixture
def mode() -> Mode:
    """Polling only: the webhook path is the same dispatcher, walked by the other e2e tests."""
    return Mode.POLLING


async def card_with(desk: Desk, card: ChatMessage, text: str) -> ChatMessage:
    return await desk.settled(card, lambda m: text in (m.text or ""))


def result_of(person: Reporter, number: str) -> ChatMessage:
    title = person.said("notify.reporter.approve", number=number, subject="", result="").split("\n")[0]
    return next(m for m in person.user.chat().bot_messages() if (m.text or "").startswith(title))


@pytest.fixture(autouse=True)
async def duty_words(world: World) -> None:
    await give_duty_words(world)


async def test_two_reporters_one_street_light_joined_followed_and_rated_apart(
    notifying_bot: RunningBot, local_api: LocalBotApi, world: World, clean_engine: AsyncEngine
) -> None:
    await open_chats(world, local_api, *SEATS)
    siti, bagus = Reporter(local_api.user(7801, "Siti")), Reporter(local_api.user(7802, "Bagus"))
    await file_complaint(siti, FIRST)
    await file_complaint(bagus, SECOND)
    first = await world.complaints.by_tracking_number("LG-2026-000001")
    second = await world.complaints.by_tracking_number("LG-2026-000002")
    assert first is not None
    assert second is not None
    assert second.subject == SECOND.subject
    first = await take_through(world, first, [("province", T.DISPOSE, {"target": "KOTA-PKL"})])
    second = await take_through(world, second, [("province", T.DISPOSE, {"target": "KOTA-PKL"})])
    await delivered(clean_engine, local_api)

    # The city's admin opens the second: the first is listed under it, with its stage and age.
    city = Desk(local_api, world, "city")
    card = await city.open(second.tracking_number)
    text = card.text or ""
    assert visible(city.t("admin.similar.title")) in text
    assert (
        visible(
            city.t(
                "admin.similar.line",
                number=first.tracking_number,
                subject=FIRST.subject,
                stage=city.t.plain("admin.similar.stage.at_city"),
                age=city.t.plain("admin.similar.age.today"),
            )
        )
        in text
    )
    before = presses(city)
    await city.press(card, "admin.btn.link", number=first.tracking_number)
    asked = visible(city.t("admin.link.ask", number=second.tracking_number, earlier=first.tracking_number))
    card = await card_with(city, card, asked.split("\n")[0])
    assert city.t.plain("admin.btn.link_yes", earlier=first.tracking_number) in card.button_texts
    await city.press(card, "admin.btn.link_yes", earlier=first.tracking_number)
    assert await city.toast() == city.t.plain(
        "admin.toast.done", what=city.t.plain("admin.did.link_duplicate")
    )
    card = await card_with(city, card, city.t.plain("admin.did.link_duplicate"))
    assert presses(city) - before == 2  # README "Press budget: admins"
    assert card.button_texts[-1] == city.t.plain("admin.btn.unlink_duplicate")
    await delivered(clean_engine, local_api)
    assert bagus.bot_texts()[-1] == bagus.said(
        "notify.reporter.link_duplicate",
        number=second.tracking_number,
        subject=second.subject,
        earlier=first.tracking_number,
    )
    # Their complaint's history says so too.
    await bagus.command("/track", second.tracking_number)
    joined = visible(bagus.t("event.laporgub.link_duplicate", earlier=first.tracking_number))
    await bagus.next_where(lambda m: joined in (m.text or ""), "the join in the complaint's history")
    # The other city admin's copy was retired; their modified client presses the join again: refused.
    city2 = Desk(local_api, world, "city2")
    last = city2.user.last_bot_message()
    assert last is not None
    stale = LinkYesCb(c=second.id, v=second.version, d=first.id).pack()
    forge_press(local_api, city2.user.id, last.message_id, stale)
    assert "Admin city" in await city2.toast()
    queue = await city.queue()
    assert not any(b["text"].endswith(second.tracking_number) for b in queue.buttons)

    # The first goes through the remaining steps; the second's reporter hears each milestone and gets the
    # result, which each reporter rates on their own.
    mark = len(bagus.bot_texts())
    result = "Empat lampu PJU di Jl. Seruni sudah diganti pada 27/11."
    first = await take_through(
        world,
        first,
        [
            ("city", T.FORWARD, {"target": "PKL-DPUPR"}),
            ("opd", T.ACCEPT, {}),
            ("opd", T.SUBMIT_RESULT, {"result": result}),
            ("city2", T.CONFIRM_RESULT, {}),
            ("province2", T.APPROVE, {}),
        ],
    )
    await delivered(clean_engine, local_api)
    common = {"number": second.tracking_number, "subject": second.subject}
    dpupr = world.orgs["PKL-DPUPR"].name
    told = bagus.bot_texts()[mark:]
    assert told[:3] == [
        bagus.said("notify.reporter.forward", org=dpupr, **common),
        bagus.said("notify.reporter.accept", org=dpupr, **common),
        bagus.said("notify.reporter.submit_result", **common),
    ]
    assert result in told[3]
    await bagus.press_text(result_of(bagus, second.tracking_number), "4⭐")
    await bagus.expect_key("result.comment.ask", stars="⭐" * 4, number=second.tracking_number)
    await siti.press_text(result_of(siti, first.tracking_number), "5⭐")
    await siti.expect_key("result.comment.ask", stars="⭐" * 5, number=first.tracking_number)
    first_now = await world.complaints.get(first.id)
    second_now = await world.complaints.get(second.id)
    assert first_now is not None
    assert second_now is not None
    assert (first_now.state, first_now.rating) == (S.CLOSED, 5)
    assert (second_now.state, second_now.rating, second_now.result_text) == (S.CLOSED, 4, result)


async def test_a_join_undone_with_a_reason_goes_back_to_the_queue_and_the_reporter_is_told(
    notifying_bot: RunningBot, local_api: LocalBotApi, world: World, clean_engine: AsyncEngine
) -> None:
    await open_chats(world, local_api, *SEATS)
    hadi_info = await world.directory.save_reporter(
        telegram_id=7701, identity=Identity("Hadi", "3375010101900003", "+6281234567897", "Jl. Seruni 2")
    )
    hadi = Reporter(local_api.user(7701, "Hadi"))
    await hadi.command("/start")
    await hadi.expect_key("welcome")
    first = await world.complaints.submit(
        draft_for(
            world.reporter, subject=FIRST.subject, chronology=FIRST.chronology, event_place=FIRST.event_place
        ),
        world.reporter.as_actor(),
    )
    second = await world.complaints.submit(
        draft_for(
            hadi_info, subject=SECOND.subject, chronology=SECOND.chronology, event_place=SECOND.event_place
        ),
        hadi_info.as_actor(),
    )
    first = await take_through(world, first, [("province", T.DISPOSE, {"target": "KOTA-PKL"})])
    second = await take_through(world, second, [("province", T.DISPOSE, {"target": "KOTA-PKL"})])
    await delivered(clean_engine, local_api)
    city = Desk(local_api, world, "city")
    card = await city.open(second.tracking_number)
    # A modified client names a complaint the card never offered: refused, nothing changes.
    forged = LinkYesCb(c=second.id, v=second.version, d=second.id + 1000).pack()
    forge_press(local_api, city.user.id, card.message_id, forged)
    assert await city.toast() == city.t.plain("admin.link.gone")
    await city.press(card, "admin.btn.link", number=first.tracking_number)
    yes = city.t.plain("admin.btn.link_yes", earlier=first.tracking_number)
    card = await city.settled(card, lambda m: yes in m.button_texts)
    await city.press(card, "admin.btn.link_yes", earlier=first.tracking_number)
    await city.toast()
    card = await card_with(city, card, city.t.plain("admin.did.link_duplicate"))

    # Separating asks for the reason like a return; the card's buttons come off while it is written.
    before = presses(city)
    await city.press(card, "admin.btn.unlink_duplicate")
    await city.next_where(lambda m: (m.text or "").startswith("✍️"), "the reason prompt")
    reason = "Lampu yang dimaksud di ujung gang lain, bukan tiang yang sama."
    await city.send(reason)
    confirmation = await city.next_where(lambda m: reason in (m.text or ""), "the reason shown back")
    assert await city.confirm(confirmation) == city.t.plain(
        "admin.toast.done", what=city.t.plain("admin.did.unlink_duplicate")
    )
    # The pressed card says so and keeps no buttons: the card the queue brings again carries the steps, so
    # the admin never holds two live cards of one complaint.
    card = await card_with(city, card, city.t.plain("admin.did.unlink_duplicate"))
    assert card.button_texts == []
    assert presses(city) - before == 2  # README "Press budget: admins"
    await delivered(clean_engine, local_api)
    assert hadi.bot_texts()[-1] == hadi.said(
        "notify.reporter.unlink_duplicate",
        number=second.tracking_number,
        subject=second.subject,
        earlier=first.tracking_number,
    )
    back = await world.complaints.get(second.id)
    assert back is not None
    assert (back.state, back.duplicate_of_id) == (S.AT_CITY, None)
    event = (await world.complaints.history(second.id))[-1]
    assert (event.trigger, event.reason, event.actor_name) == (UNLINK, reason, "Admin city")
    # Back in the queue, with its own steps on the card again.
    card = await city.open(second.tracking_number)
    assert city.t.plain("admin.btn.forward") in card.button_texts

    # Joined again after all: its title says whom it follows, and the separation's reason, no longer what
    # anyone acts on, leaves the card (the history button keeps it).
    await city.press(card, "admin.btn.link", number=first.tracking_number)
    card = await city.settled(card, lambda m: yes in m.button_texts)
    await city.press(card, "admin.btn.link_yes", earlier=first.tracking_number)
    await city.toast()
    card = await card_with(city, card, city.t.plain("admin.did.link_duplicate"))
    title = visible(
        city.t(
            "admin.card.title",
            number=second.tracking_number,
            state=city.t.plain("admin.card.state_following", number=first.tracking_number),
        )
    )
    assert (card.text or "").startswith(title)
    assert reason not in (card.text or "")
    assert city.t.plain("admin.btn.history", count=1) in card.button_texts


async def test_joining_to_a_finished_complaint_warns_that_its_result_goes_out_at_once(
    notifying_bot: RunningBot, local_api: LocalBotApi, world: World, clean_engine: AsyncEngine
) -> None:
    await open_chats(world, local_api, *SEATS)
    first = await world.complaints.submit(
        draft_for(
            world.reporter, subject=FIRST.subject, chronology=FIRST.chronology, event_place=FIRST.event_place
        ),
        world.reporter.as_actor(),
    )
    result = "Empat lampu PJU di Jl. Seruni sudah diganti pada 27/11."
    first = await take_through(
        world,
        first,
        [
            ("province", T.DISPOSE, {"target": "KOTA-PKL"}),
            ("city", T.FORWARD, {"target": "PKL-DPUPR"}),
            ("opd", T.ACCEPT, {}),
            ("opd", T.SUBMIT_RESULT, {"result": result}),
            ("city", T.CONFIRM_RESULT, {}),
            ("province", T.APPROVE, {}),
        ],
    )
    assert first.state == S.RESOLVED
    second = await world.complaints.submit(
        draft_for(
            world.reporter,
            subject=SECOND.subject,
            chronology=SECOND.chronology,
            event_place=SECOND.event_place,
        ),
        world.reporter.as_actor(),
    )
    second = await take_through(world, second, [("province", T.DISPOSE, {"target": "KOTA-PKL"})])
    await delivered(clean_engine, local_api)
    city = Desk(local_api, world, "city")
    card = await city.open(second.tracking_number)
    resolved = city.t.plain("admin.similar.stage.resolved")
    assert f"{first.tracking_number}: {FIRST.subject} ({resolved}" in (card.text or "")
    await city.press(card, "admin.btn.link", number=first.tracking_number)
    numbers = {"number": second.tracking_number, "earlier": first.tracking_number}
    warning = visible(city.t("admin.link.ask.finished", **numbers))
    card = await card_with(city, card, warning)
    # Not the usual question, whose "it can be separated again" is no longer true.
    assert visible(city.t("admin.link.ask", **numbers)).split("\n")[1] not in (card.text or "")
    await city.press(card, "admin.btn.link_yes", earlier=first.tracking_number)
    await city.toast()
    card = await card_with(city, card, city.t.plain("admin.did.link_duplicate"))
    assert city.t.plain("admin.btn.unlink_duplicate") not in card.button_texts
    joined = await world.complaints.get(second.id)
    assert joined is not None
    assert (joined.state, joined.result_text) == (S.RESOLVED, result)
