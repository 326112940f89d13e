"""Similar complaints and duplicates, on SQLite and PostgreSQL: candidates found by their stored words, a
duplicate linked, followed, given the earlier one's result, rated separately, unlinked; reports apart; a
duplicate's complainant off Telegram relayed the earlier one's steps by the officer."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from bot.ui.cards import render_card
from bot.ui.texts import texts_for
from storage import models
from storage.duplicates import LINK, UNLINK
from storage.outbox.notifications import NoticeKind, relay_to_recording_officer
from storage.relays import Relays, save_offline_reporter
from storage.reports.figures import Period, build_report, complaint_rows
from storage.views import ComplaintInfo
from tests.conftest import World, draft_for, give_duty_words
from tests.e2e.notifications import add_extra_admins
from workflow.calendar import WorkingCalendar
from workflow.channels import Channel
from workflow.definitions import S, T
from workflow.errors import NotPermitted, StaleVersion

SERUNI = {
    "subject": "Lampu jalan mati di Jl. Seruni",
    "chronology": "Empat lampu PJU di Jl. Seruni tidak menyala sejak dua minggu, jalan gelap dan sering ada "
    "pencurian motor.",
    "event_place": "Jl. Seruni, Pekalongan Barat",
}
SERUNI_AGAIN = {
    "subject": "jl seruni gelap lampu2 mati",
    "chronology": "lampu jln di seruni udh 2 minggu mati semua, kmrn motor tetangga ilang dicuri mlm2",
    "event_place": "jalan seruni",
}
MANGGIS = {
    "subject": "Lampu jalan mati di Jl. Manggis",
    "chronology": "Dua lampu penerangan jalan di Jl. Manggis mati sejak hujan angin, jalan jadi gelap.",
    "event_place": "Jl. Manggis, Pekalongan Barat",
}


@pytest.fixture(autouse=True)
async def duty_words(world: World) -> None:
    await give_duty_words(world)


async def file(
    world: World, fields: dict[str, str], *, reporter_telegram: int | None = None
) -> ComplaintInfo:
    reporter = world.reporter
    if reporter_telegram is not None:
        reporter = await world.directory.save_reporter(
            telegram_id=reporter_telegram, identity=world.reporter_identity_of_other()
        )
    return await world.complaints.submit(
        draft_for(reporter, event_date=date(2026, 11, 20), **fields), reporter.as_actor()
    )


async def to_city(world: World, complaint: ComplaintInfo) -> ComplaintInfo:
    moved = await world.complaints.fire(
        complaint.id,
        world.actor("province"),
        T.DISPOSE,
        seen_version=complaint.version,
        target_org_id=world.orgs["KOTA-PKL"].id,
    )
    return moved.complaint


async def notices(world: World, chat_id: int) -> list[tuple[str, str, str]]:
    async with world.complaints.sessions() as session:
        rows = await session.scalars(
            select(models.OutboxMessage)
            .where(models.OutboxMessage.chat_id == chat_id)
            .order_by(models.OutboxMessage.id)
        )
        return [(row.kind, row.payload["trigger"], row.payload["tracking_number"]) for row in rows]


async def test_the_words_are_stored_at_filing_and_the_same_problem_is_listed(world: World) -> None:
    first = await to_city(world, await file(world, SERUNI))
    await to_city(world, await file(world, MANGGIS))
    second = await to_city(world, await file(world, SERUNI_AGAIN, reporter_telegram=9002))
    async with world.complaints.sessions() as session:
        words = set(
            await session.scalars(
                select(models.ComplaintTerm.term).where(models.ComplaintTerm.complaint_id == second.id)
            )
        )
    assert {"seruni", "lampu", "mati"} <= words
    card = await world.complaints.card(second.id)
    assert card is not None
    assert [item.tracking_number for item in card.similar] == [first.tracking_number]
    assert card.similar[0].state == S.AT_CITY
    # Only earlier complaints are listed: the first one's card does not offer the second.
    first_card = await world.complaints.card(first.id)
    assert first_card is not None
    assert first_card.similar == ()


async def test_a_complaint_of_another_city_or_long_closed_is_not_listed(world: World) -> None:
    batang = await file(world, SERUNI)
    await world.complaints.fire(
        batang.id,
        world.actor("province"),
        T.DISPOSE,
        seen_version=batang.version,
        target_org_id=world.orgs["KAB-BATANG"].id,
    )
    second = await to_city(world, await file(world, SERUNI_AGAIN, reporter_telegram=9002))
    card = await world.complaints.card(second.id)
    assert card is not None
    assert card.similar == ()


async def test_a_linked_duplicate_follows_gets_the_result_and_rates_separately(world: World) -> None:
    first = await to_city(world, await file(world, SERUNI))
    second = await to_city(world, await file(world, SERUNI_AGAIN, reporter_telegram=9002))
    linked = await world.complaints.link_duplicate(
        second.id, first.id, world.actor("city"), seen_version=second.version
    )
    assert (linked.duplicate_of_id, linked.state, linked.version) == (first.id, S.AT_CITY, second.version + 1)
    # Out of the queue, and no office's step is its own now.
    queue = await world.complaints.queue(world.orgs["KOTA-PKL"].id, world.actor("city").role)
    assert [item.id for item in queue.items] == [first.id]
    with pytest.raises(NotPermitted):
        await world.complaints.fire(
            second.id,
            world.actor("city"),
            T.FORWARD,
            seen_version=linked.version,
            target_org_id=world.orgs["PKL-DPUPR"].id,
        )
    assert (await notices(world, 9002))[-1] == ("reporter_update", LINK, second.tracking_number)

    complaint = first
    steps = [
        ("city", T.FORWARD, {"target_org_id": world.orgs["PKL-DPUPR"].id}),
        ("opd", T.ACCEPT, {}),
        ("opd", T.SUBMIT_RESULT, {"result": "Empat lampu diganti 27/11."}),
        ("city", T.CONFIRM_RESULT, {}),
        ("province", T.APPROVE, {}),
    ]
    for seat, trigger, args in steps:
        complaint = (
            await world.complaints.fire(
                complaint.id, world.actor(seat), trigger, seen_version=complaint.version, **args
            )
        ).complaint
    told = [trigger for kind, trigger, number in await notices(world, 9002) if kind == "reporter_update"]
    assert told == [T.DISPOSE, LINK, T.FORWARD, T.ACCEPT, T.SUBMIT_RESULT, T.APPROVE]
    dup = await world.complaints.get(second.id)
    assert dup is not None
    assert (dup.state, dup.result_text) == (S.RESOLVED, "Empat lampu diganti 27/11.")
    # Its own reporter confirms and rates it; the earlier one is untouched.
    closed = await world.complaints.fire(
        dup.id,
        (await world.directory.reporter_by_telegram_id(9002)).as_actor(),  # type: ignore[union-attr]
        T.ACKNOWLEDGE,
        seen_version=dup.version,
        rating=4,
    )
    assert (closed.complaint.state, closed.complaint.rating) == (S.CLOSED, 4)
    earlier = await world.complaints.get(first.id)
    assert earlier is not None
    assert (earlier.state, earlier.rating) == (S.RESOLVED, None)
    history = [event.trigger for event in await world.complaints.history(dup.id)]
    assert history == [T.SUBMIT, T.DISPOSE, LINK, T.APPROVE, T.ACKNOWLEDGE]


async def test_unlink_puts_it_back_where_it_was_with_its_reason(world: World) -> None:
    first = await to_city(world, await file(world, SERUNI))
    second = await to_city(world, await file(world, SERUNI_AGAIN, reporter_telegram=9002))
    linked = await world.complaints.link_duplicate(
        second.id, first.id, world.actor("city"), seen_version=second.version
    )
    # The second admin pressed the link on the card they saw: refused as stale.
    with pytest.raises(StaleVersion):
        await world.complaints.link_duplicate(
            second.id, first.id, world.actor("city2"), seen_version=second.version
        )
    with pytest.raises(NotPermitted):
        await world.complaints.unlink_duplicate(
            second.id, world.actor("batang"), seen_version=linked.version, reason="lain"
        )
    back = await world.complaints.unlink_duplicate(
        second.id, world.actor("city2"), seen_version=linked.version, reason="Tiang yang lain, beda RT."
    )
    assert (back.duplicate_of_id, back.state, back.current_org_id) == (
        None,
        S.AT_CITY,
        world.orgs["KOTA-PKL"].id,
    )
    queue = await world.complaints.queue(world.orgs["KOTA-PKL"].id, world.actor("city").role)
    assert sorted(item.id for item in queue.items) == [first.id, second.id]
    events = await world.complaints.history(second.id)
    assert (events[-1].trigger, events[-1].reason, events[-1].actor_name) == (
        UNLINK,
        "Tiang yang lain, beda RT.",
        "Admin city2",
    )
    assert (events[-2].trigger, events[-2].note, events[-2].actor_name) == (
        LINK,
        first.tracking_number,
        "Admin city",
    )
    # The city's admins get its card again; the reporter is told.
    assert ("task", UNLINK, second.tracking_number) in await notices(world, 2001)
    assert (await notices(world, 9002))[-1] == ("reporter_update", UNLINK, second.tracking_number)


async def test_a_link_is_refused_to_itself_a_duplicate_or_by_another_office(world: World) -> None:
    first = await to_city(world, await file(world, SERUNI))
    second = await to_city(world, await file(world, SERUNI_AGAIN, reporter_telegram=9002))
    with pytest.raises(NotPermitted):
        await world.complaints.link_duplicate(
            second.id, second.id, world.actor("city"), seen_version=second.version
        )
    with pytest.raises(NotPermitted):
        await world.complaints.link_duplicate(
            second.id, first.id, world.actor("batang"), seen_version=second.version
        )
    linked = await world.complaints.link_duplicate(
        second.id, first.id, world.actor("city"), seen_version=second.version
    )
    third = await to_city(world, await file(world, SERUNI_AGAIN, reporter_telegram=9003))
    with pytest.raises(NotPermitted):  # joined to a duplicate: it must be joined to the one it follows
        await world.complaints.link_duplicate(
            third.id, linked.id, world.actor("city"), seen_version=third.version
        )


async def test_two_admins_joining_at_once_join_it_once(world: World) -> None:
    await add_extra_admins(world)
    first = await to_city(world, await file(world, SERUNI))
    second = await to_city(world, await file(world, SERUNI_AGAIN, reporter_telegram=9002))
    pressed = [
        world.complaints.link_duplicate(second.id, first.id, world.actor(seat), seen_version=second.version)
        for seat in ("city", "city2")
    ]
    outcomes = await asyncio.gather(*pressed, return_exceptions=True)
    assert sum(isinstance(outcome, ComplaintInfo) for outcome in outcomes) == 1
    assert sum(isinstance(outcome, StaleVersion) for outcome in outcomes) == 1
    async with world.complaints.sessions() as session:
        links = await session.scalars(
            select(models.ComplaintEvent).where(
                models.ComplaintEvent.complaint_id == second.id, models.ComplaintEvent.trigger == LINK
            )
        )
        assert len(list(links)) == 1


async def test_a_duplicate_of_a_finished_complaint_gets_its_result_at_once(world: World) -> None:
    first = await to_city(world, await file(world, SERUNI))
    complaint = first
    for seat, trigger, args in [
        ("city", T.FORWARD, {"target_org_id": world.orgs["PKL-DPUPR"].id}),
        ("opd", T.ACCEPT, {}),
        ("opd", T.SUBMIT_RESULT, {"result": "Diganti."}),
        ("city", T.CONFIRM_RESULT, {}),
        ("province", T.APPROVE, {}),
    ]:
        complaint = (
            await world.complaints.fire(
                complaint.id, world.actor(seat), trigger, seen_version=complaint.version, **args
            )
        ).complaint
    second = await to_city(world, await file(world, SERUNI_AGAIN, reporter_telegram=9002))
    card = await world.complaints.card(second.id)
    assert card is not None
    assert [item.id for item in card.similar] == [first.id]
    await world.complaints.link_duplicate(
        second.id, first.id, world.actor("city"), seen_version=second.version
    )
    dup = await world.complaints.get(second.id)
    assert dup is not None
    assert (dup.state, dup.result_text) == (S.RESOLVED, "Diganti.")


async def test_reports_count_duplicates_apart(world: World) -> None:
    first = await to_city(world, await file(world, SERUNI))
    second = await to_city(world, await file(world, SERUNI_AGAIN, reporter_telegram=9002))
    await world.complaints.link_duplicate(
        second.id, first.id, world.actor("city"), seen_version=second.version
    )
    world.clock.advance(days=10)  # both past their deadline; only the first waits on an office
    province = world.orgs["JATENG"]
    period = Period(date(2026, 11, 1), date(2026, 11, 30))
    for scope in (province, world.orgs["KOTA-PKL"]):
        report = await build_report(
            world.complaints.sessions, WorkingCalendar(), scope, period, now=world.clock()
        )
        assert (report.total, report.duplicates, report.overdue_now) == (2, 1, 1)
        city_figures = next(org for org in report.by_org if org.org_id == world.orgs["KOTA-PKL"].id)
        assert (city_figures.in_queue, city_figures.overdue) == (1, 1)
    rows = await complaint_rows(
        world.complaints.sessions, WorkingCalendar(), province, period, now=world.clock()
    )
    assert [(row.tracking_number, row.duplicate_of, row.overdue_now) for row in rows] == [
        (first.tracking_number, "", True),
        (second.tracking_number, first.tracking_number, False),
    ]


async def test_a_duplicate_of_a_complaint_joined_later_follows_the_earliest(world: World) -> None:
    first = await to_city(world, await file(world, SERUNI))
    second = await to_city(world, await file(world, SERUNI_AGAIN, reporter_telegram=9002))
    third = await to_city(world, await file(world, SERUNI_AGAIN, reporter_telegram=9003))
    await world.complaints.link_duplicate(
        third.id, second.id, world.actor("city"), seen_version=third.version
    )
    await world.complaints.link_duplicate(
        second.id, first.id, world.actor("city"), seen_version=second.version
    )
    followers = [await world.complaints.get(item.id) for item in (second, third)]
    assert [item.duplicate_of_id for item in followers if item is not None] == [first.id, first.id]


async def test_the_card_lists_similar_ones_and_a_duplicate_says_whom_it_follows(world: World) -> None:
    first = await to_city(world, await file(world, SERUNI))
    second = await to_city(world, await file(world, SERUNI_AGAIN, reporter_telegram=9002))
    t, city = texts_for("id"), world.admins["city"]
    card = await world.complaints.card(second.id)
    assert card is not None
    text, markup = render_card(card, viewer=city, t=t, calendar=WorkingCalendar(), now=world.clock())
    assert t("admin.similar.title") in text
    assert first.tracking_number in text
    labels = [row[0].text for row in markup.inline_keyboard] if markup else []
    assert t.plain("admin.btn.link", number=first.tracking_number) in labels
    assert t.plain("admin.btn.forward") in labels
    # Joined: no steps of its own, no days-left, whom it follows, and the way back.
    linked = await world.complaints.link_duplicate(
        second.id, first.id, world.actor("city"), seen_version=second.version
    )
    card = await world.complaints.card(linked.id)
    assert card is not None
    text, markup = render_card(card, viewer=city, t=t, calendar=WorkingCalendar(), now=world.clock())
    assert first.tracking_number in text
    assert t("admin.card.deadline", day=t.wib_day(card.complaint.deadline)) + "\n" in text
    assert t.plain("admin.similar.title") not in text
    labels = [row[0].text for row in markup.inline_keyboard] if markup else []
    assert labels == [t.plain("admin.btn.unlink_duplicate")]
    # The complaint it follows names it: its admins know whose reporters hear of their steps.
    earlier = await world.complaints.card(first.id)
    assert earlier is not None
    text, _ = render_card(earlier, viewer=city, t=t, calendar=WorkingCalendar(), now=world.clock())
    assert t("admin.card.joined", numbers=second.tracking_number) in text


async def test_a_duplicate_off_telegram_is_relayed_the_earlier_ones_steps_once_each(world: World) -> None:
    first = await to_city(world, await file(world, SERUNI))
    caller = await save_offline_reporter(
        world.complaints.sessions,
        identity=world.reporter_identity_of_other(),
        contact="+6281234567777",
        contact_channel=Channel.TELEPHONE,
    )
    recorded = await world.complaints.submit(
        draft_for(caller, channel=Channel.TELEPHONE, event_date=date(2026, 11, 20), **SERUNI_AGAIN),
        world.actor("officer"),
    )
    second = await to_city(world, recorded)
    linked = await world.complaints.link_duplicate(
        second.id, first.id, world.actor("city"), seen_version=second.version
    )
    complaint = first
    for seat, trigger, args in [
        ("city", T.FORWARD, {"target_org_id": world.orgs["PKL-DPUPR"].id}),
        ("opd", T.ACCEPT, {}),
        ("opd", T.SUBMIT_RESULT, {"result": "Empat lampu diganti 27/11."}),
        ("city", T.CONFIRM_RESULT, {}),
        ("province", T.APPROVE, {}),
    ]:
        complaint = (
            await world.complaints.fire(
                complaint.id, world.actor(seat), trigger, seen_version=complaint.version, **args
            )
        ).complaint
    officer = world.admins["officer"]
    async with world.complaints.sessions() as session:
        relays = list(
            await session.scalars(
                select(models.Relay).where(models.Relay.complaint_id == second.id).order_by(models.Relay.id)
            )
        )
        events = {
            row.id: (row.complaint_id, row.trigger)
            for row in await session.scalars(select(models.ComplaintEvent))
        }
        outbox = list(
            await session.scalars(
                select(models.OutboxMessage)
                .where(
                    models.OutboxMessage.complaint_id == second.id,
                    models.OutboxMessage.kind == NoticeKind.RELAY,
                )
                .order_by(models.OutboxMessage.id)
            )
        )
    # Its own filing, then what a complainant off Telegram is relayed of the earlier one: the forward and the
    # acceptance (both at the duplicate's version when it was linked), then the result, its own step.
    assert [relay.trigger for relay in relays] == [T.SUBMIT, T.FORWARD, T.ACCEPT, T.APPROVE]
    assert [relay.complaint_version for relay in relays[1:3]] == [linked.version, linked.version]
    assert [events[relay.event_id] for relay in relays] == [
        (second.id, T.SUBMIT),
        (first.id, T.FORWARD),
        (first.id, T.ACCEPT),
        (second.id, T.APPROVE),
    ]
    assert [(row.chat_id, row.payload["relay_id"]) for row in outbox] == [
        (officer.telegram_id, relay.id) for relay in relays
    ]
    assert [row.payload.get("earlier") for row in outbox] == [None] + [first.tracking_number] * 3
    assert outbox[1].payload["org_id"] == world.orgs["PKL-DPUPR"].id

    # The same step of the earlier complaint again (a replayed update) cannot relay it twice.
    forward_event = relays[1].event_id

    async def relay_the_forward_again() -> None:
        async with world.complaints.sessions.begin() as session:
            dup_row = await session.get(models.Complaint, second.id)
            assert dup_row is not None
            await relay_to_recording_officer(
                session,
                dup_row,
                {"trigger": T.FORWARD, "earlier": first.tracking_number},
                world.clock(),
                event_id=forward_event,
            )

    with pytest.raises(IntegrityError):
        await relay_the_forward_again()
    async with world.complaints.sessions() as session:
        again = await session.scalars(select(models.Relay.id).where(models.Relay.event_id == forward_event))
        assert list(again) == [relays[1].id]

    # Passing the result on acknowledges the duplicate for its complainant, as for a complaint of their own.
    delivered = await Relays(world.complaints.sessions, world.complaints).deliver(relays[-1].id, officer)
    assert delivered.first_time
    dup = await world.complaints.get(second.id)
    assert dup is not None
    assert (delivered.closed, dup.state) == (True, S.CLOSED)
