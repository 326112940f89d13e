"""A complaint's card, read in one statement, holds exactly what the separate reads hold, on both backends."""

from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.conftest import World, draft_for
from workflow.complaint import AttachmentDraft, AttachmentKind
from workflow.definitions import T


async def test_the_card_is_one_statement_with_everything_the_separate_reads_give(
    world: World, clean_engine: AsyncEngine
) -> None:
    world.clock.advance(microseconds=123_457)  # an instant JSON must carry to the microsecond
    complaint = await world.complaints.submit(
        draft_for(
            world.reporter,
            attachments=(
                AttachmentDraft("photo-1", AttachmentKind.PHOTO, size=1000),
                AttachmentDraft(
                    "doc-1", AttachmentKind.DOCUMENT, file_name="denah.pdf", mime_type="application/pdf"
                ),
            ),
        ),
        world.reporter.as_actor(),
    )
    # Another complaint goes to Batang: its organisations must not show on this card.
    other = await world.complaints.submit(draft_for(world.reporter), world.reporter.as_actor())
    await world.complaints.fire(
        other.id,
        world.actor("province"),
        T.DISPOSE,
        seen_version=1,
        target_org_id=world.orgs["KAB-BATANG"].id,
    )
    steps = [
        ("province", T.DISPOSE, {"target_org_id": world.orgs["KOTA-PKL"].id}),
        ("city", T.FORWARD, {"target_org_id": world.orgs["PKL-DPUPR"].id}),
        ("opd", T.RETURN_TO_CITY, {"reason": "Bukan tugas kami"}),
        ("city", T.FORWARD, {"target_org_id": world.orgs["PKL-DLH"].id}),
        ("dlh", T.ACCEPT, {}),
        (
            "dlh",
            T.SUBMIT_RESULT,
            {"result": "Sudah.", "attachments": (AttachmentDraft("result-1", AttachmentKind.PHOTO),)},
        ),
    ]
    version = 1
    for seat, trigger, options in steps:
        world.clock.advance(hours=1, microseconds=1)
        moved = await world.complaints.fire(
            complaint.id, world.actor(seat), trigger, seen_version=version, **options
        )
        version = moved.complaint.version

    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(clean_engine.sync_engine, "before_cursor_execute", count)
    try:
        card = await world.complaints.card(complaint.id)
    finally:
        event.remove(clean_engine.sync_engine, "before_cursor_execute", count)
    assert card is not None
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 1

    assert card.complaint == await world.complaints.get(complaint.id)
    assert card.history == await world.complaints.history(complaint.id)
    assert card.attachments == await world.complaints.attachments(complaint.id)
    assert [(a.telegram_file_id, a.is_result) for a in card.attachments] == [
        ("photo-1", False),
        ("doc-1", False),
        ("result-1", True),
    ]
    assert card.history[0].at.microsecond == 123_457
    assert card.reporter == world.reporter
    assert card.orgs == {
        world.orgs[code].id: world.orgs[code] for code in ("JATENG", "KOTA-PKL", "PKL-DPUPR", "PKL-DLH")
    }
