from pathlib import Path

import pytest
import yaml
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.database import session_factory
from storage.directory import Directory
from storage.errors import InvalidOrganisationTree
from storage.registry import export_organisations, import_organisations, parse

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "orgs-jateng.yaml"


async def test_the_example_registry_imports_once_however_often_it_is_imported(
    clean_engine: AsyncEngine,
) -> None:
    sessions = session_factory(clean_engine)
    text = EXAMPLE.read_text(encoding="utf-8")
    first = await import_organisations(sessions, text)
    assert (len(first.created), first.updated) == (62, [])
    again = await import_organisations(sessions, text)
    assert (again.created, again.updated, len(again.unchanged)) == ([], [], 62)
    directory = Directory(sessions)
    province = await directory.province()
    assert len(await directory.children(province.id)) == 35
    pekalongan = await directory.organisation_by_code("KOTA-PEKALONGAN")
    assert pekalongan is not None
    assert len(await directory.children(pekalongan.id)) == 25  # its Dinkominfo is no agency of its own


async def test_reimport_updates_names_and_deactivates_without_deleting(clean_engine: AsyncEngine) -> None:
    sessions = session_factory(clean_engine)
    await import_organisations(sessions, EXAMPLE.read_text(encoding="utf-8"))
    changed = """
organisations:
  - code: JATENG
    kind: province
    name: Pemerintah Provinsi Jawa Tengah
    children:
      - code: KOTA-PEKALONGAN
        kind: city
        name: Dinas Komunikasi, Informatika dan Statistik Kota Pekalongan
        children:
          - code: PKL-DISPERKIM
            kind: opd
            name: Dinas Perumahan Rakyat dan Kawasan Permukiman Kota Pekalongan
            active: false
"""
    report = await import_organisations(sessions, changed)
    assert sorted(report.updated) == ["KOTA-PEKALONGAN", "PKL-DISPERKIM"]
    assert len(report.not_in_file) == 62 - 3
    directory = Directory(sessions)
    disperkim = await directory.organisation_by_code("PKL-DISPERKIM")
    assert disperkim is not None
    assert not disperkim.active
    exported = yaml.safe_load(await export_organisations(sessions))
    assert len(parse(yaml.safe_dump(exported))) == 62
    city = next(c for c in exported["organisations"][0]["children"] if c["code"] == "KOTA-PEKALONGAN")
    assert city["name"] == "Dinas Komunikasi, Informatika dan Statistik Kota Pekalongan"


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ("organisations: {}", "a list under 'organisations:'"),
        ("organisations:\n  - {code: X, kind: city, name: X}", "a city cannot sit at the top"),
        (
            "organisations:\n  - {code: X, kind: province, name: X, children: [{code: Y, kind: opd}]}",
            "lacks code, kind or name",
        ),
        (
            "organisations:\n  - {code: X, kind: province, name: X,\n"
            "     children: [{code: Y, kind: opd, name: Y}]}",
            "cannot sit under X",
        ),
        ("organisations:\n  - {code: X, kind: nation, name: X}", "unknown kind"),
        ("organisations:\n  - {code: X, kind: province}", "lacks code, kind or name"),
        (
            "organisations:\n  - {code: X, kind: province, name: X}\n  - {code: X, kind: province, name: Y}",
            "used twice",
        ),
    ],
)
def test_a_malformed_registry_is_refused_with_the_reason(text: str, complaint: str) -> None:
    with pytest.raises(InvalidOrganisationTree, match=complaint):
        parse(text)


@pytest.mark.parametrize(
    ("text", "line", "complaint"),
    [
        ("organisations:\n  - code: X\n    kind: province\n    name: [unclosed\n", 5, "not valid YAML"),
        ("organisations:\n  - code: X\n\tkind: province\n", 3, "not valid YAML"),
        (
            "organisations:\n  - code: X\n    kind: province\n    name: X\n    children:\n"
            "      - code: Y\n        kind: city\n        name: Y\n      - code: Z\n        kind: nation\n"
            "        name: Z\n",
            9,
            "unknown kind",
        ),
        (
            "organisations:\n  - code: X\n    kind: province\n    name: X\n    children:\n"
            "      - code: X\n        kind: city\n        name: again\n",
            6,
            "used twice \\(first on line 2\\)",
        ),
        (
            "# the registry\n\norganisations:\n  - {code: X, kind: province, name: X, children: 3}\n",
            4,
            "list",
        ),
    ],
)
def test_a_malformed_registry_names_the_line(text: str, line: int, complaint: str) -> None:
    with pytest.raises(InvalidOrganisationTree, match=f"^line {line}: .*{complaint}"):
        parse(text)
