"""Two admins of one office with the same name: when one acts, only that one's card copy says "done"; the
namesake's copy says who handled it, as every other colleague's does. The acting admin is recognised by
their admin id, not by their name."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.dev.local_api import LocalBotApi
from tests.conftest import World, draft_for
from tests.e2e.chat import Reporter, visible
from tests.e2e.notifications import delivered, notifier_for, open_chats
from workflow.actors import Role
from workflow.definitions import T


async def test_only_the_acting_namesake_reads_done(
    local_api: LocalBotApi, clean_engine: AsyncEngine, world: World
) -> None:
    acting = world.admins["city"]
    world.admins["city_twin"] = await world.directory.add_admin(
        telegram_id=2004, role=Role.CITY, org_code="KOTA-PKL", full_name=acting.full_name
    )
    await open_chats(world, local_api, "city", "city_twin")
    notifier = notifier_for(local_api, clean_engine, world)
    notifier.start()
    try:
        complaint = await world.complaints.submit(draft_for(world.reporter), world.reporter.as_actor())
        await world.complaints.fire(
            complaint.id,
            world.actor("province"),
            T.DISPOSE,
            seen_version=1,
            target_org_id=world.orgs["KOTA-PKL"].id,
        )
        await delivered(clean_engine, None)
        await world.complaints.fire(
            complaint.id,
            world.actor("city"),
            T.FORWARD,
            seen_version=2,
            target_org_id=world.orgs["PKL-DPUPR"].id,
        )
        await delivered(clean_engine, None)
    finally:
        await notifier.stop()

    def card_of(seat: str) -> str:
        person = local_api.user(world.admins[seat].telegram_id)
        # The task card came first; the acting admin's confirmation follows it.
        card = next(m for m in person.chat().bot_messages() if complaint.tracking_number in (m.text or ""))
        return card.text or ""

    reader = Reporter(local_api.user(acting.telegram_id))
    done = visible(reader.t("admin.card.done", what="@", name=acting.full_name, at="")).split("@")[0]
    handled = visible(reader.t("notify.handled", name=acting.full_name, at="@", what="")).split("@")[0]
    assert done in card_of("city")
    assert handled not in card_of("city")
    assert handled in card_of("city_twin")
    assert done not in card_of("city_twin")
