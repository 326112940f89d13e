"""An office is never one of its own targets, even where an older registry made it one."""

from __future__ import annotations

import pytest

from tests.workflow.test_machine import CITY, CITY_ADMIN, at, fire
from workflow.actors import Organisation, OrgKind
from workflow.definitions import S, T
from workflow.errors import InvalidTarget

# What the example registry once held: Kota Pekalongan's Dinkominfo as one of its own agencies.
CITY_AS_ITS_OWN_AGENCY = Organisation(9, OrgKind.OPD, "PKL-DINKOMINFO", CITY.name.upper(), parent_id=CITY.id)


def test_a_city_cannot_forward_to_an_agency_that_is_itself() -> None:
    with pytest.raises(InvalidTarget, match="is KOTA-PKL itself"):
        fire(at(S.AT_CITY), CITY_ADMIN, T.FORWARD, target=CITY_AS_ITS_OWN_AGENCY)
