"""Who may speak for the complainant, through the bot (local Bot API server, polling and webhook, SQLite and
PostgreSQL): an officer's answer for a complainant who is in the bot is refused with that reason, on both
machines; an officer answers for a complainant off Telegram until that complainant links the complaint, and
from then on the answer is theirs."""

from __future__ import annotations

import pytest

from bot.dev.local_api import LocalBotApi
from bot.ui.admin_callbacks import ActionCb, code_of
from storage.views import ComplaintInfo
from tests.conftest import World, draft_for
from tests.e2e.admin_desk import forge_press
from tests.e2e.chat import Reporter
from tests.e2e.notifications import STEPS, AdminChat, take_through
from tests.e2e.officer_desk import desk_bot, record, tracking_number_in
from tests.e2e.test_service_complaints import GRIEVANCE_AT_DESK, RESPONSE, _desk, _moved
from workflow.channels import Channel
from workflow.definitions import SS, ST, ComplaintKind, S, T

__all__ = ["desk_bot"]  # the fixture, used by name below


async def _forged_answer(api: LocalBotApi, officer: AdminChat, complaint: ComplaintInfo, trigger: str) -> str:
    """The officer's client sends the answer button the bot did not give them; the toast it gets back."""
    anchor = officer.user.chat().bot_messages()[-1]
    data = ActionCb(c=complaint.id, v=complaint.version, t=code_of(trigger)).pack()
    forge_press(api, officer.user.id, anchor.message_id, data)
    return await _toast(officer)


async def _toast(chat: AdminChat) -> str:
    while not (text := str((await chat.user.wait_for_toast(timeout=10.0))["text"])):
        pass
    return text


async def _responded(world: World, complaint: ComplaintInfo) -> ComplaintInfo:
    moved = await world.complaints.fire(
        complaint.id, world.actor("officer"), ST.RESPOND, seen_version=complaint.version, result=RESPONSE
    )
    return moved.complaint


@pytest.mark.usefixtures("desk_bot")
async def test_an_officer_may_not_answer_for_a_complainant_in_the_bot_on_either_machine(
    local_api: LocalBotApi, world: World
) -> None:
    officer = await _desk(local_api, world, "officer")
    reporter = world.reporter
    laporgub = await world.complaints.submit(draft_for(reporter), reporter.as_actor())
    resolved = await take_through(world, laporgub, STEPS)
    assert (resolved.state, resolved.complainant_in_bot) == (S.RESOLVED, True)
    service = await world.complaints.submit(
        draft_for(reporter, kind=ComplaintKind.SERVICE),
        reporter.as_actor(),
        service_org_id=world.orgs["KOTA-PKL"].id,
    )
    responded = await _responded(world, service)

    refusal = officer.t.plain("admin.refused.complainant_answers")
    for complaint, trigger in (
        (resolved, T.ACKNOWLEDGE),
        (responded, ST.CONFIRM_SOLVED),
        (responded, ST.NOT_SOLVED),
    ):
        assert await _forged_answer(local_api, officer, complaint, trigger) == refusal
    assert (await world.complaints.get(resolved.id)).state == S.RESOLVED  # type: ignore[union-attr]
    assert (await world.complaints.get(responded.id)).state == SS.RESPONDED  # type: ignore[union-attr]


@pytest.mark.usefixtures("desk_bot")
async def test_once_the_complainant_links_the_complaint_the_answer_is_theirs(
    local_api: LocalBotApi, world: World
) -> None:
    officer = await _desk(local_api, world, "officer")
    call = await record(
        officer, kind=ComplaintKind.SERVICE, channel=Channel.TELEPHONE, answers=GRIEVANCE_AT_DESK
    )
    recorded = await world.complaints.by_tracking_number(tracking_number_in(call))
    assert recorded is not None
    assert not recorded.complainant_in_bot  # off Telegram: the officer answers for them
    responded = await _responded(world, recorded)
    answer_card = await officer.next_where(
        lambda m: (
            (m.text or "").startswith(f"📋 {responded.tracking_number}")
            and officer.t.plain("admin.btn.confirm_solved") in m.button_texts
        ),
        "the card to answer for the caller",
    )

    citizen = Reporter(local_api.user(8402, "Karsinah"))
    await citizen.command("/link", f"{responded.tracking_number} 1234")
    linked = await citizen.next_where(
        lambda m: responded.tracking_number in (m.text or "") and bool(m.buttons), "the link, with the answer"
    )
    after = await world.complaints.get(responded.id)
    assert after is not None
    assert after.complainant_in_bot

    await officer.press_action(answer_card, ST.CONFIRM_SOLVED)
    assert await _toast(officer) == officer.t.plain("admin.refused.complainant_answers")
    assert (await world.complaints.get(responded.id)).state == SS.RESPONDED  # type: ignore[union-attr]

    await citizen.press(linked, "service.btn.solved")
    await citizen.expect_key("service.solved", number=responded.tracking_number)
    solved = await _moved(world, responded, SS.SOLVED)
    assert solved.state == SS.SOLVED
    history = await world.complaints.history(responded.id)
    assert history[-1].actor_role == "reporter"


@pytest.mark.usefixtures("desk_bot")
async def test_an_officer_s_forged_forward_is_refused_for_its_role_not_its_queue(
    local_api: LocalBotApi, world: World
) -> None:
    officer = await _desk(local_api, world, "officer")
    filed = await world.complaints.submit(draft_for(world.reporter), world.reporter.as_actor())
    at_city = await take_through(world, filed, STEPS[:1])
    assert (at_city.state, at_city.current_org_id) == (S.AT_CITY, world.admins["officer"].org.id)
    toast = await _forged_answer(local_api, officer, at_city, T.FORWARD)
    assert toast == officer.t.plain("admin.refused.wrong_role")
    assert (await world.complaints.get(at_city.id)).state == S.AT_CITY  # type: ignore[union-attr]


@pytest.mark.usefixtures("desk_bot")
async def test_a_linked_citizen_acknowledges_their_laporgub_result_themselves(
    local_api: LocalBotApi, world: World
) -> None:
    officer = await _desk(local_api, world, "officer")
    phoned = await record(officer, channel=Channel.TELEPHONE, contact="081234561234")
    recorded = await world.complaints.by_tracking_number(tracking_number_in(phoned))
    assert recorded is not None
    resolved = await take_through(world, recorded, STEPS)
    assert resolved.state == S.RESOLVED

    citizen = Reporter(local_api.user(8403, "Karsinah"))
    await citizen.command("/link", f"{resolved.tracking_number} 1234")
    result = STEPS[3][2]["result"]
    linked = await citizen.next_where(
        lambda m: result in (m.text or "") and bool(m.buttons), "the link, with the result to acknowledge"
    )
    # The officer may no longer acknowledge for them...
    refusal = await _forged_answer(local_api, officer, resolved, T.ACKNOWLEDGE)
    assert refusal == officer.t.plain("admin.refused.complainant_answers")
    # ...the citizen does.
    await citizen.press(linked, "btn.result.received")
    await citizen.expect_key("result.thanks", number=resolved.tracking_number)
    closed = await _moved(world, resolved, S.CLOSED)
    assert closed.state == S.CLOSED
    history = await world.complaints.history(resolved.id)
    assert history[-1].actor_role == "reporter"
