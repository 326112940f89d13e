"""The two complaint workflows of the service standard, as data.

Each step names its trigger, source and destination state, the roles that may fire it and what it needs.
`workflow.engine` turns a definition into one shared `transitions` machine; nothing else in the project
lists which action is allowed where.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from workflow.actors import OrgKind, Role


class ComplaintKind(StrEnum):
    LAPORGUB = "laporgub"  # a complaint filed through LaporGub! (service standard steps 1-7)
    SERVICE = "service"  # a complaint about Dinkominfo's own service (Pengaduan Layanan)


@dataclass(frozen=True)
class Step:
    trigger: str
    source: str
    dest: str
    roles: frozenset[Role]
    needs_reason: bool = False
    needs_result: bool = False
    target_kind: OrgKind | None = None  # the step sends the complaint to a chosen organisation of this kind


@dataclass(frozen=True)
class WorkflowDefinition:
    kind: ComplaintKind
    initial: str
    # The role whose queue holds a complaint in each state; None for finished states.
    holders: dict[str, Role | None]
    steps: tuple[Step, ...]

    @property
    def states(self) -> list[str]:
        return list(self.holders)

    @property
    def final_states(self) -> frozenset[str]:
        sources = {step.source for step in self.steps}
        return frozenset(state for state in self.holders if state not in sources)


def _step(trigger: str, source: str, dest: str, *roles: Role, **needs: object) -> Step:
    return Step(trigger, source, dest, frozenset(roles), **needs)  # type: ignore[arg-type]


class S(StrEnum):
    """States of a LaporGub complaint."""

    DRAFT = "draft"
    AT_PROVINCE = "at_province"
    AT_CITY = "at_city"
    AT_OPD = "at_opd"
    IN_FOLLOW_UP = "in_follow_up"
    RESULT_AT_CITY = "result_at_city"
    RESULT_AT_PROVINCE = "result_at_province"
    RESOLVED = "resolved"
    CLOSED = "closed"
    REJECTED = "rejected"


class T(StrEnum):
    """Triggers of a LaporGub complaint."""

    SUBMIT = "submit"
    DISPOSE = "dispose"
    REJECT = "reject"
    FORWARD = "forward"
    RETURN_TO_PROVINCE = "return_to_province"
    ACCEPT = "accept"
    RETURN_TO_CITY = "return_to_city"
    SUBMIT_RESULT = "submit_result"
    CONFIRM_RESULT = "confirm_result"
    REQUEST_REVISION = "request_revision"
    APPROVE = "approve"
    RETURN_RESULT = "return_result"
    ACKNOWLEDGE = "acknowledge"
    AUTO_CLOSE = "auto_close"


LAPORGUB = WorkflowDefinition(
    kind=ComplaintKind.LAPORGUB,
    initial=S.DRAFT,
    holders={
        S.DRAFT: Role.REPORTER,
        S.AT_PROVINCE: Role.PROVINCE,
        S.AT_CITY: Role.CITY,
        S.AT_OPD: Role.OPD,
        S.IN_FOLLOW_UP: Role.OPD,
        S.RESULT_AT_CITY: Role.CITY,
        S.RESULT_AT_PROVINCE: Role.PROVINCE,
        S.RESOLVED: Role.REPORTER,
        S.CLOSED: None,
        S.REJECTED: None,
    },
    steps=(
        # 1: the reporter, or an officer on a citizen's behalf, sends the complaint.
        _step(T.SUBMIT, S.DRAFT, S.AT_PROVINCE, Role.REPORTER, Role.OFFICER),
        # 2: the province dispositions it to a city's Dinkominfo, or rejects it as not a LaporGub matter.
        _step(T.DISPOSE, S.AT_PROVINCE, S.AT_CITY, Role.PROVINCE, target_kind=OrgKind.CITY),
        _step(T.REJECT, S.AT_PROVINCE, S.REJECTED, Role.PROVINCE, needs_reason=True),
        # 3: the city forwards it to an OPD, or returns it: not the city's authority.
        _step(T.FORWARD, S.AT_CITY, S.AT_OPD, Role.CITY, target_kind=OrgKind.OPD),
        _step(T.RETURN_TO_PROVINCE, S.AT_CITY, S.AT_PROVINCE, Role.CITY, needs_reason=True),
        # 4: the OPD accepts and follows up, or returns it: not its duties.
        _step(T.ACCEPT, S.AT_OPD, S.IN_FOLLOW_UP, Role.OPD),
        _step(T.RETURN_TO_CITY, S.AT_OPD, S.AT_CITY, Role.OPD, needs_reason=True),
        _step(T.SUBMIT_RESULT, S.IN_FOLLOW_UP, S.RESULT_AT_CITY, Role.OPD, needs_result=True),
        # 5: the city confirms the result, or sends it back to the OPD for revision.
        _step(T.CONFIRM_RESULT, S.RESULT_AT_CITY, S.RESULT_AT_PROVINCE, Role.CITY),
        _step(T.REQUEST_REVISION, S.RESULT_AT_CITY, S.IN_FOLLOW_UP, Role.CITY, needs_reason=True),
        # 6: the province approves (the result goes to the reporter) or returns it to the city.
        _step(T.APPROVE, S.RESULT_AT_PROVINCE, S.RESOLVED, Role.PROVINCE),
        _step(T.RETURN_RESULT, S.RESULT_AT_PROVINCE, S.RESULT_AT_CITY, Role.PROVINCE, needs_reason=True),
        # 7: the reporter acknowledges (and may rate), or the system closes it after their silence. For a
        # complainant the bot cannot reach (not on Telegram, or who blocked it), the officer who delivered the
        # result acknowledges it for them; for anyone in the bot the answer is theirs (`workflow.engine`).
        _step(T.ACKNOWLEDGE, S.RESOLVED, S.CLOSED, Role.REPORTER, Role.OFFICER),
        _step(T.AUTO_CLOSE, S.RESOLVED, S.CLOSED, Role.SYSTEM),
    ),
)


class SS(StrEnum):
    """States of a complaint about the service itself (Pengaduan Layanan)."""

    DRAFT = "draft"
    RECORDED = "recorded"
    RESPONDED = "responded"
    SOLVED = "solved"
    ESCALATED = "escalated"
    RESOLVED = "resolved"


class ST(StrEnum):
    """Triggers of a service complaint."""

    RECORD = "record"
    RESPOND = "respond"
    CONFIRM_SOLVED = "confirm_solved"
    NOT_SOLVED = "not_solved"
    ESCALATE = "escalate"
    RESOLVE = "resolve"
    AUTO_CLOSE = "auto_close"


SERVICE = WorkflowDefinition(
    kind=ComplaintKind.SERVICE,
    initial=SS.DRAFT,
    holders={
        SS.DRAFT: Role.REPORTER,
        SS.RECORDED: Role.OFFICER,
        SS.RESPONDED: Role.REPORTER,
        SS.ESCALATED: Role.OFFICIAL,
        SS.SOLVED: None,
        SS.RESOLVED: None,
    },
    steps=(
        # The complainant records it in the bot, or an officer records it for them (phone, email, counter).
        _step(ST.RECORD, SS.DRAFT, SS.RECORDED, Role.REPORTER, Role.OFFICER),
        # The officer responds until a solution is reached...
        _step(ST.RESPOND, SS.RECORDED, SS.RESPONDED, Role.OFFICER, needs_result=True),
        # The complainant says solved or not; an officer says it for them only when the bot cannot reach them.
        _step(ST.CONFIRM_SOLVED, SS.RESPONDED, SS.SOLVED, Role.REPORTER, Role.OFFICER),
        # A complainant who never answers the response is taken as satisfied: the system closes it as solved
        # after the same silence that closes a LaporGub result (the officer responds "until a solution is
        # reached", and nobody is left holding it).
        _step(ST.AUTO_CLOSE, SS.RESPONDED, SS.SOLVED, Role.SYSTEM),
        # ...and when it cannot be solved, it goes to the complaints official.
        _step(ST.NOT_SOLVED, SS.RESPONDED, SS.ESCALATED, Role.REPORTER, Role.OFFICER, needs_reason=True),
        _step(ST.ESCALATE, SS.RECORDED, SS.ESCALATED, Role.OFFICER, needs_reason=True),
        _step(ST.RESOLVE, SS.ESCALATED, SS.RESOLVED, Role.OFFICIAL, needs_result=True),
    ),
)

DEFINITIONS: dict[ComplaintKind, WorkflowDefinition] = {d.kind: d for d in (LAPORGUB, SERVICE)}
