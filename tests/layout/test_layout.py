"""The house's layout: every module imports, no import cycle among our packages (imports under
`TYPE_CHECKING` and inside functions count: a cycle hidden there is still a cycle), dependencies point
inward (workflow <- storage <- bot), no module name is used in two layers, and README's "where things are"
names only paths that exist. The import graph is grimp's (the library behind import-linter)."""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections import defaultdict
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("workflow", "storage", "bot")  # inner to outer
# Programs of their own inside bot/: a simulated Telegram and the browser sandbox around it.
DEV = "bot.dev"


def our_modules() -> list[str]:
    names = []
    for package in PACKAGES:
        module = importlib.import_module(package)
        names.append(package)
        for info in pkgutil.walk_packages(module.__path__, f"{package}."):
            if ".migrations" not in info.name:
                names.append(info.name)
    return names


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph(*PACKAGES, include_external_packages=False, exclude_type_checking_imports=False)


def test_every_module_imports() -> None:
    modules = our_modules()
    assert len(modules) > 150
    for name in modules:
        importlib.import_module(name)


def cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan's algorithm, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(graph.modules):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            module, imported = work[-1]
            step = next(imported, None)
            if step is not None:
                if step not in index:
                    index[step] = low[step] = len(index)
                    stack.append(step)
                    on_stack.add(step)
                    work.append((step, iter(sorted(graph.find_modules_directly_imported_by(step)))))
                elif step in on_stack:
                    low[module] = min(low[module], index[step])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[module])
            if low[module] == index[module]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == module:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def describe(graph: grimp.ImportGraph, component: list[str]) -> str:
    lines = []
    for importer in component:
        for imported in sorted(graph.find_modules_directly_imported_by(importer)):
            if imported in component:
                for detail in graph.get_import_details(importer=importer, imported=imported):
                    lines.append(f"  {importer}:{detail['line_number']} {detail['line_contents']}")
    return "\n".join(lines)


def test_no_import_cycles(graph: grimp.ImportGraph) -> None:
    found = cycles(graph)
    assert not found, "import cycles:\n" + "\n\n".join(describe(graph, component) for component in found)


def test_cycle_finder_finds_a_cycle() -> None:
    graph = grimp.ImportGraph()
    for name in ("a", "a.b", "a.c", "a.d"):
        graph.add_module(name)
    graph.add_import(importer="a.b", imported="a.c")
    graph.add_import(importer="a.c", imported="a.d")
    graph.add_import(importer="a.d", imported="a.b")
    assert cycles(graph) == [["a.b", "a.c", "a.d"]]


def test_dependencies_point_inward(graph: grimp.ImportGraph) -> None:
    illegal = graph.find_illegal_dependencies_for_layers(layers=list(reversed(PACKAGES)))
    assert not illegal, [f"{route.importer} imports {route.imported}" for route in illegal]


def test_no_module_name_in_two_layers() -> None:
    layers: dict[str, set[str]] = defaultdict(set)
    for name in our_modules():
        if name in PACKAGES or name.startswith(DEV + ".") or name == DEV:
            continue
        leaf = name.rsplit(".", 1)[1]
        if leaf not in ("__init__", "__main__"):
            layers[leaf].add(name.split(".")[0])
    shared = {leaf: sorted(where) for leaf, where in layers.items() if len(where) > 1}
    assert not shared, shared


def layout_rows() -> list[tuple[str, str]]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Layout\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\| `([^`]+)` \| (.+) \|$", section, flags=re.MULTILINE)


def test_readme_layout_names_paths_that_exist() -> None:
    rows = layout_rows()
    assert len(rows) > 10
    missing = []
    for where, what in rows:
        if not (ROOT / where).exists():
            missing.append(where)
        for named in re.findall(r"`([\w./-]+\.(?:py|md|sh)|[\w./-]+/)`", what):
            # A bare file name is inside the row's directory; a path is from the repository's root.
            path = ROOT / named if "/" in named.rstrip("/") else ROOT / where / named
            if not path.exists():
                missing.append(f"{where}: {named}")
    assert not missing, missing


def test_readme_layout_names_every_package() -> None:
    named = {
        path.rstrip("/")
        for where, what in layout_rows()
        for path in [where, *re.findall(r"`([\w./-]+/)`", what)]
    }
    packages = {
        str(init.parent.relative_to(ROOT))
        for package in PACKAGES
        for init in (ROOT / package).rglob("__init__.py")
        if len(init.parent.relative_to(ROOT).parts) <= 3
    }
    assert not packages - named, sorted(packages - named)
