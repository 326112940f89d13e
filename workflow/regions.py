"""Which city or regency a complaint is likely about, from what the bot already knows of it.

Two clues, both already stored: the place the reporter typed ("Jl. Raya Kajen", "Kab. Pekalongan") matched
against the registry's city names and kecamatan, and the reporter's NIK, whose first four digits are the
region code of where they are registered (3375 = Kota Pekalongan). The place says where it happened and
comes first; the NIK says where the reporter lives. A shared location is not used: telling a regency from
its coordinates needs boundary polygons the registry does not hold.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from workflow.actors import Organisation

_NOT_A_LETTER = re.compile(r"[^0-9a-z]+")
# What people write before a place's name, as the registry's names write it.
_PREFIXES = {"kab": "kabupaten", "kec": "kecamatan"}
_TIER = re.compile(r"\b(kabupaten|kota)\s+(.+)$")
# A street is named after anything ("Jl. Gajah Mada" is in every city; Gajah is also a kecamatan of Demak):
# what follows "Jl." up to the next comma says nothing of where the street is.
_STREET = re.compile(r"\b(jl|jln|jalan|gg|gang)\b\.?[^,;\n]*", re.IGNORECASE)


def words(text: str) -> str:
    """Lower-case words separated by single spaces, with a space at each end for whole-word matching."""
    tokens = _NOT_A_LETTER.sub(" ", text.casefold()).split()
    return " " + " ".join(_PREFIXES.get(token, token) for token in tokens) + " "


def region_of_nik(nik: str | None) -> str | None:
    """The regency/city code in a NIK: its first four digits (province, then regency or city)."""
    digits = (nik or "").strip()
    return digits[:4] if len(digits) >= 4 and digits[:4].isdigit() else None


def _place(city: Organisation) -> tuple[str, str] | None:
    """("kota", "pekalongan") from "Dinas Komunikasi dan Informatika Kota Pekalongan"."""
    for name in (city.name, city.short_name):
        found = _TIER.search(words(name).strip())
        if found:
            return found.group(1), found.group(2)
    return None


def likely_cities(place: str, nik: str | None, cities: Sequence[Organisation]) -> list[int]:
    """Ids of the cities the complaint is likely in, most likely first; none when nothing matches.

    Street names are left out of the place: "Jl. Gajah Mada, Pekalongan Timur" is in Kota Pekalongan.

    First the cities the place names exactly (with "Kota"/"Kabupaten", or one of its kecamatan), then the
    reporter's own city by NIK, then cities the place names without saying which tier ("Pekalongan" is both a
    kota and a kabupaten), then the namesakes of all these.
    """
    text = words(_STREET.sub(" ", place))
    places = {city.id: _place(city) for city in cities}
    # The place word of each city ("pekalongan"), and its names that say which one it is: "kota pekalongan",
    # "kabupaten pekalongan", a kecamatan.
    place_words = {org_id: tier[1] for org_id, tier in places.items() if tier is not None}
    exact = {
        city.id: [words(district) for district in city.districts]
        + [f" {tier[0]} {tier[1]} " for tier in (places[city.id],) if tier is not None]
        for city in cities
    }
    named = [city.id for city in cities if any(name in text for name in exact[city.id])]
    # What is left once those are taken out: "Pekalongan" alone, in "Pekalongan Timur" no longer.
    rest = text
    for name in sorted((name for names in exact.values() for name in names), key=len, reverse=True):
        rest = rest.replace(name, " ")
    bare = [city.id for city in cities if city.id not in named and f" {place_words.get(city.id)} " in rest]
    code = region_of_nik(nik)
    by_nik = [city.id for city in cities if code is not None and city.region_code == code]
    # Last, the namesakes of those (Kabupaten Pekalongan beside Kota Pekalongan): the likeliest mix-up.
    found = {place_words[org_id] for org_id in (*named, *by_nik, *bare) if org_id in place_words}
    namesakes = [city.id for city in cities if place_words.get(city.id) in found]
    ordered: list[int] = []
    for org_id in (*named, *by_nik, *bare, *namesakes):
        if org_id not in ordered:
            ordered.append(org_id)
    return ordered


def named_in(text: str, targets: Sequence[Organisation]) -> list[int]:
    """Ids of the targets a sentence names ("… mohon diteruskan ke DPUPR"), by short name or full name."""
    said = words(text)
    return [
        org.id
        for org in targets
        if any(f" {words(name).strip()} " in said for name in (org.label, org.name) if name.strip())
    ]


def narrow(typed: str, targets: Sequence[Organisation]) -> list[Organisation]:
    """The targets whose short name, name or a kecamatan contains what was typed, short-name matches first."""
    wanted = words(typed).strip()
    if not wanted:
        return list(targets)
    first = [org for org in targets if wanted in words(org.label)]
    rest = [
        org
        for org in targets
        if org not in first
        and (wanted in words(org.name) or any(wanted in words(district) for district in org.districts))
    ]
    return first + rest
