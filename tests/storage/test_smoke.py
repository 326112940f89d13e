from tests.conftest import World, draft_for


async def test_submit(world: World) -> None:
    complaint = await world.complaints.submit(draft_for(world.reporter), world.reporter.as_actor())
    assert complaint.tracking_number == "LG-2026-000001"
    assert complaint.state == "at_province"
