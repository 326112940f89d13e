"""Every channel in storage: invites seat admins below, relays reach complainants not on Telegram, linking."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from storage import models
from storage.invites import AlreadySeated, InviteExpired, Invites, InviteUsed, NotBelow
from storage.linking import MAX_ATTEMPTS, Linking, LinkRefused, TooManyAttempts
from storage.relays import Relays, awaiting_relay, save_offline_reporter
from tests.conftest import World, draft_for
from workflow.actors import Role
from workflow.channels import Channel, ExternalReference, ExternalSystem
from workflow.definitions import S, T
from workflow.identity import Identity

CITIZEN = Identity("Siti Aminah", "3375014507900003", "+6281234561234", "Jl. Merdeka No. 3")


async def test_an_invite_seats_once_and_expires_after_48_hours(world: World) -> None:
    invites = Invites(world.complaints.sessions, clock=world.clock)
    city = world.admins["city"]
    invite = await invites.create(city, Role.OPD, world.orgs["PKL-DLH"].id)
    seat = await invites.redeem(invite.code, 7001, "Dewi")
    assert (seat.role, seat.org.code, seat.active) == (Role.OPD, "PKL-DLH", True)
    with pytest.raises(AlreadySeated):
        await invites.redeem(invite.code, 7001)
    with pytest.raises(InviteUsed):
        await invites.redeem(invite.code, 7002)

    late = await invites.create(city, Role.OFFICER, city.org.id)
    world.clock.advance(hours=48)
    with pytest.raises(InviteExpired):
        await invites.redeem(late.code, 7003)
    assert await world.directory.admins_of_user(7003) == []


async def test_admins_invite_and_deactivate_only_the_tier_below(world: World) -> None:
    invites = Invites(world.complaints.sessions, clock=world.clock)
    province, city = world.admins["province"], world.admins["city"]
    await invites.create(province, Role.CITY, world.orgs["KAB-BATANG"].id)
    for inviter, role, org in [
        (province, Role.OPD, "PKL-DLH"),
        (city, Role.CITY, "KOTA-PKL"),
        (city, Role.OPD, "BTG-DPU"),
        (city, Role.OFFICER, "KAB-BATANG"),
        (world.admins["opd"], Role.OPD, "PKL-DPUPR"),
    ]:
        with pytest.raises(NotBelow):
            await invites.create(inviter, role, world.orgs[org].id)
    below = {(seat.role, seat.org.code) for seat in await invites.admins_below(city)}
    assert below == {
        (Role.OPD, "PKL-DPUPR"),
        (Role.OPD, "PKL-DLH"),
        (Role.OFFICER, "KOTA-PKL"),
        (Role.OFFICIAL, "KOTA-PKL"),
    }
    with pytest.raises(NotBelow):
        await invites.deactivate_below(city, world.admins["city2"].id)
    await invites.deactivate_below(city, world.admins["opd"].id)
    assert await world.directory.admins_of_user(world.admins["opd"].telegram_id) == []


async def _offline_complaint(world: World, channel: Channel = Channel.TELEPHONE):  # type: ignore[no-untyped-def]
    reporter = await save_offline_reporter(
        world.complaints.sessions, identity=CITIZEN, contact="+6281234561234", contact_channel=channel
    )
    complaint = await world.complaints.submit(
        draft_for(
            reporter, channel=channel, external_ref=ExternalReference(ExternalSystem.WADUL_ALADIN, "WA-77")
        ),
        world.actor("officer"),
    )
    return reporter, complaint


async def test_a_complainant_off_telegram_is_told_through_the_officer_and_only_then_closed(
    world: World,
) -> None:
    relays = Relays(world.complaints.sessions, world.complaints)
    reporter, complaint = await _offline_complaint(world)
    assert reporter.telegram_id is None
    steps = [
        ("province", T.DISPOSE, {"target_org_id": world.orgs["KOTA-PKL"].id}),
        ("city", T.FORWARD, {"target_org_id": world.orgs["PKL-DPUPR"].id}),
        ("opd", T.ACCEPT, {}),
        ("opd", T.SUBMIT_RESULT, {"result": "Lubang sudah ditambal."}),
        ("city", T.CONFIRM_RESULT, {}),
        ("province", T.APPROVE, {}),
    ]
    version = complaint.version
    for seat, trigger, extra in steps:
        version = (
            await world.complaints.fire(
                complaint.id, world.actor(seat), trigger, seen_version=version, **extra
            )
        ).complaint.version
    pending = await relays.pending(world.admins["officer"])
    assert [relay.trigger for relay in pending] == [T.SUBMIT, T.FORWARD, T.ACCEPT, T.APPROVE]
    async with world.complaints.sessions() as session:
        chats = set(
            await session.scalars(
                select(models.OutboxMessage.chat_id).where(models.OutboxMessage.kind == "relay")
            )
        )
        waiting = await session.scalar(
            select(awaiting_relay()).select_from(models.Complaint).where(models.Complaint.id == complaint.id)
        )
    assert chats == {world.admins["officer"].telegram_id}
    assert waiting

    for relay in pending[:-1]:
        assert not (await relays.deliver(relay.id, world.admins["officer"])).closed
    assert (await world.complaints.get(complaint.id)).state == S.RESOLVED  # type: ignore[union-attr]
    with pytest.raises(Exception, match="no relay"):
        await relays.deliver(pending[-1].id, world.admins["opd"])
    done = await relays.deliver(pending[-1].id, world.admins["officer"])
    assert (done.first_time, done.closed) == (True, True)
    assert (await world.complaints.get(complaint.id)).state == S.CLOSED  # type: ignore[union-attr]
    again = await relays.deliver(pending[-1].id, world.admins["officer"])
    assert (again.first_time, again.closed) == (False, False)
    assert await relays.pending(world.admins["officer"]) == []


async def test_linking_needs_the_number_and_the_digits_and_stops_guessing(world: World) -> None:
    linking = Linking(world.complaints.sessions, clock=world.clock)
    _reporter, complaint = await _offline_complaint(world)
    other = await world.complaints.submit(draft_for(world.reporter), world.reporter.as_actor())
    refusals = [
        (complaint.tracking_number, "9999"),  # wrong digits
        ("LG-2026-999999", "1234"),  # no such number
        (other.tracking_number, world.reporter.phone[-4:]),  # already on Telegram
    ]
    messages = set()
    for number, digits in refusals:
        with pytest.raises(LinkRefused) as refused:
            await linking.link(8001, number, digits)
        messages.add(str(refused.value))
    assert len(messages) == 1

    linked = await linking.link(8001, complaint.tracking_number.lower(), "1234")
    assert linked.id == complaint.id
    reporter = await world.directory.reporter_by_telegram_id(8001)
    assert reporter is not None
    assert reporter.full_name == CITIZEN.full_name

    for _ in range(MAX_ATTEMPTS):
        with pytest.raises(LinkRefused):
            await linking.link(8002, complaint.tracking_number, "0000")
    with pytest.raises(TooManyAttempts):
        await linking.link(8002, complaint.tracking_number, "1234")
    world.clock.advance(hours=1, minutes=1)
    with pytest.raises(LinkRefused):  # linked already: the same answer as a wrong guess
        await linking.link(8002, complaint.tracking_number, "1234")


async def test_after_linking_notices_go_to_the_citizen_not_the_officer(world: World) -> None:
    linking = Linking(world.complaints.sessions, clock=world.clock)
    _reporter, complaint = await _offline_complaint(world)
    await linking.link(8001, complaint.tracking_number, "1234")
    await world.complaints.fire(
        complaint.id,
        world.actor("province"),
        T.DISPOSE,
        seen_version=complaint.version,
        target_org_id=world.orgs["KOTA-PKL"].id,
    )
    result = await world.complaints.fire(
        complaint.id,
        world.actor("city"),
        T.FORWARD,
        seen_version=complaint.version + 1,
        target_org_id=world.orgs["PKL-DPUPR"].id,
    )
    assert 8001 in result.notified_chat_ids
    assert world.admins["officer"].telegram_id not in result.notified_chat_ids
