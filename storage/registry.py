"""The organisation registry as YAML: import (idempotent: codes are the keys) and export.

File shape: a tree under `organisations:`, each node with `code`, `kind` (province, city, opd), `name`,
optional `short_name`, `active` (default true) and `children`; a city may also carry `region_code` (its
BPS/Kemendagri code, the first four digits of its residents' NIK) and `districts` (its kecamatan).
Re-importing updates all of these (the last three only where the file gives them: an older file leaves them
as they are); an organisation missing from the file is left as it is, never deleted (complaints refer to it).
Any organisation may carry `keywords`: words of its duties, the pickers' suggested targets before an office
has decided anything (a province's are the matters a city returns to it); re-imported like the last three.

A short name is what a button says: at most 24 characters, so that a phone shows it whole on one line. It
must differ from its siblings' (the buttons shown together) and from its parent's (a city office listed
among its own agencies), compared without regard to case; not globally, since only siblings ever share a
picker and the card names each in full ("DPUPR" may serve every city).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage import models
from storage.data_errors import InvalidOrganisationTree
from workflow.actors import CHILD_KIND, OrgKind
from workflow.suggestions import RETURN_TO_PROVINCE


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    not_in_file: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{len(self.created)} created, {len(self.updated)} updated, {len(self.unchanged)} unchanged"
            + (f", {len(self.not_in_file)} not in the file (left as they are)" if self.not_in_file else "")
        )


@dataclass(frozen=True)
class _Node:
    code: str
    kind: OrgKind
    name: str
    active: bool
    parent_code: str | None
    short_name: str | None = None
    region_code: str | None = None
    districts: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    line: int = field(default=0, compare=False)


class _Mapping(dict[Any, Any]):
    """A YAML mapping that remembers the line it starts on, so a refusal can point the operator at it."""

    line = 0


class _LineLoader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> _Mapping:
    mapping = _Mapping(loader.construct_mapping(node, deep=True))
    mapping.line = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _refuse(line: int, reason: str) -> InvalidOrganisationTree:
    error = InvalidOrganisationTree(f"line {line}: {reason}")
    error.line = line  # type: ignore[attr-defined]
    return error


def parse(text: str) -> list[_Node]:
    """The file's organisations, parents before children.

    `InvalidOrganisationTree` says what is wrong and starts with the line it is on ("line 7: ...").
    """
    try:
        document = yaml.load(text, Loader=_LineLoader) or {}  # a SafeLoader subclass: safe
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 1
        raise _refuse(line, f"not valid YAML: {error.problem or error.context}") from None
    except yaml.YAMLError as error:
        raise _refuse(1, f"not valid YAML: {error}") from None
    roots = document.get("organisations") if isinstance(document, dict) else None
    if not isinstance(roots, list):
        raise _refuse(getattr(document, "line", 1), "the file needs a list under 'organisations:'")
    nodes = list(_walk(roots, parent=None, line=getattr(document, "line", 1)))
    seen: dict[str, _Node] = {}
    for node in nodes:
        if node.code in seen:
            raise _refuse(node.line, f"code {node.code} used twice (first on line {seen[node.code].line})")
        seen[node.code] = node
    _check_short_names(nodes, seen)
    _check_region_codes(nodes)
    return nodes


SHORT_NAME_MAX = 24
REGION_CODE = re.compile(r"\d{4}")


def _check_short_names(nodes: list[_Node], by_code: dict[str, _Node]) -> None:
    """Buttons shown together must read apart: siblings and their parent (see the module's docstring)."""
    taken: dict[tuple[str | None, str], _Node] = {}
    for node in nodes:
        if not node.active:
            continue
        parent = by_code.get(node.parent_code) if node.parent_code else None
        if parent is not None and node.name.casefold() == parent.name.casefold():
            raise _refuse(
                node.line,
                f"{node.code}: named like its parent {parent.code} (line {parent.line}): an office is not "
                "one of its own targets",
            )
        if node.short_name is None:
            continue
        key = node.short_name.casefold()
        if parent is not None and parent.short_name is not None and parent.short_name.casefold() == key:
            raise _refuse(
                node.line,
                f"{node.code}: short_name {node.short_name!r} is its parent's ({parent.code}, line "
                f"{parent.line}): an office is not one of its own targets",
            )
        first = taken.setdefault((node.parent_code, key), node)
        if first is not node:
            raise _refuse(
                node.line,
                f"{node.code}: short_name {node.short_name!r} already names {first.code} (line {first.line}) "
                "beside it: buttons shown together must read apart",
            )


def _check_region_codes(nodes: list[_Node]) -> None:
    taken: dict[str, _Node] = {}
    for node in nodes:
        if node.region_code is None:
            continue
        first = taken.setdefault(node.region_code, node)
        if first is not node:
            raise _refuse(
                node.line,
                f"{node.code}: region_code {node.region_code} is already {first.code}'s (line {first.line})",
            )


def _shown(item: Any) -> str:
    return repr(dict(item) if isinstance(item, dict) else item)


def _walk(items: Any, parent: _Node | None, line: int) -> Iterator[_Node]:
    where = f"under {parent.code}" if parent else "at the top"
    if not isinstance(items, list):
        raise _refuse(line, f"the children {where} must be a list")
    for item in items:
        at = getattr(item, "line", line)
        if not isinstance(item, dict) or not {"code", "kind", "name"} <= item.keys():
            raise _refuse(
                at,
                f"an organisation {where} lacks code, kind or name: {_shown(item)}",
            )
        try:
            kind = OrgKind(item["kind"])
        except ValueError:
            raise _refuse(at, f"{item['code']}: unknown kind {item['kind']!r}") from None
        expected = CHILD_KIND.get(parent.kind) if parent else OrgKind.PROVINCE
        if kind != expected:
            raise _refuse(at, f"{item['code']}: a {kind} cannot sit {where}")
        code = str(item["code"]).strip()
        node = _Node(
            code=code,
            kind=kind,
            name=str(item["name"]).strip(),
            active=bool(item.get("active", True)),
            parent_code=parent.code if parent else None,
            short_name=_short_name(item, code, at),
            region_code=_region_code(item, code, kind, at),
            districts=_districts(item, code, kind, at),
            keywords=_keywords(item, code, at),
            line=at,
        )
        yield node
        yield from _walk(item.get("children") or [], node, at)


def _short_name(item: dict[str, Any], code: str, line: int) -> str | None:
    if item.get("short_name") is None:
        return None
    short = " ".join(str(item["short_name"]).split())
    if not short:
        raise _refuse(line, f"{code}: short_name is empty")
    if len(short) > SHORT_NAME_MAX:
        raise _refuse(
            line,
            f"{code}: short_name {short!r} has {len(short)} characters, at most {SHORT_NAME_MAX} fit on a "
            "phone's button",
        )
    return short


def _region_code(item: dict[str, Any], code: str, kind: OrgKind, line: int) -> str | None:
    if item.get("region_code") is None:
        return None
    if kind != OrgKind.CITY:
        raise _refuse(line, f"{code}: only a city or regency has a region_code")
    value = str(item["region_code"]).strip()
    if not REGION_CODE.fullmatch(value):
        raise _refuse(line, f"{code}: region_code {value!r} is not four digits (e.g. 3375)")
    return value


def _districts(item: dict[str, Any], code: str, kind: OrgKind, line: int) -> tuple[str, ...]:
    raw = item.get("districts")
    if raw is None:
        return ()
    if kind != OrgKind.CITY:
        raise _refuse(line, f"{code}: only a city or regency has districts")
    if not isinstance(raw, list) or not all(isinstance(d, str) and d.strip() for d in raw):
        raise _refuse(line, f"{code}: districts must be a list of kecamatan names")
    names = [" ".join(d.split()) for d in raw]
    twice = sorted({d for d in names if names.count(d) > 1})
    if twice:
        raise _refuse(line, f"{code}: districts named twice: {', '.join(twice)}")
    return tuple(names)


KEYWORD_MAX = 60


def _keywords(item: dict[str, Any], code: str, line: int) -> tuple[str, ...]:
    raw = item.get("keywords")
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(k, str) and k.strip() for k in raw):
        raise _refuse(line, f"{code}: keywords must be a list of words or short phrases")
    words = [" ".join(k.casefold().split()) for k in raw]
    long = [k for k in words if len(k) > KEYWORD_MAX]
    if long:
        raise _refuse(line, f"{code}: keyword {long[0]!r} is longer than {KEYWORD_MAX} characters")
    twice = sorted({k for k in words if words.count(k) > 1})
    if twice:
        raise _refuse(line, f"{code}: keywords named twice: {', '.join(twice)}")
    return tuple(words)


async def import_organisations(sessions: async_sessionmaker[AsyncSession], text: str) -> ImportReport:
    nodes = parse(text)
    report = ImportReport()
    async with sessions.begin() as session:
        existing = {row.code: row for row in await session.scalars(select(models.Organisation))}
        for node in nodes:
            parent_id = existing[node.parent_code].id if node.parent_code else None
            row = existing.get(node.code)
            if row is None:
                row = models.Organisation(
                    code=node.code,
                    kind=node.kind,
                    name=node.name,
                    parent_id=parent_id,
                    active=node.active,
                    short_name=node.short_name,
                    region_code=node.region_code,
                    districts=list(node.districts) or None,
                    keywords=list(node.keywords) or None,
                )
                session.add(row)
                await session.flush()
                existing[node.code] = row
                report.created.append(node.code)
                continue
            if row.kind != node.kind:
                raise _refuse(
                    node.line, f"{node.code} is registered as a {row.kind}, the file says {node.kind}"
                )
            wanted: dict[str, Any] = {"name": node.name, "parent_id": parent_id, "active": node.active}
            # Left out of the file, they stay as they are: an older file must not wipe what a newer one set.
            if node.short_name is not None:
                wanted["short_name"] = node.short_name
            if node.region_code is not None:
                wanted["region_code"] = node.region_code
            if node.districts:
                wanted["districts"] = list(node.districts)
            if node.keywords:
                wanted["keywords"] = list(node.keywords)
            if all(getattr(row, key) == value for key, value in wanted.items()):
                report.unchanged.append(node.code)
                continue
            for key, value in wanted.items():
                setattr(row, key, value)
            report.updated.append(node.code)
        in_file = {node.code for node in nodes}
        report.not_in_file = sorted(code for code in existing if code not in in_file)
    return report


async def export_organisations(sessions: async_sessionmaker[AsyncSession]) -> str:
    async with sessions() as session:
        rows = list(await session.scalars(select(models.Organisation).order_by(models.Organisation.id)))
    children: dict[int | None, list[models.Organisation]] = {}
    for row in rows:
        children.setdefault(row.parent_id, []).append(row)

    def node(row: models.Organisation) -> dict[str, Any]:
        item: dict[str, Any] = {"code": row.code, "kind": row.kind, "name": row.name}
        if row.short_name:
            item["short_name"] = row.short_name
        if row.region_code:
            item["region_code"] = row.region_code
        if row.districts:
            item["districts"] = list(row.districts)
        if row.keywords:
            item["keywords"] = list(row.keywords)
        if not row.active:
            item["active"] = False
        if row.id in children:
            item["children"] = [node(child) for child in children[row.id]]
        return item

    tree = {"organisations": [node(row) for row in children.get(None, [])]}
    return yaml.safe_dump(tree, allow_unicode=True, sort_keys=False, width=110)


def routing_keywords(text: str, city_code: str) -> dict[str, tuple[str, ...]]:
    """A registry file's duty keywords as a city's forward picker uses them: its agencies' by code (inactive
    ones too, so that the bench can score what an older registry routed to), and the province's under
    `workflow.suggestions.RETURN_TO_PROVINCE`."""
    nodes = parse(text)
    found = {node.code: node.keywords for node in nodes if node.parent_code == city_code and node.keywords}
    province = next((node for node in nodes if node.kind == OrgKind.PROVINCE), None)
    if province is not None and province.keywords:
        found[RETURN_TO_PROVINCE] = province.keywords
    return found
