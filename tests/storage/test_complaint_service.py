"""The storage service carries a complaint through the workflow on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select, update

from storage import models
from storage.data_errors import ComplaintNotFound
from storage.outbox.notifications import CardCopy
from tests.conftest import World, draft_for
from workflow.complaint import AttachmentDraft, AttachmentKind
from workflow.definitions import ST, ComplaintKind, S, T
from workflow.errors import InvalidTarget, InvalidTransition, NotPermitted, ReasonRequired, StaleVersion


async def count(world: World, model: type[models.Base]) -> int:
    async with world.complaints.sessions() as session:
        return await session.scalar(select(func.count()).select_from(model)) or 0


async def outbox(world: World) -> list[tuple[int, str, str]]:
    async with world.complaints.sessions() as session:
        rows = await session.scalars(select(models.OutboxMessage).order_by(models.OutboxMessage.id))
        return [(row.chat_id, row.kind, row.payload["trigger"]) for row in rows]


async def test_a_complaint_travels_all_seven_steps(world: World) -> None:
    photos = (
        AttachmentDraft("photo-1", AttachmentKind.PHOTO, size=1000),
        AttachmentDraft("photo-2", AttachmentKind.PHOTO, size=2000),
    )
    complaint = await world.complaints.submit(
        draft_for(world.reporter, attachments=photos, latitude=-6.89, longitude=109.67),
        world.reporter.as_actor(),
    )
    assert complaint.tracking_number == "LG-2026-000001"
    assert (complaint.state, complaint.version) == (S.AT_PROVINCE, 1)
    assert complaint.current_org_id == world.orgs["JATENG"].id
    # Received Wednesday 25 November 2026 10:00 WIB: due at the end of Friday 27 November, WIB.
    assert complaint.deadline == datetime(2026, 11, 27, 16, 59, 59, 999999, tzinfo=UTC)
    assert len(await world.complaints.attachments(complaint.id)) == 2
    # Both province admins get the task; the reporter saw the answer in the chat, so is not told again.
    assert await outbox(world) == [(1001, "task", "submit"), (1002, "task", "submit")]

    steps = [
        ("province", T.DISPOSE, {"target_org_id": world.orgs["KOTA-PKL"].id}, S.AT_CITY, "KOTA-PKL"),
        ("city", T.FORWARD, {"target_org_id": world.orgs["PKL-DPUPR"].id}, S.AT_OPD, "PKL-DPUPR"),
        ("opd", T.ACCEPT, {}, S.IN_FOLLOW_UP, "PKL-DPUPR"),
        (
            "opd",
            T.SUBMIT_RESULT,
            {"result": "Lubang ditambal 27/11.", "attachments": photos[:1]},
            S.RESULT_AT_CITY,
            "KOTA-PKL",
        ),
        ("city", T.CONFIRM_RESULT, {}, S.RESULT_AT_PROVINCE, "JATENG"),
        ("province", T.APPROVE, {}, S.RESOLVED, "JATENG"),
    ]
    for seat, trigger, args, state, org in steps:
        result = await world.complaints.fire(
            complaint.id, world.actor(seat), trigger, seen_version=complaint.version, **args
        )
        assert result.complaint.version == complaint.version + 1
        complaint = result.complaint
        assert (complaint.state, complaint.current_org_id) == (state, world.orgs[org].id)
    result = await world.complaints.fire(
        complaint.id, world.reporter.as_actor(), T.ACKNOWLEDGE, seen_version=complaint.version, rating=5
    )
    assert (result.complaint.state, result.complaint.rating) == (S.CLOSED, 5)
    assert result.complaint.result_text == "Lubang ditambal 27/11."

    history = await world.complaints.history(complaint.id)
    assert [e.trigger for e in history] == [
        "submit",
        "dispose",
        "forward",
        "accept",
        "submit_result",
        "confirm_result",
        "approve",
        "acknowledge",
    ]
    assert [e.version for e in history] == list(range(1, 9))
    assert history[1].actor_name == "Admin province"
    assert history[1].org_id == world.orgs["JATENG"].id
    assert history[4].note == "Lubang ditambal 27/11."
    attachments = await world.complaints.attachments(complaint.id)
    assert [a.is_result for a in attachments] == [False, False, True]
    kinds = [(chat, kind, trigger) for chat, kind, trigger in await outbox(world)]
    assert (9001, "reporter_update", "forward") in kinds
    assert (9001, "reporter_update", "accept") in kinds
    assert (9001, "reporter_update", "approve") in kinds
    assert (2001, "task", "dispose") in kinds
    assert (2002, "task", "dispose") in kinds
    assert (3001, "task", "forward") in kinds
    assert (3101, "task", "forward") not in kinds  # another agency of the same city is not told


async def test_returns_are_recorded_with_their_reasons(world: World) -> None:
    complaint = await world.complaints.submit(draft_for(world.reporter), world.reporter.as_actor())
    fired = await world.complaints.fire(
        complaint.id,
        world.actor("province"),
        T.DISPOSE,
        seen_version=1,
        target_org_id=world.orgs["KOTA-PKL"].id,
    )
    fired = await world.complaints.fire(
        complaint.id, world.actor("city"), T.RETURN_TO_PROVINCE, seen_version=2, reason="Jalan nasional."
    )
    assert (fired.complaint.state, fired.complaint.current_org_id) == (S.AT_PROVINCE, world.orgs["JATENG"].id)
    assert fired.event.reason == "Jalan nasional."
    assert set(fired.notified_chat_ids) == {1001, 1002}
    fired = await world.complaints.fire(
        complaint.id, world.actor("province"), T.REJECT, seen_version=3, reason="Bukan kewenangan Pemprov."
    )
    assert fired.complaint.state == S.REJECTED
    assert 9001 in fired.notified_chat_ids  # the reporter is told why
    assert [e.reason for e in await world.complaints.history(complaint.id)] == [
        None,
        None,
        "Jalan nasional.",
        "Bukan kewenangan Pemprov.",
    ]


async def test_refusals_write_nothing(world: World) -> None:
    complaint = await world.complaints.submit(draft_for(world.reporter), world.reporter.as_actor())
    await world.complaints.fire(
        complaint.id,
        world.actor("province"),
        T.DISPOSE,
        seen_version=1,
        target_org_id=world.orgs["KOTA-PKL"].id,
    )
    events, messages = await count(world, models.ComplaintEvent), await count(world, models.OutboxMessage)
    attempts = [
        (NotPermitted, "batang", T.FORWARD, {"target_org_id": world.orgs["BTG-DPU"].id}),
        (NotPermitted, "opd", T.RETURN_TO_PROVINCE, {"reason": "bukan kami"}),
        # An OPD that never held it is refused as another organisation's, before its step is called made up.
        (NotPermitted, "opd", T.ACCEPT, {}),
        (InvalidTransition, "city", T.ACCEPT, {}),
        (InvalidTransition, "city", T.CONFIRM_RESULT, {}),
        (InvalidTarget, "city", T.FORWARD, {"target_org_id": world.orgs["BTG-DPU"].id}),
        (ReasonRequired, "city", T.RETURN_TO_PROVINCE, {"reason": " "}),
        (StaleVersion, "city", T.FORWARD, {"target_org_id": world.orgs["PKL-DPUPR"].id, "seen_version": 1}),
    ]
    for error, seat, trigger, args in attempts:
        args.setdefault("seen_version", 2)
        with pytest.raises(error):
            await world.complaints.fire(complaint.id, world.actor(seat), trigger, **args)
    with pytest.raises(ComplaintNotFound):
        await world.complaints.fire(999_999, world.actor("city"), T.FORWARD, seen_version=1)
    after = await world.complaints.get(complaint.id)
    assert after is not None
    assert (after.state, after.version) == (S.AT_CITY, 2)
    assert (await count(world, models.ComplaintEvent), await count(world, models.OutboxMessage)) == (
        events,
        messages,
    )


async def test_queues_order_by_deadline_and_hold_only_what_waits_on_that_role(world: World) -> None:
    numbers = []
    for day in range(3):
        world.clock.advance(days=1 if day else 0)
        numbers.append(await world.complaints.submit(draft_for(world.reporter), world.reporter.as_actor()))
    first = numbers[0]
    await world.complaints.fire(
        first.id, world.actor("province"), T.DISPOSE, seen_version=1, target_org_id=world.orgs["KOTA-PKL"].id
    )
    province = await world.complaints.queue(world.orgs["JATENG"].id, world.admins["province"].role)
    assert [c.tracking_number for c in province.items] == [c.tracking_number for c in numbers[1:]]
    assert province.total == 2
    assert [c.deadline for c in province.items] == sorted(c.deadline for c in province.items)
    city = await world.complaints.queue(world.orgs["KOTA-PKL"].id, world.admins["city"].role)
    assert [c.id for c in city.items] == [first.id]
    officer = await world.complaints.queue(world.orgs["KOTA-PKL"].id, world.admins["officer"].role)
    assert officer.items == []
    page = await world.complaints.queue(
        world.orgs["JATENG"].id, world.admins["province"].role, limit=1, offset=1
    )
    assert ([c.id for c in page.items], page.total) == ([numbers[2].id], 2)


async def test_a_reporter_finds_only_their_own_complaints(world: World) -> None:
    mine = await world.complaints.submit(draft_for(world.reporter), world.reporter.as_actor())
    other = await world.directory.save_reporter(telegram_id=9002, identity=world.reporter_identity_of_other())
    theirs = await world.complaints.submit(draft_for(other), other.as_actor())
    assert [c.id for c in await world.complaints.reporter_complaints(world.reporter.id)] == [mine.id]
    own = await world.complaints.reporters_own(world.reporter.id, mine.tracking_number.lower())
    assert own is not None
    assert own.id == mine.id
    assert await world.complaints.reporters_own(world.reporter.id, theirs.tracking_number) is None
    assert await world.complaints.reporters_own(world.reporter.id, "LG-2026-999999") is None


async def test_tracking_numbers_count_per_year_and_kind(world: World) -> None:
    first = await world.complaints.submit(draft_for(world.reporter), world.reporter.as_actor())
    second = await world.complaints.submit(draft_for(world.reporter), world.reporter.as_actor())
    service = await world.complaints.submit(
        draft_for(world.reporter, kind=ComplaintKind.SERVICE),
        world.reporter.as_actor(),
        service_org_id=world.orgs["KOTA-PKL"].id,
    )
    world.clock.now = datetime(2027, 1, 4, 3, 0, tzinfo=UTC)
    next_year = await world.complaints.submit(draft_for(world.reporter), world.reporter.as_actor())
    assert [c.tracking_number for c in (first, second, service, next_year)] == [
        "LG-2026-000001",
        "LG-2026-000002",
        "PL-2026-000001",
        "LG-2027-000001",
    ]


async def test_a_service_complaint_goes_officer_then_official(world: World) -> None:
    complaint = await world.complaints.submit(
        draft_for(world.reporter, kind=ComplaintKind.SERVICE),
        world.actor("officer"),
        service_org_id=world.orgs["KOTA-PKL"].id,
    )
    officer_queue = await world.complaints.queue(world.orgs["KOTA-PKL"].id, world.admins["officer"].role)
    assert [c.id for c in officer_queue.items] == [complaint.id]
    city_queue = await world.complaints.queue(world.orgs["KOTA-PKL"].id, world.admins["city"].role)
    assert city_queue.items == []
    fired = await world.complaints.fire(
        complaint.id, world.actor("officer"), ST.ESCALATE, seen_version=1, reason="Perlu pejabat."
    )
    assert set(fired.notified_chat_ids) == {5001}
    fired = await world.complaints.fire(
        complaint.id, world.actor("official"), ST.RESOLVE, seen_version=2, result="Selesai."
    )
    assert fired.complaint.state == "resolved"
    assert 9001 in fired.notified_chat_ids


async def test_acting_retires_every_copy_of_the_card_and_confirms_to_the_actor(world: World) -> None:
    complaint = await world.complaints.submit(draft_for(world.reporter), world.reporter.as_actor())
    await world.complaints.fire(
        complaint.id,
        world.actor("province2"),
        T.DISPOSE,
        seen_version=1,
        target_org_id=world.orgs["KOTA-PKL"].id,
    )
    async with world.complaints.sessions() as session:
        rows = list(await session.scalars(select(models.OutboxMessage).order_by(models.OutboxMessage.id)))
    cards = {row.chat_id: row.id for row in rows if row.kind == "task" and row.complaint_version == 1}
    retired = {row.chat_id: row.payload["card_row_id"] for row in rows if row.kind == "card_handled"}
    assert retired == cards == {1001: cards[1001], 1002: cards[1002]}
    handled = next(row for row in rows if row.kind == "card_handled")
    assert (handled.payload["actor_name"], handled.payload["trigger"]) == ("Admin province2", "dispose")
    assert [row.chat_id for row in rows if row.kind == "action_done"] == [1002]


async def _disposed_by_province2_pressing_message_70(
    world: World, complaint_id: int
) -> list[models.OutboxMessage]:
    """The second province admin disposes to the city from message 70 of their chat; the outbox after."""
    await world.complaints.fire(
        complaint_id,
        world.actor("province2"),
        T.DISPOSE,
        seen_version=1,
        target_org_id=world.orgs["KOTA-PKL"].id,
        pressed_card=CardCopy(chat_id=1002, message_id=70),
    )
    async with world.complaints.sessions() as session:
        return list(await session.scalars(select(models.OutboxMessage).order_by(models.OutboxMessage.id)))


async def test_the_copy_the_actor_pressed_is_left_to_the_bot_and_every_other_is_retired(world: World) -> None:
    complaint = await world.complaints.submit(draft_for(world.reporter), world.reporter.as_actor())
    # Both province admins got the card as message 70 of their own chat; the other seat's copy is unsent.
    async with world.complaints.sessions.begin() as session:
        await session.execute(
            update(models.OutboxMessage)
            .where(models.OutboxMessage.kind == "task", models.OutboxMessage.chat_id.in_([1001, 1002]))
            .values(telegram_message_id=70)
        )
    rows = await _disposed_by_province2_pressing_message_70(world, complaint.id)
    cards = {row.chat_id: row.id for row in rows if row.kind == "task" and row.complaint_version == 1}
    retired = {row.chat_id: row.payload["card_row_id"] for row in rows if row.kind == "card_handled"}
    # The colleague's message 70 is another message than the actor's, though its id is the same.
    assert retired == {1001: cards[1001]}
    # The actor pressed a card: its toast and the edited card say it is done, no third message does.
    assert [row.chat_id for row in rows if row.kind == "action_done"] == []


async def test_a_pressed_copy_not_recorded_as_delivered_is_still_retired_by_the_outbox(world: World) -> None:
    complaint = await world.complaints.submit(draft_for(world.reporter), world.reporter.as_actor())
    # A card the bot sent itself (opened from the queue, say), not the outbox's copy in this chat.
    rows = await _disposed_by_province2_pressing_message_70(world, complaint.id)
    assert sorted(row.chat_id for row in rows if row.kind == "card_handled") == [1001, 1002]


async def test_the_reporter_rates_with_a_comment(world: World) -> None:
    complaint = await world.complaints.submit(draft_for(world.reporter), world.reporter.as_actor())
    path = [
        ("province", T.DISPOSE, {"target_org_id": world.orgs["KOTA-PKL"].id}),
        ("city", T.FORWARD, {"target_org_id": world.orgs["PKL-DPUPR"].id}),
        ("opd", T.ACCEPT, {}),
        ("opd", T.SUBMIT_RESULT, {"result": "Selesai."}),
        ("city", T.CONFIRM_RESULT, {}),
        ("province", T.APPROVE, {}),
    ]
    for version, (seat, trigger, args) in enumerate(path, start=1):
        await world.complaints.fire(complaint.id, world.actor(seat), trigger, seen_version=version, **args)
    done = await world.complaints.fire(
        complaint.id,
        world.reporter.as_actor(),
        T.ACKNOWLEDGE,
        seen_version=7,
        rating=4,
        comment=" Cepat, terima kasih ",
    )
    assert (done.complaint.rating, done.complaint.result_text, done.event.note) == (
        4,
        "Selesai.",
        "Cepat, terima kasih",
    )


async def test_the_card_gathers_what_an_admin_sees(world: World) -> None:
    complaint = await world.complaints.submit(
        draft_for(world.reporter, attachments=(AttachmentDraft("p1", AttachmentKind.PHOTO),)),
        world.reporter.as_actor(),
    )
    await world.complaints.fire(
        complaint.id,
        world.actor("province"),
        T.DISPOSE,
        seen_version=1,
        target_org_id=world.orgs["KOTA-PKL"].id,
    )
    await world.complaints.fire(
        complaint.id, world.actor("city"), T.RETURN_TO_PROVINCE, seen_version=2, reason="Bukan kota."
    )
    card = await world.complaints.card(complaint.id)
    assert card is not None
    assert card.reporter.full_name == "Rina Marlina"
    assert {org.code for org in card.orgs.values()} == {"JATENG", "KOTA-PKL"}
    assert [e.reason for e in card.history] == [None, None, "Bukan kota."]
    assert [a.telegram_file_id for a in card.attachments] == ["p1"]
    assert await world.complaints.card(999_999) is None


async def test_an_unreachable_reporter_is_reported_to_the_city(world: World) -> None:
    complaint = await world.complaints.submit(draft_for(world.reporter), world.reporter.as_actor())
    assert await world.complaints.reporter_unreachable(complaint.id, 1, "blocked") == (
        1001,
        1002,
    )  # no city yet
    await world.complaints.fire(
        complaint.id,
        world.actor("province"),
        T.DISPOSE,
        seen_version=1,
        target_org_id=world.orgs["KOTA-PKL"].id,
    )
    assert await world.complaints.reporter_unreachable(complaint.id, 2, "blocked") == (2001, 2002)


async def test_a_reporter_hears_of_a_complaint_an_officer_filed_for_them(world: World) -> None:
    complaint = await world.complaints.submit(draft_for(world.reporter), world.actor("officer"))
    async with world.complaints.sessions() as session:
        rows = await session.scalars(
            select(models.OutboxMessage).where(models.OutboxMessage.complaint_id == complaint.id)
        )
        assert sorted((row.chat_id, row.kind) for row in rows) == [
            (1001, "task"),
            (1002, "task"),
            # No "done" for the officer: the bot's answer to their recording confirmed it.
            (9001, "reporter_update"),
        ]
