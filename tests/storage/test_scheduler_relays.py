"""Auto-close waits for the officer: a complainant off Telegram hears of the result (or of the response to
their complaint about the service) only through them."""

from __future__ import annotations

from storage.relays import Relays, save_offline_reporter
from storage.scheduler import run_scheduler_once
from tests.conftest import World, draft_for
from workflow.calendar import WorkingCalendar
from workflow.channels import Channel, ExternalReference, ExternalSystem
from workflow.definitions import SS, ST, ComplaintKind, S, T
from workflow.identity import Identity

CITIZEN = Identity("Siti Aminah", "3375014507900003", "+6281234561234", "Jl. Merdeka No. 3")


async def _resolved(world: World, complaint_id: int, version: int) -> int:
    steps = [
        ("province", T.DISPOSE, {"target_org_id": world.orgs["KOTA-PKL"].id}),
        ("city", T.FORWARD, {"target_org_id": world.orgs["PKL-DPUPR"].id}),
        ("opd", T.ACCEPT, {}),
        ("opd", T.SUBMIT_RESULT, {"result": "Lubang sudah ditambal."}),
        ("city", T.CONFIRM_RESULT, {}),
        ("province", T.APPROVE, {}),
    ]
    for seat, trigger, extra in steps:
        moved = await world.complaints.fire(
            complaint_id, world.actor(seat), trigger, seen_version=version, **extra
        )
        version = moved.complaint.version
    return version


async def test_a_result_awaiting_its_relay_is_not_auto_closed(world: World) -> None:
    offline = await save_offline_reporter(
        world.complaints.sessions,
        identity=CITIZEN,
        contact="+6281234561234",
        contact_channel=Channel.TELEPHONE,
    )
    recorded = await world.complaints.submit(
        draft_for(
            offline,
            channel=Channel.TELEPHONE,
            external_ref=ExternalReference(ExternalSystem.WADUL_ALADIN, "WA-78"),
        ),
        world.actor("officer"),
    )
    on_telegram = await world.complaints.submit(draft_for(world.reporter), world.reporter.as_actor())
    await _resolved(world, recorded.id, recorded.version)
    await _resolved(world, on_telegram.id, on_telegram.version)
    relays = Relays(world.complaints.sessions, world.complaints)
    pending = await relays.pending(world.admins["officer"])
    # The officer passed on every milestone but the result.
    for relay in pending:
        if relay.trigger != T.APPROVE:
            await relays.deliver(relay.id, world.admins["officer"])

    world.clock.advance(days=30)  # far past 10 working days
    report = await run_scheduler_once(world.complaints.sessions, WorkingCalendar(), world.clock)

    assert report.auto_closed == (on_telegram.id,)
    assert (await world.complaints.get(recorded.id)).state == S.RESOLVED  # type: ignore[union-attr]
    assert (await world.complaints.get(on_telegram.id)).state == S.CLOSED  # type: ignore[union-attr]


async def test_a_service_response_awaiting_its_relay_is_not_taken_as_solved(world: World) -> None:
    caller = await save_offline_reporter(
        world.complaints.sessions,
        identity=CITIZEN,
        contact="+6281234561234",
        contact_channel=Channel.TELEPHONE,
    )
    complaint = await world.complaints.submit(
        draft_for(caller, kind=ComplaintKind.SERVICE, channel=Channel.TELEPHONE),
        world.actor("officer"),
        service_org_id=world.orgs["KOTA-PKL"].id,
    )
    await world.complaints.fire(
        complaint.id, world.actor("officer"), ST.RESPOND, seen_version=1, result="Sudah kami jelaskan."
    )
    relays = Relays(world.complaints.sessions, world.complaints)
    officer = world.admins["officer"]
    assert ST.RESPOND in [relay.trigger for relay in await relays.pending(officer)]

    world.clock.advance(days=30)  # far past 10 working days
    report = await run_scheduler_once(world.complaints.sessions, WorkingCalendar(), world.clock)
    assert (report.auto_closed, report.notices) == ((), {})  # no chat to remind, no closing before told
    assert (await world.complaints.get(complaint.id)).state == SS.RESPONDED  # type: ignore[union-attr]

    # Once the officer has passed the response on, the caller's silence counts as for anyone.
    for relay in await relays.pending(officer):
        await relays.deliver(relay.id, officer)
    report = await run_scheduler_once(world.complaints.sessions, WorkingCalendar(), world.clock)
    assert report.auto_closed == (complaint.id,)
    assert (await world.complaints.get(complaint.id)).state == SS.SOLVED  # type: ignore[union-attr]
    # The caller is told through the officer, as of every milestone.
    assert [relay.trigger for relay in await relays.pending(officer)] == [ST.AUTO_CLOSE]
