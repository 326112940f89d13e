"""constraints.txt pins every runtime dependency of pyproject.toml (the `redis` and `server` extras included)
to one version within pyproject's bounds, and every bound has a ceiling: a dependency added or re-bounded
without refreshing the file (deploy/refresh-constraints.sh) fails here."""

from __future__ import annotations

import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_EXTRAS = ("redis", "server")


def runtime_requirements() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    lines = list(project["dependencies"])
    for extra in PRODUCTION_EXTRAS:
        lines += project["optional-dependencies"][extra]
    return [Requirement(line) for line in lines]


def pins() -> dict[str, Version]:
    pinned: dict[str, Version] = {}
    for raw in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        name, separator, version = line.partition("==")
        assert separator, f"not an exact pin: {line!r}"
        key = canonicalize_name(name)
        assert key not in pinned, f"pinned twice: {name}"
        pinned[key] = Version(version)
    return pinned


def test_every_runtime_dependency_is_pinned_within_its_bounds() -> None:
    pinned = pins()
    assert "laporgub-bot" not in pinned
    for requirement in runtime_requirements():
        key = canonicalize_name(requirement.name)
        assert key in pinned, f"{requirement.name} not in constraints.txt: run deploy/refresh-constraints.sh"
        assert requirement.specifier.contains(pinned[key], prereleases=True), (
            f"constraints.txt pins {requirement.name}=={pinned[key]}, outside {requirement.specifier}"
        )


def test_every_runtime_dependency_has_an_upper_bound() -> None:
    unbounded = [
        str(requirement)
        for requirement in runtime_requirements()
        if not any(spec.operator in ("<", "<=", "==", "~=") for spec in requirement.specifier)
    ]
    assert unbounded == []


def test_the_pins_reach_the_dependencies_of_dependencies() -> None:
    """A few packages only a dependency pulls in: the file is a full freeze, not a copy of pyproject."""
    pinned = pins()
    for transitive in ("multidict", "yarl", "pydantic-core", "greenlet", "mako", "numpy"):
        assert transitive in pinned, transitive
