"""The picker's queries: where an office may send a complaint, and where it usually does."""

from __future__ import annotations

from sqlalchemy import update

from storage import models
from tests.conftest import World
from tests.e2e.admin_desk import down_to, fire, seed
from workflow.actors import OrgKind
from workflow.definitions import T


async def test_an_agency_named_like_its_city_office_is_never_one_of_its_targets(world: World) -> None:
    # What an older registry left: the city's Dinkominfo registered as one of its own agencies.
    await world.directory.add_organisation(
        code="PKL-DINKOMINFO", name="Dinkominfo Kota Pekalongan", kind=OrgKind.OPD, parent_code="KOTA-PKL"
    )
    targets = await world.directory.targets(world.orgs["KOTA-PKL"].id, OrgKind.OPD)
    assert [org.code for org in targets] == ["PKL-DLH", "PKL-DPUPR"]


async def test_targets_are_the_active_children_of_the_kind_asked_by_label(world: World) -> None:
    await world.directory.add_organisation(
        code="PKL-BPBD",
        name="Badan Penanggulangan Bencana Daerah",
        kind=OrgKind.OPD,
        parent_code="KOTA-PKL",
        short_name="BPBD",
    )
    await world.directory.add_organisation(
        code="PKL-OLD", name="Dinas Lama", kind=OrgKind.OPD, parent_code="KOTA-PKL", short_name="Aaa Lama"
    )
    async with world.directory.sessions.begin() as session:
        await session.execute(
            update(models.Organisation).where(models.Organisation.code == "PKL-OLD").values(active=False)
        )
    targets = await world.directory.targets(world.orgs["KOTA-PKL"].id, OrgKind.OPD)
    assert [org.label for org in targets] == [
        "BPBD",
        "Dinas Lingkungan Hidup Kota Pekalongan",
        "Dinas Pekerjaan Umum dan Penataan Ruang Kota Pekalongan",
    ]
    assert await world.directory.targets(world.orgs["KOTA-PKL"].id, OrgKind.CITY) == []


async def test_most_used_targets_count_the_offices_own_moves_most_first(world: World) -> None:
    city = world.orgs["KOTA-PKL"].id
    assert await world.directory.most_used_targets(city, T.FORWARD) == []
    for target in ("PKL-DLH", "PKL-DPUPR", "PKL-DLH"):
        complaint = await down_to(world, await seed(world), T.DISPOSE)
        await fire(world, complaint, "city", T.FORWARD, target_org_id=world.orgs[target].id)
    # Batang's habits are Batang's.
    batang = await fire(
        world, await seed(world), "province", T.DISPOSE, target_org_id=world.orgs["KAB-BATANG"].id
    )
    await fire(world, batang, "batang", T.FORWARD, target_org_id=world.orgs["BTG-DPU"].id)
    assert await world.directory.most_used_targets(city, T.FORWARD) == [
        world.orgs["PKL-DLH"].id,
        world.orgs["PKL-DPUPR"].id,
    ]
    assert await world.directory.most_used_targets(city, T.FORWARD, limit=1) == [world.orgs["PKL-DLH"].id]
    province = world.orgs["JATENG"].id
    assert await world.directory.most_used_targets(province, T.DISPOSE) == [
        world.orgs["KOTA-PKL"].id,
        world.orgs["KAB-BATANG"].id,
    ]
