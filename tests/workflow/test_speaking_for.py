"""Who may speak for the complainant, on both machines: an officer answers "solved / not solved",
acknowledges or rates only for a complainant the bot cannot reach; once the complainant is in the bot (linked
their Telegram account, or never left it), the answers are theirs alone."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.workflow.test_machine import (
    CITY,
    OFFICER,
    OTHER_CITY,
    REPORTER,
    at,
    fire,
    service_complaint,
)
from workflow.actors import Actor, Role
from workflow.definitions import SS, ST, S, T
from workflow.engine import SPEAKS_FOR_THEMSELVES, ComplaintSnapshot, workflow_for
from workflow.errors import NotPermitted

OTHER_OFFICER = Actor(Role.OFFICER, org_id=OTHER_CITY.id)


def laporgub_resolved(*, in_bot: bool) -> ComplaintSnapshot:
    return replace(at(S.RESOLVED), complainant_in_bot=in_bot)


def service_responded(*, in_bot: bool) -> ComplaintSnapshot:
    recorded = replace(service_complaint(), complainant_in_bot=in_bot)
    return fire(recorded, OFFICER, ST.RESPOND, result="Formulir sudah kami kirim ulang.")


ANSWERS = [
    (laporgub_resolved, T.ACKNOWLEDGE, {}),
    (service_responded, ST.CONFIRM_SOLVED, {}),
    (service_responded, ST.NOT_SOLVED, {"reason": "Belum ada yang menghubungi saya."}),
]
IDS = ["laporgub-acknowledge", "service-solved", "service-not-solved"]


@pytest.mark.parametrize(("complaint_at", "trigger", "args"), ANSWERS, ids=IDS)
def test_an_officer_answers_for_a_complainant_the_bot_cannot_reach(
    complaint_at: object, trigger: str, args: dict[str, str]
) -> None:
    complaint = complaint_at(in_bot=False)  # type: ignore[operator]
    workflow = workflow_for(complaint.kind)
    assert trigger in [step.trigger for step in workflow.allowed_triggers(OFFICER, complaint)]
    moved = fire(complaint, OFFICER, trigger, **args)
    assert moved.version == complaint.version + 1
    # ...but only the office handling it.
    with pytest.raises(NotPermitted):
        fire(complaint, OTHER_OFFICER, trigger, **args)


@pytest.mark.parametrize(("complaint_at", "trigger", "args"), ANSWERS, ids=IDS)
def test_a_complainant_in_the_bot_answers_for_themselves_and_no_officer_may(
    complaint_at: object, trigger: str, args: dict[str, str]
) -> None:
    complaint = complaint_at(in_bot=True)  # type: ignore[operator]
    workflow = workflow_for(complaint.kind)
    assert workflow.allowed_triggers(OFFICER, complaint) == []
    with pytest.raises(NotPermitted) as refusal:
        fire(complaint, OFFICER, trigger, **args)
    assert SPEAKS_FOR_THEMSELVES in str(refusal.value)
    assert trigger in [step.trigger for step in workflow.allowed_triggers(REPORTER, complaint)]
    assert fire(complaint, REPORTER, trigger, **args).version == complaint.version + 1


def test_linking_hands_the_answer_back_to_the_complainant() -> None:
    """The same complaint, before and after its complainant linked their Telegram account."""
    offline = service_responded(in_bot=False)
    linked = replace(offline, complainant_in_bot=True)
    assert [s.trigger for s in workflow_for(offline.kind).allowed_triggers(OFFICER, offline)] == [
        ST.CONFIRM_SOLVED,
        ST.NOT_SOLVED,
    ]
    assert workflow_for(linked.kind).allowed_triggers(OFFICER, linked) == []


def test_the_rule_touches_only_the_complainant_s_answers() -> None:
    """An officer still records, responds and escalates for anyone: those steps are the office's own."""
    in_bot = replace(service_complaint(), complainant_in_bot=True)
    assert (in_bot.state, in_bot.city_org_id) == (SS.RECORDED, CITY.id)
    allowed = {step.trigger for step in workflow_for(in_bot.kind).allowed_triggers(OFFICER, in_bot)}
    assert allowed == {ST.RESPOND, ST.ESCALATE}
