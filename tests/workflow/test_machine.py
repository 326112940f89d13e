"""The workflow machines, as pure domain: every path, every refusal."""

from __future__ import annotations

import itertools
from dataclasses import replace

import pytest

from workflow.actors import Actor, Organisation, OrgKind, Role
from workflow.definitions import LAPORGUB, SERVICE, SS, ST, ComplaintKind, S, T, WorkflowDefinition
from workflow.engine import ComplaintSnapshot, Move, workflow_for
from workflow.errors import (
    InvalidTarget,
    InvalidTransition,
    NotPermitted,
    ReasonRequired,
    ResultRequired,
    StaleVersion,
)

PROVINCE = Organisation(1, OrgKind.PROVINCE, "JATENG", "Pemprov Jateng")
CITY = Organisation(2, OrgKind.CITY, "KOTA-PKL", "Dinkominfo Kota Pekalongan", parent_id=1)
OTHER_CITY = Organisation(3, OrgKind.CITY, "KAB-BATANG", "Diskominfo Kab. Batang", parent_id=1)
OPD = Organisation(4, OrgKind.OPD, "PKL-DPUPR", "DPUPR Kota Pekalongan", parent_id=2)
OTHER_CITY_OPD = Organisation(5, OrgKind.OPD, "BTG-DPU", "DPU Kab. Batang", parent_id=3)
INACTIVE_OPD = Organisation(6, OrgKind.OPD, "PKL-OLD", "Dinas lama", parent_id=2, active=False)
ORGS = {org.id: org for org in (PROVINCE, CITY, OTHER_CITY, OPD, OTHER_CITY_OPD, INACTIVE_OPD)}

REPORTER = Actor(Role.REPORTER, reporter_id=7)
OTHER_REPORTER = Actor(Role.REPORTER, reporter_id=8)
PROVINCE_ADMIN = Actor(Role.PROVINCE, org_id=PROVINCE.id)
CITY_ADMIN = Actor(Role.CITY, org_id=CITY.id)
OTHER_CITY_ADMIN = Actor(Role.CITY, org_id=OTHER_CITY.id)
OPD_ADMIN = Actor(Role.OPD, org_id=OPD.id)
OTHER_OPD_ADMIN = Actor(Role.OPD, org_id=OTHER_CITY_OPD.id)
OFFICER = Actor(Role.OFFICER, org_id=CITY.id)
OFFICIAL = Actor(Role.OFFICIAL, org_id=CITY.id)
SYSTEM = Actor(Role.SYSTEM)

LAPORGUB_WORKFLOW = workflow_for(ComplaintKind.LAPORGUB)
SERVICE_WORKFLOW = workflow_for(ComplaintKind.SERVICE)


def new_complaint() -> ComplaintSnapshot:
    return ComplaintSnapshot(
        kind=ComplaintKind.LAPORGUB,
        state=S.DRAFT,
        version=0,
        reporter_id=REPORTER.reporter_id,
        current_org_id=None,
        province_org_id=PROVINCE.id,
    )


def fire(complaint: ComplaintSnapshot, actor: Actor, trigger: str, **args: object) -> ComplaintSnapshot:
    target = args.pop("target", None)
    current = ORGS.get(complaint.current_org_id) if complaint.current_org_id else None
    move: Move = workflow_for(complaint.kind).fire(
        actor, complaint, trigger, seen_version=complaint.version, target=target, current_org=current, **args
    )
    assert move.after.version == complaint.version + 1
    return move.after


def at(state: str) -> ComplaintSnapshot:
    """A complaint brought to `state` along the standard's main path."""
    path: list[tuple[Actor, str, dict[str, object]]] = [
        (REPORTER, T.SUBMIT, {}),
        (PROVINCE_ADMIN, T.DISPOSE, {"target": CITY}),
        (CITY_ADMIN, T.FORWARD, {"target": OPD}),
        (OPD_ADMIN, T.ACCEPT, {}),
        (OPD_ADMIN, T.SUBMIT_RESULT, {"result": "Lubang sudah ditambal."}),
        (CITY_ADMIN, T.CONFIRM_RESULT, {}),
        (PROVINCE_ADMIN, T.APPROVE, {}),
        (REPORTER, T.ACKNOWLEDGE, {}),
    ]
    complaint = new_complaint()
    for actor, trigger, args in path:
        if complaint.state == state:
            return complaint
        complaint = fire(complaint, actor, trigger, **dict(args))
    assert complaint.state == state
    return complaint


def test_the_seven_steps_carry_a_complaint_to_the_reporter() -> None:
    complaint = new_complaint()
    complaint = fire(complaint, REPORTER, T.SUBMIT)
    assert (complaint.state, complaint.current_org_id) == (S.AT_PROVINCE, PROVINCE.id)
    complaint = fire(complaint, PROVINCE_ADMIN, T.DISPOSE, target=CITY)
    assert (complaint.state, complaint.current_org_id, complaint.city_org_id) == (S.AT_CITY, CITY.id, CITY.id)
    complaint = fire(complaint, CITY_ADMIN, T.FORWARD, target=OPD)
    assert (complaint.state, complaint.current_org_id, complaint.opd_org_id) == (S.AT_OPD, OPD.id, OPD.id)
    complaint = fire(complaint, OPD_ADMIN, T.ACCEPT)
    assert (complaint.state, complaint.current_org_id) == (S.IN_FOLLOW_UP, OPD.id)
    complaint = fire(complaint, OPD_ADMIN, T.SUBMIT_RESULT, result="Lubang sudah ditambal.")
    assert (complaint.state, complaint.current_org_id) == (S.RESULT_AT_CITY, CITY.id)
    complaint = fire(complaint, CITY_ADMIN, T.CONFIRM_RESULT)
    assert (complaint.state, complaint.current_org_id) == (S.RESULT_AT_PROVINCE, PROVINCE.id)
    complaint = fire(complaint, PROVINCE_ADMIN, T.APPROVE)
    assert complaint.state == S.RESOLVED
    assert LAPORGUB_WORKFLOW.holder(complaint.state) is Role.REPORTER
    complaint = fire(complaint, REPORTER, T.ACKNOWLEDGE)
    assert complaint.state == S.CLOSED
    assert complaint.version == 8
    assert LAPORGUB_WORKFLOW.is_final(complaint.state)


def test_an_officer_records_a_complaint_for_a_citizen() -> None:
    assert fire(new_complaint(), OFFICER, T.SUBMIT).state == S.AT_PROVINCE


def test_city_returns_to_province_with_a_reason() -> None:
    complaint = fire(at(S.AT_CITY), CITY_ADMIN, T.RETURN_TO_PROVINCE, reason="Kewenangan provinsi (SMA).")
    assert (complaint.state, complaint.current_org_id) == (S.AT_PROVINCE, PROVINCE.id)
    # The province can then send it to the right city.
    complaint = fire(complaint, PROVINCE_ADMIN, T.DISPOSE, target=OTHER_CITY)
    assert (complaint.current_org_id, complaint.city_org_id) == (OTHER_CITY.id, OTHER_CITY.id)


def test_opd_returns_to_city_with_a_reason() -> None:
    complaint = fire(at(S.AT_OPD), OPD_ADMIN, T.RETURN_TO_CITY, reason="Bukan tugas dan fungsi kami.")
    assert (complaint.state, complaint.current_org_id) == (S.AT_CITY, CITY.id)


def test_city_sends_a_result_back_for_revision() -> None:
    complaint = fire(at(S.RESULT_AT_CITY), CITY_ADMIN, T.REQUEST_REVISION, reason="Lampirkan foto.")
    assert (complaint.state, complaint.current_org_id) == (S.IN_FOLLOW_UP, OPD.id)


def test_province_returns_a_result_to_the_city() -> None:
    complaint = fire(
        at(S.RESULT_AT_PROVINCE), PROVINCE_ADMIN, T.RETURN_RESULT, reason="Belum menjawab aduan."
    )
    assert (complaint.state, complaint.current_org_id) == (S.RESULT_AT_CITY, CITY.id)


def test_province_rejects_a_matter_that_is_not_laporgub() -> None:
    complaint = fire(at(S.AT_PROVINCE), PROVINCE_ADMIN, T.REJECT, reason="Bukan aduan pelayanan publik.")
    assert complaint.state == S.REJECTED
    assert LAPORGUB_WORKFLOW.is_final(S.REJECTED)


def test_the_system_closes_a_resolved_complaint_the_reporter_left_unanswered() -> None:
    assert fire(at(S.RESOLVED), SYSTEM, T.AUTO_CLOSE).state == S.CLOSED


# Every (state, trigger) pair the machine does not define must be refused as an invalid transition.
UNDEFINED = [
    (definition, state, trigger)
    for definition in (LAPORGUB, SERVICE)
    for state, trigger in itertools.product(definition.states, sorted({s.trigger for s in definition.steps}))
    if (state, trigger) not in {(s.source, s.trigger) for s in definition.steps}
]


@pytest.mark.parametrize(
    ("definition", "state", "trigger"), UNDEFINED, ids=[f"{d.kind}-{s}-{t}" for d, s, t in UNDEFINED]
)
def test_every_undefined_trigger_is_an_invalid_transition(
    definition: WorkflowDefinition, state: str, trigger: str
) -> None:
    complaint = ComplaintSnapshot(
        definition.kind, state, 3, REPORTER.reporter_id, CITY.id, PROVINCE.id, CITY.id
    )
    actor = Actor(Role.PROVINCE, org_id=CITY.id)
    with pytest.raises(InvalidTransition) as raised:
        workflow_for(definition.kind).fire(actor, complaint, trigger, seen_version=3, reason="x", result="x")
    assert (raised.value.state, raised.value.trigger) == (state, trigger)
    assert state in str(raised.value)
    assert trigger in str(raised.value)


ALL_ROLES = list(Role)
WRONG_ROLES = [
    (definition, step, role)
    for definition in (LAPORGUB, SERVICE)
    for step in definition.steps
    for role in ALL_ROLES
    if role not in step.roles
]


@pytest.mark.parametrize(
    ("definition", "step", "role"),
    WRONG_ROLES,
    ids=[f"{d.kind}-{s.trigger}-{r}" for d, s, r in WRONG_ROLES],
)
def test_every_wrong_role_is_refused(definition: WorkflowDefinition, step: object, role: Role) -> None:
    state, trigger = step.source, step.trigger  # type: ignore[attr-defined]
    complaint = ComplaintSnapshot(
        definition.kind, state, 3, REPORTER.reporter_id, CITY.id, PROVINCE.id, CITY.id
    )
    # Give the wrong role every other advantage: the right organisation, and the reporter's own id.
    actor = Actor(role, org_id=CITY.id, reporter_id=REPORTER.reporter_id)
    with pytest.raises(NotPermitted):
        workflow_for(definition.kind).fire(
            actor, complaint, trigger, seen_version=3, reason="x", result="x", target=OPD, current_org=CITY
        )
    assert trigger not in {
        s.trigger for s in workflow_for(definition.kind).allowed_triggers(actor, complaint)
    }


FOREIGN = [
    (S.AT_PROVINCE, Actor(Role.PROVINCE, org_id=99), T.DISPOSE),
    (S.AT_CITY, OTHER_CITY_ADMIN, T.FORWARD),
    (S.AT_CITY, OTHER_CITY_ADMIN, T.RETURN_TO_PROVINCE),
    (S.AT_OPD, OTHER_OPD_ADMIN, T.ACCEPT),
    (S.AT_OPD, Actor(Role.OPD, org_id=INACTIVE_OPD.id), T.RETURN_TO_CITY),
    (S.IN_FOLLOW_UP, OTHER_OPD_ADMIN, T.SUBMIT_RESULT),
    (S.RESULT_AT_CITY, OTHER_CITY_ADMIN, T.CONFIRM_RESULT),
    (S.RESULT_AT_CITY, OTHER_CITY_ADMIN, T.REQUEST_REVISION),
    (S.RESULT_AT_PROVINCE, Actor(Role.PROVINCE, org_id=99), T.APPROVE),
    (S.RESOLVED, OTHER_REPORTER, T.ACKNOWLEDGE),
    (S.RESOLVED, Actor(Role.OFFICER, org_id=OTHER_CITY.id), T.ACKNOWLEDGE),
]


@pytest.mark.parametrize(("state", "actor", "trigger"), FOREIGN, ids=[f"{s}-{t}" for s, _, t in FOREIGN])
def test_an_admin_of_another_organisation_or_another_reporter_is_refused(
    state: str, actor: Actor, trigger: str
) -> None:
    complaint = at(state)
    with pytest.raises(NotPermitted):
        LAPORGUB_WORKFLOW.fire(
            actor,
            complaint,
            trigger,
            seen_version=complaint.version,
            reason="x",
            result="x",
            target=OPD,
            current_org=ORGS.get(complaint.current_org_id),
        )
    assert LAPORGUB_WORKFLOW.allowed_triggers(actor, complaint) == []


@pytest.mark.parametrize(
    ("state", "actor", "trigger"),
    [
        (S.AT_PROVINCE, PROVINCE_ADMIN, T.REJECT),
        (S.AT_CITY, CITY_ADMIN, T.RETURN_TO_PROVINCE),
        (S.AT_OPD, OPD_ADMIN, T.RETURN_TO_CITY),
        (S.RESULT_AT_CITY, CITY_ADMIN, T.REQUEST_REVISION),
        (S.RESULT_AT_PROVINCE, PROVINCE_ADMIN, T.RETURN_RESULT),
    ],
)
@pytest.mark.parametrize("reason", [None, "", "   \n"])
def test_returns_rejections_and_revisions_need_a_reason(
    state: str, actor: Actor, trigger: str, reason: str | None
) -> None:
    with pytest.raises(ReasonRequired):
        fire(at(state), actor, trigger, reason=reason)


@pytest.mark.parametrize("result", [None, "", "  "])
def test_submitting_a_result_needs_a_text(result: str | None) -> None:
    with pytest.raises(ResultRequired):
        fire(at(S.IN_FOLLOW_UP), OPD_ADMIN, T.SUBMIT_RESULT, result=result)


@pytest.mark.parametrize(
    ("state", "actor", "trigger", "target"),
    [
        (S.AT_PROVINCE, PROVINCE_ADMIN, T.DISPOSE, None),
        (S.AT_PROVINCE, PROVINCE_ADMIN, T.DISPOSE, OPD),  # an agency, not a city
        (S.AT_CITY, CITY_ADMIN, T.FORWARD, OTHER_CITY_OPD),  # another city's agency
        (S.AT_CITY, CITY_ADMIN, T.FORWARD, INACTIVE_OPD),
        (S.AT_CITY, CITY_ADMIN, T.FORWARD, OTHER_CITY),
    ],
)
def test_dispositions_go_only_to_a_child_of_the_right_kind(
    state: str, actor: Actor, trigger: str, target: Organisation | None
) -> None:
    with pytest.raises(InvalidTarget):
        fire(at(state), actor, trigger, target=target)


def test_a_stale_version_is_refused() -> None:
    complaint = at(S.AT_CITY)
    with pytest.raises(StaleVersion) as raised:
        LAPORGUB_WORKFLOW.fire(
            CITY_ADMIN, complaint, T.FORWARD, seen_version=complaint.version - 1, target=OPD, current_org=CITY
        )
    assert (raised.value.seen, raised.value.current) == (complaint.version - 1, complaint.version)


@pytest.mark.parametrize(
    ("state", "actor", "expected"),
    [
        (S.AT_PROVINCE, PROVINCE_ADMIN, [T.DISPOSE, T.REJECT]),
        (S.AT_CITY, CITY_ADMIN, [T.FORWARD, T.RETURN_TO_PROVINCE]),
        (S.AT_OPD, OPD_ADMIN, [T.ACCEPT, T.RETURN_TO_CITY]),
        (S.IN_FOLLOW_UP, OPD_ADMIN, [T.SUBMIT_RESULT]),
        (S.RESULT_AT_CITY, CITY_ADMIN, [T.CONFIRM_RESULT, T.REQUEST_REVISION]),
        (S.RESULT_AT_PROVINCE, PROVINCE_ADMIN, [T.APPROVE, T.RETURN_RESULT]),
        (S.RESOLVED, REPORTER, [T.ACKNOWLEDGE]),
        (S.RESOLVED, SYSTEM, [T.AUTO_CLOSE]),
        (S.RESOLVED, OFFICER, []),  # the reporter is in the bot: the answer is theirs (test_speaking_for)
        (S.RESOLVED, CITY_ADMIN, []),
        (S.CLOSED, REPORTER, []),
        (S.AT_CITY, OPD_ADMIN, []),
        (S.AT_CITY, OTHER_CITY_ADMIN, []),
    ],
)
def test_allowed_triggers_are_exactly_what_the_actor_may_do_now(
    state: str, actor: Actor, expected: list[str]
) -> None:
    allowed = [step.trigger for step in LAPORGUB_WORKFLOW.allowed_triggers(actor, at(state))]
    assert sorted(allowed) == sorted(expected)


def service_complaint() -> ComplaintSnapshot:
    draft = ComplaintSnapshot(
        ComplaintKind.SERVICE, SS.DRAFT, 0, REPORTER.reporter_id, None, city_org_id=CITY.id
    )
    return fire(draft, REPORTER, ST.RECORD)


def test_service_complaint_solved_by_the_officer() -> None:
    complaint = service_complaint()
    assert (complaint.state, complaint.current_org_id) == (SS.RECORDED, CITY.id)
    complaint = fire(complaint, OFFICER, ST.RESPOND, result="Formulir sudah kami kirim ulang.")
    assert SERVICE_WORKFLOW.holder(complaint.state) is Role.REPORTER
    assert fire(complaint, REPORTER, ST.CONFIRM_SOLVED).state == SS.SOLVED


def test_service_complaint_not_solved_goes_to_the_official() -> None:
    complaint = fire(service_complaint(), OFFICER, ST.RESPOND, result="Sudah kami jelaskan.")
    complaint = fire(complaint, REPORTER, ST.NOT_SOLVED, reason="Masih belum bisa.")
    assert (complaint.state, complaint.current_org_id) == (SS.ESCALATED, CITY.id)
    assert [s.trigger for s in SERVICE_WORKFLOW.allowed_triggers(OFFICER, complaint)] == []
    assert (
        fire(complaint, OFFICIAL, ST.RESOLVE, result="Diselesaikan pejabat pengaduan.").state == SS.RESOLVED
    )


def test_the_system_closes_a_response_the_complainant_left_unanswered_as_solved() -> None:
    responded = fire(service_complaint(), OFFICER, ST.RESPOND, result="Formulir sudah kami kirim ulang.")
    assert [s.trigger for s in SERVICE_WORKFLOW.allowed_triggers(SYSTEM, responded)] == [ST.AUTO_CLOSE]
    closed = fire(responded, SYSTEM, ST.AUTO_CLOSE)
    assert (closed.state, closed.version) == (SS.SOLVED, responded.version + 1)
    assert SERVICE_WORKFLOW.is_final(closed.state)
    assert SERVICE_WORKFLOW.holder(closed.state) is None  # off every queue
    # Only a response waits on the complainant: the system closes nothing the officer or official holds.
    for waiting_on_staff in (
        service_complaint(),
        fire(service_complaint(), OFFICER, ST.ESCALATE, reason="x"),
    ):
        assert SERVICE_WORKFLOW.allowed_triggers(SYSTEM, waiting_on_staff) == []
        with pytest.raises(InvalidTransition):
            fire(waiting_on_staff, SYSTEM, ST.AUTO_CLOSE)
    # Nobody else may close it in the complainant's silence.
    for person in (REPORTER, OFFICER, OFFICIAL):
        with pytest.raises(NotPermitted):
            fire(responded, person, ST.AUTO_CLOSE)


def test_an_officer_escalates_directly_and_records_for_a_citizen() -> None:
    draft = ComplaintSnapshot(
        ComplaintKind.SERVICE, SS.DRAFT, 0, REPORTER.reporter_id, None, city_org_id=CITY.id
    )
    complaint = fire(draft, OFFICER, ST.RECORD)
    complaint = fire(complaint, OFFICER, ST.ESCALATE, reason="Perlu keputusan pejabat.")
    assert complaint.state == SS.ESCALATED
    # An officer may confirm on behalf of a complainant who answered by phone (not in the bot).
    responded = fire(replace(service_complaint(), complainant_in_bot=False), OFFICER, ST.RESPOND, result="x")
    assert fire(responded, OFFICER, ST.CONFIRM_SOLVED).state == SS.SOLVED


def test_one_machine_serves_every_complaint() -> None:
    machine = LAPORGUB_WORKFLOW.machine
    for _ in range(3):
        at(S.CLOSED)
    assert machine is workflow_for(ComplaintKind.LAPORGUB).machine
    # A complaint is held by the machine's one attempt only while the machine is asked or fires.
    (attempt,) = machine.models
    assert (attempt.complaint.version, attempt.inputs) == (-1, None)
    assert not machine.auto_transitions
