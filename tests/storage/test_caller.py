"""Who sent an update, read in one statement: the same language and admin seats as the separate look-ups."""

from __future__ import annotations

from sqlalchemy import update

from storage import models
from storage.directory import Caller
from tests.conftest import World
from workflow.actors import Role

STRANGER = 777_000_001


async def same_as_separate_lookups(world: World, telegram_id: int) -> Caller:
    caller = await world.directory.caller(telegram_id)
    assert caller.language == await world.directory.language_of(telegram_id)
    assert caller.admins == await world.directory.admins_of_user(telegram_id)
    return caller


async def test_someone_new_has_no_language_and_no_seat(world: World) -> None:
    assert await same_as_separate_lookups(world, STRANGER) == Caller(language=None, admins=[])


async def test_a_reporter_who_chose_english(world: World) -> None:
    await world.directory.set_language(world.reporter.telegram_id, "en", "Rina")
    caller = await same_as_separate_lookups(world, world.reporter.telegram_id)
    assert caller == Caller(language="en", admins=[])


async def test_an_admin_with_two_seats_has_both_in_the_order_they_were_given(world: World) -> None:
    city = world.admins["city"]
    officer = await world.directory.add_admin(
        telegram_id=city.telegram_id, role=Role.OFFICER, org_code="KOTA-PKL", full_name="Admin city"
    )
    await world.directory.set_language(city.telegram_id, "id", "Admin")
    caller = await same_as_separate_lookups(world, city.telegram_id)
    assert caller.language == "id"
    assert [seat.id for seat in caller.admins] == [city.id, officer.id]


async def test_a_deactivated_seat_is_gone_the_other_stays(world: World) -> None:
    city = world.admins["city"]
    officer = await world.directory.add_admin(
        telegram_id=city.telegram_id, role=Role.OFFICER, org_code="KOTA-PKL"
    )
    await world.directory.deactivate_admin(city.id)
    caller = await same_as_separate_lookups(world, city.telegram_id)
    assert [seat.id for seat in caller.admins] == [officer.id]
    assert caller.language is None


async def test_a_seat_in_an_inactive_organisation_is_no_seat(world: World) -> None:
    opd = world.admins["opd"]
    async with world.directory.sessions.begin() as session:
        await session.execute(
            update(models.Organisation).where(models.Organisation.id == opd.org.id).values(active=False)
        )
    assert await same_as_separate_lookups(world, opd.telegram_id) == Caller(language=None, admins=[])
