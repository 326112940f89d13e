"""Who acts, and the organisation tree they belong to."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    REPORTER = "reporter"
    PROVINCE = "province"
    CITY = "city"
    OPD = "opd"
    OFFICER = "officer"
    OFFICIAL = "official"
    # The scheduler (auto-close after the reporter stays silent) acts as the system.
    SYSTEM = "system"


class OrgKind(StrEnum):
    PROVINCE = "province"
    CITY = "city"  # a city or regency, represented by its Dinkominfo office
    OPD = "opd"  # an agency (Organisasi Perangkat Daerah) of a city


# Which organisation kind each admin role belongs to.
ROLE_ORG_KIND: dict[Role, OrgKind] = {
    Role.PROVINCE: OrgKind.PROVINCE,
    Role.CITY: OrgKind.CITY,
    Role.OPD: OrgKind.OPD,
    Role.OFFICER: OrgKind.CITY,
    Role.OFFICIAL: OrgKind.CITY,
}

# The organisation kind a child of each kind must have.
CHILD_KIND: dict[OrgKind, OrgKind] = {OrgKind.PROVINCE: OrgKind.CITY, OrgKind.CITY: OrgKind.OPD}


@dataclass(frozen=True)
class Organisation:
    id: int
    kind: OrgKind
    code: str
    name: str
    parent_id: int | None = None
    active: bool = True
    # What a button says (at most 24 characters, the distinguishing word first); the card shows `name`.
    short_name: str = ""
    # A city's BPS/Kemendagri region code (the first four digits of its residents' NIK) and its kecamatan.
    region_code: str | None = None
    districts: tuple[str, ...] = ()
    # Words of its duties (registry `keywords`): the cold start of the pickers' suggested targets. A
    # province's are the matters a city returns to it.
    keywords: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return self.short_name or self.name


@dataclass(frozen=True)
class Actor:
    """Someone firing a trigger: an admin of an organisation, a reporter, or the system."""

    role: Role
    org_id: int | None = None
    reporter_id: int | None = None
    admin_id: int | None = None
    name: str = ""

    @property
    def is_admin(self) -> bool:
        return self.role in ROLE_ORG_KIND
