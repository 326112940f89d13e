"""The routing history read ahead, on both databases: which offices route, each read once by the warm-up,
a picker afterwards reading nothing, and a picker arriving during an office's read waiting for that read."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from storage import models, routing_history
from storage.routing_history import RoutingHistory, routing_offices
from tests.conftest import World
from workflow.actors import OrgKind, Role


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The offices `RoutingHistory` reads from the log, in order."""
    seen: list[int] = []
    read = routing_history._read

    async def counted(session: Any, office_id: int, *args: Any) -> Any:
        seen.append(office_id)
        return await read(session, office_id, *args)

    monkeypatch.setattr(routing_history, "_read", counted)
    return seen


async def test_the_offices_that_route_are_the_province_and_cities_with_their_admins(world: World) -> None:
    # A city whose only seat is an officer's desk, and one whose admin left: neither picks targets.
    for code in ("KOTA-TGL", "KAB-PATI"):
        await world.directory.add_organisation(
            code=code, name=f"Dinkominfo {code}", kind=OrgKind.CITY, parent_code="JATENG"
        )
    await world.directory.add_admin(telegram_id=4101, role=Role.OFFICER, org_code="KOTA-TGL", full_name="P")
    left = await world.directory.add_admin(
        telegram_id=2201, role=Role.CITY, org_code="KAB-PATI", full_name="Q"
    )
    async with world.directory.sessions.begin() as session:
        row = await session.get(models.Admin, left.id)
        assert row is not None
        row.active = False
    async with world.directory.sessions() as session:
        offices = await routing_offices(session)
    assert offices == sorted(world.orgs[code].id for code in ("JATENG", "KOTA-PKL", "KAB-BATANG"))


async def test_warming_reads_each_office_once_and_the_picker_reads_nothing(
    world: World, reads: list[int]
) -> None:
    history = RoutingHistory(world.directory.sessions)
    assert await history.warm() == 3
    city = world.orgs["KOTA-PKL"].id
    assert sorted(reads) == sorted(world.orgs[code].id for code in ("JATENG", "KOTA-PKL", "KAB-BATANG"))
    await history.of(city)
    assert await history.warm() == 0  # nothing left to read
    assert len(reads) == 3


async def test_a_picker_during_an_offices_read_waits_for_it_instead_of_reading_again(
    world: World, reads: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    gate, reading = asyncio.Event(), asyncio.Event()
    read = routing_history._read  # the counting one

    async def held(session: Any, office_id: int, *args: Any) -> Any:
        reading.set()
        await gate.wait()
        return await read(session, office_id, *args)

    monkeypatch.setattr(routing_history, "_read", held)
    history = RoutingHistory(world.directory.sessions)
    province = world.orgs["JATENG"].id
    history.start_warming()
    await reading.wait()  # the warm-up reads the province first
    assert province in history._reading
    picker = asyncio.create_task(history.of(province))
    await asyncio.sleep(0.05)
    assert not picker.done()
    gate.set()
    await picker
    await history.warmed()
    assert reads.count(province) == 1
    assert len(reads) == 3
    await history.stop_warming()
