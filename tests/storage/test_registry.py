from pathlib import Path

import pytest
import yaml
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.data_errors import InvalidOrganisationTree
from storage.database import session_factory
from storage.directory import Directory
from storage.registry import export_organisations, import_organisations, parse, routing_keywords
from workflow.suggestions import RETURN_TO_PROVINCE

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


SHORT_NAMES = """
organisations:
  - code: JATENG
    kind: province
    name: Pemerintah Provinsi Jawa Tengah
    short_name: Pemprov Jateng
    children:
      - code: KOTA-PEKALONGAN
        kind: city
        name: Dinas Komunikasi dan Informatika Kota Pekalongan
        short_name: Kota Pekalongan
        region_code: "3375"
        districts: [Pekalongan Barat, Pekalongan Timur]
        children:
          - code: PKL-DPUPR
            kind: opd
            name: Dinas Pekerjaan Umum dan Penataan Ruang Kota Pekalongan
            short_name: DPUPR
      - code: KAB-BATANG
        kind: city
        name: Dinas Komunikasi dan Informatika Kabupaten Batang
        short_name: Kab. Batang
        region_code: "3325"
        children:
          - code: BTG-DPUPR
            kind: opd
            name: Dinas Pekerjaan Umum dan Penataan Ruang Kabupaten Batang
            short_name: DPUPR
"""


def line_of(code: str, text: str = SHORT_NAMES) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if line.strip() == f"- code: {code}")


KOTA, DPUPR, BATANG = (line_of(code) for code in ("KOTA-PEKALONGAN", "PKL-DPUPR", "KAB-BATANG"))


def refusal(text: str) -> str:
    with pytest.raises(InvalidOrganisationTree) as caught:
        parse(text)
    return str(caught.value)


def test_every_organisation_of_the_example_has_a_short_name_that_fits_a_phones_button() -> None:
    nodes = parse(EXAMPLE.read_text(encoding="utf-8"))
    assert all(node.short_name and len(node.short_name) <= 24 for node in nodes)
    cities = [node for node in nodes if node.kind == "city"]
    assert len({node.region_code for node in cities}) == 35
    by_code = {node.code: node for node in nodes}
    assert (by_code["KOTA-PEKALONGAN"].short_name, by_code["KOTA-PEKALONGAN"].region_code) == (
        "Kota Pekalongan",
        "3375",
    )
    assert (by_code["KAB-PEKALONGAN"].short_name, by_code["KAB-PEKALONGAN"].region_code) == (
        "Kab. Pekalongan",
        "3326",
    )
    assert "Kajen" in by_code["KAB-PEKALONGAN"].districts
    assert len(by_code["KOTA-PEKALONGAN"].districts) == 4
    assert len(by_code["KAB-PEKALONGAN"].districts) == 19
    assert len(by_code["KAB-BATANG"].districts) == 15


def test_a_short_name_shared_by_agencies_of_different_cities_is_fine_but_not_by_siblings() -> None:
    assert [node.short_name for node in parse(SHORT_NAMES)][-1] == "DPUPR"
    twice = SHORT_NAMES.replace("short_name: Kab. Batang", "short_name: kota pekalongan")
    assert refusal(twice) == (
        f"line {BATANG}: KAB-BATANG: short_name 'kota pekalongan' already names KOTA-PEKALONGAN "
        f"(line {KOTA}) beside it: buttons shown together must read apart"
    )


def test_a_short_name_longer_than_a_phones_button_is_refused_with_its_line() -> None:
    long = SHORT_NAMES.replace(
        "            short_name: DPUPR\n      - code: KAB-BATANG",
        "            short_name: Dinas Pekerjaan Umum dan PR\n      - code: KAB-BATANG",
    )
    assert refusal(long) == (
        f"line {DPUPR}: PKL-DPUPR: short_name 'Dinas Pekerjaan Umum dan PR' has 27 characters, at most 24 "
        "fit on a phone's button"
    )


def test_an_office_cannot_be_one_of_its_own_targets() -> None:
    named_alike = SHORT_NAMES.replace(
        "name: Dinas Pekerjaan Umum dan Penataan Ruang Kota Pekalongan",
        "name: Dinas Komunikasi dan Informatika Kota Pekalongan",
    )
    assert refusal(named_alike).startswith(
        f"line {DPUPR}: PKL-DPUPR: named like its parent KOTA-PEKALONGAN (line {KOTA})"
    )
    short_alike = SHORT_NAMES.replace(
        "            short_name: DPUPR\n      - code: KAB",
        "            short_name: Kota Pekalongan\n      - code: KAB",
    )
    assert refusal(short_alike).startswith(
        f"line {DPUPR}: PKL-DPUPR: short_name 'Kota Pekalongan' is its parent's"
    )
    # Inactive, an older registry's duplicate of the office may stay in the file, to be retired.
    inactive = named_alike.replace(
        "            short_name: DPUPR\n      - code: KAB",
        "            short_name: DPUPR\n            active: false\n      - code: KAB",
    )
    assert [node.active for node in parse(inactive) if node.code == "PKL-DPUPR"] == [False]


def test_region_codes_and_districts_are_checked() -> None:
    assert refusal(SHORT_NAMES.replace('region_code: "3325"', 'region_code: "3375"')).startswith(
        f"line {BATANG}: KAB-BATANG: region_code 3375 is already KOTA-PEKALONGAN's (line {KOTA})"
    )
    assert refusal(SHORT_NAMES.replace('region_code: "3325"', "region_code: 33-25")).startswith(
        f"line {BATANG}: KAB-BATANG: region_code '33-25' is not four digits"
    )
    assert refusal(
        SHORT_NAMES.replace(
            "short_name: DPUPR\n      - code",
            'short_name: DPUPR\n            region_code: "3375"\n      - code',
        )
    ).startswith(f"line {DPUPR}: PKL-DPUPR: only a city or regency has a region_code")
    assert refusal(SHORT_NAMES.replace("[Pekalongan Barat, Pekalongan Timur]", "Pekalongan Barat")) == (
        f"line {KOTA}: KOTA-PEKALONGAN: districts must be a list of kecamatan names"
    )


async def test_short_names_regions_and_districts_are_stored_exported_and_kept_by_an_older_file(
    clean_engine: AsyncEngine,
) -> None:
    sessions = session_factory(clean_engine)
    await import_organisations(sessions, SHORT_NAMES)
    directory = Directory(sessions)
    kota = await directory.organisation_by_code("KOTA-PEKALONGAN")
    assert kota is not None
    assert (kota.label, kota.region_code, kota.districts) == (
        "Kota Pekalongan",
        "3375",
        ("Pekalongan Barat", "Pekalongan Timur"),
    )
    exported = await export_organisations(sessions)
    assert [(n.short_name, n.region_code, n.districts) for n in parse(exported)] == [
        (n.short_name, n.region_code, n.districts) for n in parse(SHORT_NAMES)
    ]
    # A file written before short names existed updates names and leaves the short names as they were.
    older = "\n".join(
        line for line in SHORT_NAMES.splitlines() if "short_name" not in line and "region_code" not in line
    )
    report = await import_organisations(sessions, older)
    assert report.updated == []
    kota = await directory.organisation_by_code("KOTA-PEKALONGAN")
    assert kota is not None
    assert (kota.short_name, kota.region_code) == ("Kota Pekalongan", "3375")


KEYWORDS = SHORT_NAMES.replace(
    "short_name: DPUPR\n",
    "short_name: DPUPR\n            keywords: [Jalan Rusak, lubang, aspal]\n",
).replace(
    "short_name: Pemprov Jateng\n",
    "short_name: Pemprov Jateng\n    keywords: [sma, samsat]\n",
)


async def test_duty_keywords_are_stored_exported_and_kept_by_an_older_file(clean_engine: AsyncEngine) -> None:
    sessions = session_factory(clean_engine)
    await import_organisations(sessions, KEYWORDS)
    directory = Directory(sessions)
    dpupr = await directory.organisation_by_code("PKL-DPUPR")
    assert dpupr is not None
    assert dpupr.keywords == ("jalan rusak", "lubang", "aspal")  # compared as the text is: lower case
    assert (await directory.province()).keywords == ("sma", "samsat")
    exported = await export_organisations(sessions)
    assert [n.keywords for n in parse(exported)] == [n.keywords for n in parse(KEYWORDS)]
    report = await import_organisations(sessions, SHORT_NAMES)  # a file without keywords keeps them
    assert report.updated == []
    assert routing_keywords(KEYWORDS, "KOTA-PEKALONGAN") == {
        "PKL-DPUPR": ("jalan rusak", "lubang", "aspal"),
        RETURN_TO_PROVINCE: ("sma", "samsat"),
    }


def test_keywords_are_checked() -> None:
    assert refusal(KEYWORDS.replace("[sma, samsat]", "sma")) == (
        "line 3: JATENG: keywords must be a list of words or short phrases"
    )
    assert (
        refusal(KEYWORDS.replace("[sma, samsat]", "[sma, SMA]"))
        == "line 3: JATENG: keywords named twice: sma"
    )


def test_every_agency_of_kota_pekalongan_has_duty_keywords() -> None:
    """The cold start of the pickers' suggestions: no agency left without words, the province's too."""
    found = routing_keywords(EXAMPLE.read_text(encoding="utf-8"), "KOTA-PEKALONGAN")
    agencies = [n for n in parse(EXAMPLE.read_text(encoding="utf-8")) if n.parent_code == "KOTA-PEKALONGAN"]
    assert {n.code for n in agencies} | {RETURN_TO_PROVINCE} == set(found)
    assert all(len(words) >= 3 for words in found.values())
