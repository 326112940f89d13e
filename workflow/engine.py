"""Applying a workflow definition: who may fire what, and where the complaint goes next.

One `transitions.Machine` per definition serves every complaint, and a step's rules are the conditions of its
transition: that the actor may see the complaint at all (their own, or their organisation's), that they saw
its current version, that their role takes the step, that the complaint is in their queue (or, where the
complainant must answer, that they may answer for them) and, when the step fires, that it has what it needs
(a reason, a result, a target). The buttons ask the machine (`may_<trigger>`), a press is checked by it once,
and firing moves the complaint through it. A complaint is attached as a model (an `Attempt`) only while the
machine is asked or fires (the pattern the `transitions` README calls "one machine, many models"); a condition
that says no leaves its error on the attempt, so the caller can name the reason.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import partial
from typing import Any

from transitions import EventData, Machine, Transition

from workflow.actors import CHILD_KIND, Actor, Organisation, OrgKind, Role
from workflow.definitions import DEFINITIONS, ComplaintKind, Step, WorkflowDefinition
from workflow.errors import (
    InvalidTarget,
    InvalidTransition,
    NotPermitted,
    ReasonRequired,
    ResultRequired,
    StaleVersion,
    WorkflowError,
)

# Why a step is refused (`NotPermitted.why`), for the bot to name the real reason.
WRONG_ROLE = "this role does not take this step"
SPEAKS_FOR_THEMSELVES = "the complainant answers in the bot themselves"
NOT_OWN_COMPLAINT = "only the complaint's own reporter may do this"
NOT_THEIR_COMPLAINT = "another organisation's complaint"
NOT_HANDLING_OFFICE = "only the Dinkominfo office handling the complaint may answer for its complainant"
NOT_IN_QUEUE = "the complaint is not in your organisation's queue"

# The organisation slot of a complaint that each admin role works from.
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


@dataclass(frozen=True)
class Inputs:
    """What a step is fired with. Without them (None) the machine is only asked whether the actor may."""

    reason: str | None = None
    result: str | None = None
    target: Organisation | None = None
    current_org: Organisation | None = None  # where the complaint sits: a target must be a child of it


class Attempt:
    """The model attached to the shared machine while it is asked about, or fires, a step of one complaint."""

    # Bound by the machine while the attempt is attached (`Machine.add_model`).
    may_trigger: Callable[[str], bool]

    def __init__(
        self, actor: Actor, complaint: ComplaintSnapshot, *, seen_version: int, inputs: Inputs | None = None
    ) -> None:
        self.actor = actor
        self.complaint = complaint
        self.seen_version = seen_version
        self.inputs = inputs
        self.state = str(complaint.state)
        self.refused: WorkflowError | None = None  # the error of the last condition that said no


Check = Callable[[Attempt], WorkflowError | None]


@dataclass(frozen=True)
class Rule:
    """A condition of a transition: lets the step go on, or leaves on the attempt the error that says why."""

    name: str
    check: Check

    def __call__(self, event: EventData) -> bool:
        attempt = event.model
        assert isinstance(attempt, Attempt), attempt
        refused = self.check(attempt)
        if refused is not None:
            attempt.refused = refused
        return refused is None


@dataclass(frozen=True)
class TakenBy:
    """The roles that take a step (the diagrams name them)."""

    trigger: str
    roles: frozenset[Role]

    def __call__(self, attempt: Attempt) -> WorkflowError | None:
        return None if attempt.actor.role in self.roles else NotPermitted(self.trigger, WRONG_ROLE)


def _own_complaint(trigger: str, attempt: Attempt) -> WorkflowError | None:
    actor = attempt.actor
    if actor.role is Role.REPORTER and (
        actor.reporter_id is None or actor.reporter_id != attempt.complaint.reporter_id
    ):
        return NotPermitted(trigger, NOT_OWN_COMPLAINT)
    return None


def _organisation_sees_it(trigger: str, attempt: Attempt) -> WorkflowError | None:
    """An admin acts only on complaints their organisation holds or has held: no one else's."""
    actor, complaint = attempt.actor, attempt.complaint
    if actor.role not in _SLOT:
        return None
    if actor.org_id is None or actor.org_id not in (
        getattr(complaint, _SLOT[actor.role]),
        complaint.current_org_id,
    ):
        return NotPermitted(trigger, NOT_THEIR_COMPLAINT)
    return None


def _saw_current_version(attempt: Attempt) -> WorkflowError | None:
    if attempt.seen_version != attempt.complaint.version:
        return StaleVersion(attempt.seen_version, attempt.complaint.version)
    return None


def _in_their_queue(trigger: str, attempt: Attempt) -> WorkflowError | None:
    actor = attempt.actor
    if actor.role in _SLOT and (actor.org_id is None or actor.org_id != attempt.complaint.current_org_id):
        return NotPermitted(trigger, NOT_IN_QUEUE)
    return None


def _answers_for_the_complainant(trigger: str, attempt: Attempt) -> WorkflowError | None:
    """Where the complainant must answer, the Dinkominfo office handling the complaint may answer for a
    complainant the bot cannot reach (recorded by phone, email or at the counter, or who blocked the bot) and
    only for them: a complainant in the bot gives their own answers."""
    actor, complaint = attempt.actor, attempt.complaint
    if actor.role not in _SLOT:
        return None
    if complaint.complainant_in_bot:
        return NotPermitted(trigger, SPEAKS_FOR_THEMSELVES)
    if actor.org_id is None or actor.org_id != complaint.city_org_id:
        return NotPermitted(trigger, NOT_HANDLING_OFFICE)
    return None


def _has_what_it_needs(step: Step, attempt: Attempt) -> WorkflowError | None:
    inputs = attempt.inputs
    if inputs is None:
        return None
    if step.needs_reason and inputs.reason is None:
        return ReasonRequired(step.trigger)
    if step.needs_result and inputs.result is None:
        return ResultRequired(step.trigger)
    if step.target_kind is not None:
        return _target_refusal(step, inputs.target, inputs.current_org)
    return None


# What the lent attempt holds between asks: no one, and a complaint that never existed (no version is -1).
_NO_ONE = Actor(Role.SYSTEM)
_NO_COMPLAINT = {
    kind: ComplaintSnapshot(kind, definition.initial, -1, None, None)
    for kind, definition in DEFINITIONS.items()
}


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
                {
                    "trigger": str(step.trigger),
                    "source": str(step.source),
                    "dest": str(step.dest),
                    "conditions": self._rules(step),
                }
                for step in definition.steps
            ],
            initial=str(definition.initial),
            auto_transitions=False,
            # Conditions get the event, whose model is the `Attempt`, instead of the trigger's arguments.
            send_event=True,
            model_attribute="state",
        )
        # The attempt the machine is asked through (`_attached`); it stands for no one between asks.
        self._attempt = Attempt(_NO_ONE, _NO_COMPLAINT[definition.kind], seen_version=-1)
        self.machine.add_model(self._attempt, initial=str(definition.initial))
        self._lending = threading.Lock()
        # The machine does not change once built: what it offers from each state is asked once.
        self._triggers_from = {state: self.machine.get_triggers(state) for state in self.machine.states}

    def _complaint_rules(self, state: str, trigger: str) -> list[Rule]:
        """The rules of every step from `state`: whether the actor may touch this complaint at all."""
        rules = [Rule("own_complaint", partial(_own_complaint, trigger))]
        # An officer recording a new complaint acts before it sits in any organisation's queue.
        if state != self.definition.initial:
            rules.append(Rule("organisation_sees_it", partial(_organisation_sees_it, trigger)))
        rules.append(Rule("saw_current_version", _saw_current_version))
        return rules

    def _rules(self, step: Step) -> list[Rule]:
        rules = self._complaint_rules(step.source, step.trigger)
        rules.append(Rule("takes_the_step", TakenBy(step.trigger, step.roles)))
        if step.source != self.definition.initial:
            if self.holder(step.source) is Role.REPORTER:
                rules.append(
                    Rule("answers_for_the_complainant", partial(_answers_for_the_complainant, step.trigger))
                )
            else:
                rules.append(Rule("in_their_queue", partial(_in_their_queue, step.trigger)))
        rules.append(Rule("has_what_it_needs", partial(_has_what_it_needs, step)))
        return rules

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
        step = self.steps.get((str(state), str(trigger)))
        if step is None or str(trigger) not in self._triggers_from.get(str(state), ()):
            raise InvalidTransition(state, trigger)
        return step

    def allowed_triggers(self, actor: Actor, complaint: ComplaintSnapshot) -> list[Step]:
        """Every step this actor may take on this complaint now, as the machine answers: the single source
        of the bot's buttons."""
        state = str(complaint.state)
        triggers = self._triggers_from.get(state, ())
        if not triggers:  # a finished complaint: nothing to ask
            return []
        with self._attached(actor, complaint, seen_version=complaint.version) as attempt:
            return [self.steps[(state, trigger)] for trigger in triggers if attempt.may_trigger(trigger)]

    def check(self, actor: Actor, complaint: ComplaintSnapshot, trigger: str, *, seen_version: int) -> Step:
        """Whether this actor, who saw the complaint at `seen_version`, may take this step now: the step, or
        the `WorkflowError` that says why not. What the step needs (a reason, a target) is not asked yet: a
        press is checked before the bot asks for them."""
        self._known_state(complaint, trigger)
        with self._attached(actor, complaint, seen_version=seen_version) as attempt:
            step = self._defined_step(attempt, str(trigger))
            if not attempt.may_trigger(step.trigger):
                raise _refusal_of(attempt)
        return step

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
        """Move the complaint through the machine, every rule checked once on the way. Raises the
        `WorkflowError` of the first rule that refuses.

        `current_org` is the organisation the complaint sits in; it is needed only for steps with a target,
        to check that the target is a child of it (a city of this province, an OPD of this city).
        """
        inputs = Inputs(_clean(reason), _clean(result), target, current_org)
        self._known_state(complaint, trigger)
        with self._attached(actor, complaint, seen_version=seen_version, inputs=inputs) as attempt:
            step = self._defined_step(attempt, str(trigger))
            if not self.machine.events[step.trigger].trigger(attempt):
                raise _refusal_of(attempt)
            dest = attempt.state
        return Move(
            trigger=step.trigger,
            source=str(complaint.state),
            dest=dest,
            holder=self.holder(dest),
            after=self._after(complaint, step, dest, target),
            reason=inputs.reason,
            result=inputs.result,
        )

    def refusal(self, actor: Actor, complaint: ComplaintSnapshot, trigger: str) -> str | None:
        """Why this actor may not fire `trigger` on this complaint now (one of the reasons above), or None."""
        try:
            self.check(actor, complaint, trigger, seen_version=complaint.version)
        except NotPermitted as refused:
            return refused.why
        return None

    def _known_state(self, complaint: ComplaintSnapshot, trigger: str) -> None:
        if str(complaint.state) not in self._triggers_from:  # a state this workflow never had
            raise InvalidTransition(complaint.state, trigger)

    def _defined_step(self, attempt: Attempt, trigger: str) -> Step:
        """The step the machine defines for this trigger from the complaint's state. For a pair it does not
        define, the rules every step from this state starts with speak first: someone else's complaint is
        refused as such, and a stale view as stale (the complaint moved on), before the pair is called
        made up.
        """
        state = attempt.state
        step = self.steps.get((state, trigger))
        if step is not None and trigger in self._triggers_from.get(state, ()):
            return step
        for rule in self._complaint_rules(state, trigger):
            refused = rule.check(attempt)
            if refused is not None:
                raise refused
        raise InvalidTransition(state, trigger)

    @contextmanager
    def _attached(
        self,
        actor: Actor,
        complaint: ComplaintSnapshot,
        *,
        seen_version: int,
        inputs: Inputs | None = None,
    ) -> Iterator[Attempt]:
        """The machine's attempt, holding this complaint while the machine is asked or fires. One attempt
        stays attached and is lent out in turn: attaching a model costs several times what asking does
        (`transitions` binds every trigger and state to it)."""
        with self._lending:
            attempt = self._attempt
            attempt.actor, attempt.complaint, attempt.seen_version = actor, complaint, seen_version
            attempt.inputs, attempt.refused = inputs, None
            self.machine.set_state(str(complaint.state), model=attempt)
            try:
                yield attempt
            finally:
                attempt.actor, attempt.complaint, attempt.inputs = (
                    _NO_ONE,
                    _NO_COMPLAINT[self.definition.kind],
                    None,
                )

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


def taken_by(transition: Transition) -> frozenset[Role]:
    """The roles that take a transition of a workflow machine, from its conditions."""
    for condition in transition.conditions:
        rule = condition.func
        if isinstance(rule, Rule) and isinstance(rule.check, TakenBy):
            return rule.check.roles
    raise ValueError(f"{transition} names no roles")


def rule_names(transition: Transition) -> list[str]:
    return [condition.func.name for condition in transition.conditions if isinstance(condition.func, Rule)]


def _refusal_of(attempt: Attempt) -> WorkflowError:
    assert attempt.refused is not None, "the machine refused a step without a rule saying why"
    return attempt.refused


def _clean(text: str | None) -> str | None:
    if text is None or not text.strip():
        return None
    return text.strip()


def _target_refusal(
    step: Step, target: Organisation | None, current_org: Organisation | None
) -> InvalidTarget | None:
    if target is None:
        return InvalidTarget(step.trigger, f"choose a {step.target_kind}")
    if target.kind != step.target_kind:
        return InvalidTarget(step.trigger, f"{target.code} is a {target.kind}, not a {step.target_kind}")
    if not target.active:
        return InvalidTarget(step.trigger, f"{target.code} is not active")
    if current_org is None or CHILD_KIND.get(current_org.kind) != target.kind:
        return InvalidTarget(step.trigger, "the complaint's organisation cannot send it there")
    if target.parent_id != current_org.id:
        return InvalidTarget(step.trigger, f"{target.code} does not belong to {current_org.code}")
    # An older registry listed a city's own Dinkominfo among its agencies: the office is not its own target.
    if target.name.casefold() == current_org.name.casefold():
        return InvalidTarget(step.trigger, f"{target.code} is {current_org.code} itself")
    return None


WORKFLOWS: dict[ComplaintKind, Workflow] = {kind: Workflow(d) for kind, d in DEFINITIONS.items()}


def workflow_for(kind: ComplaintKind | str) -> Workflow:
    return WORKFLOWS[ComplaintKind(kind)]
