"""Applying a workflow definition: who may fire what, and where the complaint goes next.

One `transitions.Machine` per definition serves every complaint: a complaint is attached as a model only
while a trigger is fired (the pattern the `transitions` README calls "one machine, many models").
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from transitions import Machine, MachineError

from workflow.actors import CHILD_KIND, Actor, Organisation, OrgKind, Role
from workflow.definitions import DEFINITIONS, ComplaintKind, Step, WorkflowDefinition
from workflow.errors import (
    InvalidTarget,
    InvalidTransition,
    NotPermitted,
    ReasonRequired,
    ResultRequired,
    StaleVersion,
)

# Why a step is refused (`NotPermitted.why`), for the bot to name the real reason.
WRONG_ROLE = "this role does not take this step"
SPEAKS_FOR_THEMSELVES = "the complainant answers in the bot themselves"
NOT_OWN_COMPLAINT = "only the complaint's own reporter may do this"
NOT_HANDLING_OFFICE = "only the Dinkominfo office handling the complaint may answer for its complainant"
NOT_IN_QUEUE = "the complaint is not in your organisation's queue"

# The organisation slot of a complaint that each holding role works from.
_SLOT: dict[Role, str] = {
    Role.PROVINCE: "province_org_id",
    Role.CITY: "city_org_id",
    Role.OFFICER: "city_org_id",
    Role.OFFICIAL: "city_org_id",
    Role.OPD: "opd_org_id",
}


@dataclass(frozen=True)
class ComplaintSnapshot:
    """What the workflow needs to know about a complaint, as an actor saw it."""

    kind: ComplaintKind
    state: str
    version: int
    reporter_id: int | None
    current_org_id: int | None
    province_org_id: int | None = None
    city_org_id: int | None = None
    opd_org_id: int | None = None
    # The complainant answers in the bot themselves: they are on Telegram and have not blocked it. Only when
    # they are not may the office handling the complaint answer for them.
    complainant_in_bot: bool = True


@dataclass(frozen=True)
class Move:
    """The outcome of firing a trigger, for storage to persist as one transaction."""

    trigger: str
    source: str
    dest: str
    holder: Role | None  # whose queue the complaint is in now
    after: ComplaintSnapshot  # the complaint after the move (version incremented, organisation moved)
    reason: str | None = None
    result: str | None = None


class _Token:
    """The stand-in model attached to the shared machine while a trigger fires."""

    def __init__(self) -> None:
        self.state = ""


class Workflow:
    def __init__(self, definition: WorkflowDefinition) -> None:
        self.definition = definition
        self.steps: dict[tuple[str, str], Step] = {}
        for step in definition.steps:
            holder = definition.holders[step.source]
            if holder is None or not (holder in step.roles or step.roles == {Role.SYSTEM}):
                raise ValueError(f"{step.trigger}: the holder of {step.source} must be allowed to fire it")
            self.steps[(step.source, step.trigger)] = step
        self.machine = Machine(
            model=None,
            # Plain strings: given enum members, `transitions` would name states by the members' names.
            states=[str(state) for state in definition.states],
            transitions=[
                {"trigger": str(step.trigger), "source": str(step.source), "dest": str(step.dest)}
                for step in definition.steps
            ],
            initial=str(definition.initial),
            auto_transitions=False,
            model_attribute="state",
        )

    @property
    def triggers(self) -> list[str]:
        return list(dict.fromkeys(step.trigger for step in self.definition.steps))

    def holder(self, state: str) -> Role | None:
        return self.definition.holders[state]

    def is_final(self, state: str) -> bool:
        return state in self.definition.final_states

    def states_held_by(self, role: Role) -> list[str]:
        return [state for state, holder in self.definition.holders.items() if holder == role]

    def step(self, state: str, trigger: str) -> Step:
        step = self.steps.get((state, trigger))
        if step is None or str(trigger) not in self.machine.get_triggers(str(state)):
            raise InvalidTransition(state, trigger)
        return step

    def allowed_triggers(self, actor: Actor, complaint: ComplaintSnapshot) -> list[Step]:
        """Every step this actor may take on this complaint now: the single source of the bot's buttons."""
        return [
            self.steps[(complaint.state, trigger)]
            for trigger in self.machine.get_triggers(str(complaint.state))
            if self._refusal(actor, complaint, self.steps[(complaint.state, trigger)]) is None
        ]

    def fire(
        self,
        actor: Actor,
        complaint: ComplaintSnapshot,
        trigger: str,
        *,
        seen_version: int,
        reason: str | None = None,
        result: str | None = None,
        target: Organisation | None = None,
        current_org: Organisation | None = None,
    ) -> Move:
        """Check every rule and compute the move. Raises a `WorkflowError` subclass when a rule refuses.

        `current_org` is the organisation the complaint sits in; it is needed only for steps with a target,
        to check that the target is a child of it (a city of this province, an OPD of this city).
        """
        if seen_version != complaint.version:
            raise StaleVersion(seen_version, complaint.version)
        trigger = str(trigger)
        step = self.step(complaint.state, trigger)
        refusal = self._refusal(actor, complaint, step)
        if refusal is not None:
            raise NotPermitted(trigger, refusal)
        reason = _clean(reason)
        result = _clean(result)
        if step.needs_reason and reason is None:
            raise ReasonRequired(trigger)
        if step.needs_result and result is None:
            raise ResultRequired(trigger)
        if step.target_kind is not None:
            _check_target(step, target, current_org)
        dest = self._dest_through_machine(str(complaint.state), trigger)
        return Move(
            trigger=trigger,
            source=str(complaint.state),
            dest=dest,
            holder=self.holder(dest),
            after=self._after(complaint, step, dest, target),
            reason=reason,
            result=result,
        )

    def refusal(self, actor: Actor, complaint: ComplaintSnapshot, trigger: str) -> str | None:
        """Why this actor may not fire `trigger` on this complaint now (one of the reasons above), or None."""
        return self._refusal(actor, complaint, self.step(complaint.state, trigger))

    def _refusal(self, actor: Actor, complaint: ComplaintSnapshot, step: Step) -> str | None:
        if actor.role not in step.roles:
            return WRONG_ROLE
        if actor.role is Role.SYSTEM:
            return None
        if actor.role is Role.REPORTER:
            if actor.reporter_id is None or actor.reporter_id != complaint.reporter_id:
                return NOT_OWN_COMPLAINT
            return None
        # An officer recording a new complaint acts before it sits in any organisation's queue.
        if complaint.state == self.definition.initial:
            return None
        # Where the complainant must answer, the Dinkominfo office handling the complaint may answer for a
        # complainant the bot cannot reach (recorded by phone, email or at the counter, or who blocked the
        # bot) and only for them: a complainant in the bot gives their own answers.
        if self.holder(complaint.state) is Role.REPORTER:
            if complaint.complainant_in_bot:
                return SPEAKS_FOR_THEMSELVES
            if actor.org_id is None or actor.org_id != complaint.city_org_id:
                return NOT_HANDLING_OFFICE
            return None
        if actor.org_id is None or actor.org_id != complaint.current_org_id:
            return NOT_IN_QUEUE
        return None

    def _dest_through_machine(self, state: str, trigger: str) -> str:
        token = _Token()
        self.machine.add_model(token, initial=state)
        try:
            getattr(token, trigger)()
        except MachineError as error:  # pragma: no cover - step() has already checked the trigger
            raise InvalidTransition(state, trigger) from error
        finally:
            self.machine.remove_model(token)
        return token.state

    def _after(
        self, complaint: ComplaintSnapshot, step: Step, dest: str, target: Organisation | None
    ) -> ComplaintSnapshot:
        changes: dict[str, Any] = {"state": dest, "version": complaint.version + 1}
        if target is not None and step.target_kind is OrgKind.CITY:
            changes["city_org_id"] = target.id
            changes["opd_org_id"] = None
        if target is not None and step.target_kind is OrgKind.OPD:
            changes["opd_org_id"] = target.id
        moved = replace(complaint, **changes)
        holder = self.holder(dest)
        # A complaint waiting on its reporter, or finished, stays with the organisation that last held it.
        if holder in _SLOT:
            moved = replace(moved, current_org_id=getattr(moved, _SLOT[holder]))
        return moved


def _clean(text: str | None) -> str | None:
    if text is None or not text.strip():
        return None
    return text.strip()


def _check_target(step: Step, target: Organisation | None, current_org: Organisation | None) -> None:
    if target is None:
        raise InvalidTarget(step.trigger, f"choose a {step.target_kind}")
    if target.kind != step.target_kind:
        raise InvalidTarget(step.trigger, f"{target.code} is a {target.kind}, not a {step.target_kind}")
    if not target.active:
        raise InvalidTarget(step.trigger, f"{target.code} is not active")
    if current_org is None or CHILD_KIND.get(current_org.kind) != target.kind:
        raise InvalidTarget(step.trigger, "the complaint's organisation cannot send it there")
    if target.parent_id != current_org.id:
        raise InvalidTarget(step.trigger, f"{target.code} does not belong to {current_org.code}")
    # An older registry listed a city's own Dinkominfo among its agencies: the office is not its own target.
    if target.name.casefold() == current_org.name.casefold():
        raise InvalidTarget(step.trigger, f"{target.code} is {current_org.code} itself")


WORKFLOWS: dict[ComplaintKind, Workflow] = {kind: Workflow(d) for kind, d in DEFINITIONS.items()}


def workflow_for(kind: ComplaintKind | str) -> Workflow:
    return WORKFLOWS[ComplaintKind(kind)]
