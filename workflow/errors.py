"""Domain errors. The bot turns each into a friendly message in one place."""

from __future__ import annotations


class WorkflowError(Exception):
    """Base of every rule the workflow refuses."""


class InvalidTransition(WorkflowError):
    def __init__(self, state: str, trigger: str) -> None:
        super().__init__(f"trigger {trigger!r} is not allowed from state {state!r}")
        self.state = state
        self.trigger = trigger


class NotPermitted(WorkflowError):
    def __init__(self, trigger: str, why: str) -> None:
        super().__init__(f"not permitted to fire {trigger!r}: {why}")
        self.trigger = trigger
        self.why = why


class ReasonRequired(WorkflowError):
    def __init__(self, trigger: str) -> None:
        super().__init__(f"trigger {trigger!r} needs a non-empty reason")
        self.trigger = trigger


class ResultRequired(WorkflowError):
    def __init__(self, trigger: str) -> None:
        super().__init__(f"trigger {trigger!r} needs a non-empty result text")
        self.trigger = trigger


class InvalidTarget(WorkflowError):
    def __init__(self, trigger: str, why: str) -> None:
        super().__init__(f"trigger {trigger!r} has an invalid target: {why}")
        self.trigger = trigger
        self.why = why


class StaleVersion(WorkflowError):
    def __init__(self, seen: int, current: int | None) -> None:
        super().__init__(f"complaint changed since it was read (seen version {seen}, now {current})")
        self.seen = seen
        self.current = current
