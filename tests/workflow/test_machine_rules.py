"""The rules live in the `transitions` machine itself: its transitions' conditions refuse a step, with the
reason, when a complaint is attached to the bare machine and no code of ours around it decides anything."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.workflow.test_machine import (
    CITY,
    CITY_ADMIN,
    OFFICER,
    OPD,
    OPD_ADMIN,
    OTHER_CITY,
    OTHER_CITY_ADMIN,
    OTHER_REPORTER,
    PROVINCE_ADMIN,
    REPORTER,
    SYSTEM,
    at,
    fire,
    service_complaint,
)
from workflow.actors import Actor, Role
from workflow.definitions import LAPORGUB, SERVICE, SS, ST, S, T, WorkflowDefinition
from workflow.engine import (
    NOT_HANDLING_OFFICE,
    NOT_OWN_COMPLAINT,
    NOT_THEIR_COMPLAINT,
    SPEAKS_FOR_THEMSELVES,
    WRONG_ROLE,
    Attempt,
    ComplaintSnapshot,
    Inputs,
    Workflow,
    rule_names,
    taken_by,
    workflow_for,
)
from workflow.errors import InvalidTransition, NotPermitted, ReasonRequired, StaleVersion, WorkflowError

OTHER_OFFICER = Actor(Role.OFFICER, org_id=OTHER_CITY.id)


def ask_bare_machine(
    actor: Actor, complaint: ComplaintSnapshot, trigger: str, *, seen_version: int | None = None
) -> tuple[bool, bool, Attempt]:
    """Attach the complaint to the workflow's machine and ask it, then fire it, through `transitions` only."""
    machine = workflow_for(complaint.kind).machine
    attempt = Attempt(
        actor,
        complaint,
        seen_version=complaint.version if seen_version is None else seen_version,
        inputs=Inputs(reason="x", result="x"),
    )
    machine.add_model(attempt, initial=str(complaint.state))
    try:
        may = getattr(attempt, f"may_{trigger}")()
        fired = getattr(attempt, trigger)()
    finally:
        machine.remove_model(attempt)
    return may, fired, attempt


def assert_idle(workflow: Workflow) -> None:
    """Between asks, the machine's one attempt holds no complaint (version -1 never exists)."""
    (attempt,) = workflow.machine.models
    assert (attempt.complaint.version, attempt.inputs, attempt.actor.role) == (-1, None, Role.SYSTEM)


REFUSED_BY_THE_MACHINE = [
    ("wrong role", lambda: at(S.AT_CITY), PROVINCE_ADMIN, T.FORWARD, WRONG_ROLE),
    ("another organisation", lambda: at(S.AT_CITY), OTHER_CITY_ADMIN, T.FORWARD, NOT_THEIR_COMPLAINT),
    ("another reporter", lambda: at(S.RESOLVED), OTHER_REPORTER, T.ACKNOWLEDGE, NOT_OWN_COMPLAINT),
    ("complainant in the bot", lambda: at(S.RESOLVED), OFFICER, T.ACKNOWLEDGE, SPEAKS_FOR_THEMSELVES),
    (
        "not the handling office",
        lambda: replace(at(S.RESOLVED), complainant_in_bot=False, current_org_id=OTHER_CITY.id),
        OTHER_OFFICER,
        T.ACKNOWLEDGE,
        NOT_HANDLING_OFFICE,
    ),
    ("the system, early", lambda: at(S.AT_CITY), SYSTEM, T.FORWARD, WRONG_ROLE),
]


@pytest.mark.parametrize(
    ("make", "actor", "trigger", "why"),
    [case[1:] for case in REFUSED_BY_THE_MACHINE],
    ids=[case[0] for case in REFUSED_BY_THE_MACHINE],
)
def test_the_bare_machine_refuses_and_says_why(make: object, actor: Actor, trigger: str, why: str) -> None:
    complaint = make()  # type: ignore[operator]
    may, fired, attempt = ask_bare_machine(actor, complaint, trigger)
    assert (may, fired) == (False, False)
    assert attempt.state == complaint.state  # the machine did not move it
    assert isinstance(attempt.refused, NotPermitted)
    assert attempt.refused.why == why
    # The workflow's own answers are the machine's.
    workflow = workflow_for(complaint.kind)
    assert workflow.refusal(actor, complaint, trigger) == why
    assert trigger not in [step.trigger for step in workflow.allowed_triggers(actor, complaint)]


def test_the_bare_machine_moves_a_complaint_its_rules_allow() -> None:
    complaint = at(S.AT_OPD)
    may, fired, attempt = ask_bare_machine(OPD_ADMIN, complaint, T.ACCEPT)
    assert (may, fired, attempt.refused) == (True, True, None)
    assert attempt.state == S.IN_FOLLOW_UP


def test_the_bare_machine_refuses_a_stale_view() -> None:
    complaint = at(S.AT_CITY)
    may, fired, attempt = ask_bare_machine(
        CITY_ADMIN, complaint, T.FORWARD, seen_version=complaint.version - 1
    )
    assert (may, fired) == (False, False)
    assert isinstance(attempt.refused, StaleVersion)
    assert (attempt.refused.seen, attempt.refused.current) == (complaint.version - 1, complaint.version)


def test_the_bare_machine_wants_a_reason_only_when_firing() -> None:
    complaint = at(S.AT_PROVINCE)
    machine = workflow_for(complaint.kind).machine
    asking = Attempt(PROVINCE_ADMIN, complaint, seen_version=complaint.version)
    firing = Attempt(PROVINCE_ADMIN, complaint, seen_version=complaint.version, inputs=Inputs(reason=None))
    machine.add_model([asking, firing], initial=str(complaint.state))
    try:
        assert asking.may_trigger(T.REJECT)  # the button is offered; the reason is asked for after the press
        assert not getattr(firing, T.REJECT)()
    finally:
        machine.remove_model([asking, firing])
    assert isinstance(firing.refused, ReasonRequired)
    assert firing.state == S.AT_PROVINCE


@pytest.mark.parametrize("definition", [LAPORGUB, SERVICE], ids=lambda d: str(d.kind))
def test_every_transition_carries_its_rules_as_conditions(definition: WorkflowDefinition) -> None:
    workflow = workflow_for(definition.kind)
    for step in definition.steps:
        (transition,) = workflow.machine.events[step.trigger].transitions[step.source]
        assert transition.dest == step.dest
        assert taken_by(transition) == step.roles
        names = rule_names(transition)
        assert names[0] == "own_complaint"
        assert {"saw_current_version", "takes_the_step", "has_what_it_needs"} <= set(names)
        # A new complaint sits in no organisation's queue yet: the officer recording it needs none.
        initial = step.source == definition.initial
        assert ("organisation_sees_it" in names) is not initial
        waits_on_complainant = not initial and definition.holders[step.source] is Role.REPORTER
        assert ("answers_for_the_complainant" in names) is waits_on_complainant
        assert ("in_their_queue" in names) is not (initial or waits_on_complainant)


def test_a_press_is_checked_by_the_machine_without_its_inputs() -> None:
    complaint = at(S.AT_CITY)
    workflow = workflow_for(complaint.kind)
    step = workflow.check(CITY_ADMIN, complaint, T.RETURN_TO_PROVINCE, seen_version=complaint.version)
    assert (step.source, step.dest, step.needs_reason) == (S.AT_CITY, S.AT_PROVINCE, True)
    assert_idle(workflow)
    with pytest.raises(NotPermitted) as refused:
        workflow.check(PROVINCE_ADMIN, complaint, T.FORWARD, seen_version=complaint.version)
    assert refused.value.why == WRONG_ROLE
    assert_idle(workflow)


PRESS_ORDER = [
    # Someone else's complaint is refused as such before a stale view, which would tell who handled it...
    ("foreign and stale", OTHER_CITY_ADMIN, T.FORWARD, -1, NotPermitted),
    ("foreign, made up", OTHER_CITY_ADMIN, T.APPROVE, 0, NotPermitted),
    # ...a stale view as stale, even where the step is gone from the state the complaint moved to...
    ("own, stale", CITY_ADMIN, T.FORWARD, -1, StaleVersion),
    ("own, stale, gone", CITY_ADMIN, T.APPROVE, -1, StaleVersion),
    # ...and a step the state never had, on a current view, as made up.
    ("own, made up", CITY_ADMIN, T.APPROVE, 0, InvalidTransition),
]


@pytest.mark.parametrize(
    ("actor", "trigger", "seen_offset", "error"),
    [case[1:] for case in PRESS_ORDER],
    ids=[case[0] for case in PRESS_ORDER],
)
def test_which_refusal_a_press_gets(
    actor: Actor, trigger: str, seen_offset: int, error: type[WorkflowError]
) -> None:
    complaint = at(S.AT_CITY)
    workflow = workflow_for(complaint.kind)
    with pytest.raises(error) as refused:
        workflow.check(actor, complaint, trigger, seen_version=complaint.version + seen_offset)
    if isinstance(refused.value, NotPermitted):
        assert refused.value.why == NOT_THEIR_COMPLAINT
    with pytest.raises(error):
        workflow.fire(
            actor,
            complaint,
            trigger,
            seen_version=complaint.version + seen_offset,
            target=OPD,
            current_org=CITY,
        )


def test_a_refused_fire_leaves_the_machine_holding_nothing() -> None:
    complaint = at(S.AT_CITY)
    workflow = workflow_for(complaint.kind)
    with pytest.raises(NotPermitted):
        fire(complaint, OTHER_CITY_ADMIN, T.FORWARD, target=OPD)
    assert_idle(workflow)


def test_the_service_machine_refuses_the_system_where_staff_hold_the_complaint() -> None:
    recorded = service_complaint()
    assert recorded.state == SS.RECORDED
    with pytest.raises(InvalidTransition):
        workflow_for(recorded.kind).check(SYSTEM, recorded, ST.AUTO_CLOSE, seen_version=recorded.version)
    responded = fire(recorded, OFFICER, ST.RESPOND, result="Sudah kami jawab.")
    may, fired, attempt = ask_bare_machine(REPORTER, responded, ST.AUTO_CLOSE)
    assert (may, fired, attempt.refused.why if isinstance(attempt.refused, NotPermitted) else None) == (
        False,
        False,
        WRONG_ROLE,
    )


def test_a_state_the_machine_never_had_offers_nothing_and_moves_nowhere() -> None:
    complaint = replace(at(S.AT_CITY), state="archived")
    workflow = workflow_for(complaint.kind)
    assert workflow.allowed_triggers(CITY_ADMIN, complaint) == []
    with pytest.raises(InvalidTransition):
        workflow.check(CITY_ADMIN, complaint, T.FORWARD, seen_version=complaint.version)
    with pytest.raises(InvalidTransition):
        fire(complaint, CITY_ADMIN, T.FORWARD, target=OPD)
    assert_idle(workflow)
