"""Mermaid state diagrams drawn from the workflow machines, for README (a test keeps them in sync): every
arrow is a transition of the machine, labelled with the roles its conditions let take it."""

from __future__ import annotations

from workflow.definitions import ComplaintKind
from workflow.engine import Workflow, taken_by, workflow_for


def mermaid(workflow: Workflow) -> str:
    definition = workflow.definition
    lines = ["stateDiagram-v2", f"    [*] --> {definition.initial}"]
    for trigger, event in workflow.machine.events.items():
        for source, transitions in event.transitions.items():
            for transition in transitions:
                roles = " / ".join(sorted(taken_by(transition)))
                lines.append(f"    {source} --> {transition.dest}: {trigger} ({roles})")
    lines.extend(f"    {state} --> [*]" for state in sorted(definition.final_states))
    return "\n".join(lines) + "\n"


def readme_diagrams() -> dict[str, str]:
    """The diagram blocks README.md must contain, by the marker that precedes each."""
    return {
        f"<!-- diagram:{kind} -->": f"```mermaid\n{mermaid(workflow_for(kind))}```" for kind in ComplaintKind
    }


if __name__ == "__main__":
    for marker, block in readme_diagrams().items():
        print(marker)
        print(block)
