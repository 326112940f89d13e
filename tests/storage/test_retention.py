"""Delivered notices are deleted once their complaint is finished and the retention has passed; nothing a
complaint can still need, nothing refused for good, and nothing recent goes."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app.scheduler_loop import SchedulerLoop
from storage import models
from storage.database import session_factory
from storage.retention import ERASED_NAME, erase_identities, purge_sent_notices
from tests.conftest import World, draft_for
from workflow.calendar import WorkingCalendar
from workflow.definitions import T


async def _kinds_left(engine: AsyncEngine) -> list[tuple[int | None, str, str]]:
    async with session_factory(engine)() as session:
        rows = await session.execute(
            select(
                models.OutboxMessage.complaint_id,
                models.OutboxMessage.status,
                models.OutboxMessage.dedupe_key,
            )
        )
        return sorted(((c, s, k) for c, s, k in rows), key=lambda r: r[2])


async def _age_all_sent(engine: AsyncEngine, world: World, days: float) -> None:
    async with session_factory(engine).begin() as session:
        await session.execute(
            update(models.OutboxMessage).values(status="sent", sent_at=world.clock.now - timedelta(days=days))
        )


async def test_only_old_delivered_notices_of_finished_complaints_go(
    world: World, clean_engine: AsyncEngine
) -> None:
    open_one = await world.complaints.submit(draft_for(world.reporter), world.reporter.as_actor())
    await world.complaints.fire(
        open_one.id,
        world.actor("province"),
        T.DISPOSE,
        seen_version=1,
        target_org_id=world.orgs["KOTA-PKL"].id,
    )
    finished = await world.complaints.submit(draft_for(world.reporter), world.reporter.as_actor())
    await world.complaints.fire(
        finished.id, world.actor("province"), T.REJECT, seen_version=1, reason="Bukan kewenangan Pemprov."
    )
    await _age_all_sent(clean_engine, world, days=40)
    async with session_factory(clean_engine).begin() as session:
        for key, complaint_id, status, age in [
            ("no-complaint-old", None, "sent", 40),
            ("finished-recent", finished.id, "sent", 5),
            ("finished-refused", finished.id, "failed", 40),
        ]:
            session.add(
                models.OutboxMessage(
                    chat_id=1,
                    kind="test",
                    complaint_id=complaint_id,
                    payload={},
                    status=status,
                    next_attempt_at=world.clock.now,
                    sent_at=world.clock.now - timedelta(days=age) if status == "sent" else None,
                    dedupe_key=key,
                )
            )
    before = await _kinds_left(clean_engine)
    finished_old = [
        row for row in before if row[0] == finished.id and row[1] == "sent" and row[2] != "finished-recent"
    ]
    assert finished_old, before

    purged = await purge_sent_notices(session_factory(clean_engine), world.clock.now, timedelta(days=30))

    after = await _kinds_left(clean_engine)
    assert purged == len(finished_old) + 1
    assert [row for row in before if row not in after] == sorted(
        [*finished_old, (None, "sent", "no-complaint-old")], key=lambda r: r[2]
    )
    assert all(
        row[0] == open_one.id for row in after if row[2] not in ("finished-recent", "finished-refused")
    )


async def test_the_scheduler_purges_at_most_hourly(world: World, clean_engine: AsyncEngine) -> None:
    complaint = await world.complaints.submit(draft_for(world.reporter), world.reporter.as_actor())
    await world.complaints.fire(
        complaint.id, world.actor("province"), T.REJECT, seen_version=1, reason="Bukan."
    )
    await _age_all_sent(clean_engine, world, days=31)
    loop = SchedulerLoop(
        session_factory(clean_engine),
        WorkingCalendar(),
        clock=world.clock,
        outbox_retention=timedelta(days=30),
    )
    await loop.run_once()
    assert await _kinds_left(clean_engine) == []

    world.clock.advance(minutes=10)
    complaint = await world.complaints.submit(draft_for(world.reporter), world.reporter.as_actor())
    await world.complaints.fire(
        complaint.id, world.actor("province"), T.REJECT, seen_version=1, reason="Bukan."
    )
    await _age_all_sent(clean_engine, world, days=31)
    await loop.run_once()
    assert await _kinds_left(clean_engine) != []  # within the hour: left for the next purge
    world.clock.advance(hours=1)
    await loop.run_once()
    assert await _kinds_left(clean_engine) == []


async def test_identities_are_erased_once_every_complaint_finished_long_enough_ago(
    world: World, clean_engine: AsyncEngine
) -> None:
    sessions = session_factory(clean_engine)
    finished = await world.complaints.submit(draft_for(world.reporter), world.reporter.as_actor())
    await world.complaints.fire(
        finished.id, world.actor("province"), T.REJECT, seen_version=1, reason="Bukan."
    )
    other = await world.directory.save_reporter(telegram_id=9002, identity=World.reporter_identity_of_other())
    still_open = await world.complaints.submit(draft_for(other), other.as_actor())
    later = world.clock.now + timedelta(days=400)

    assert await erase_identities(sessions, world.clock.now, timedelta(days=365)) == 0  # not yet
    assert await erase_identities(sessions, later, timedelta(days=365)) == 1

    erased = await world.directory.reporter_by_telegram_id(world.reporter.telegram_id or 0)
    assert erased is not None
    assert erased.erased
    assert (erased.full_name, erased.nik, erased.phone, erased.address) == (ERASED_NAME, "", "", "")
    kept = await world.directory.reporter_by_telegram_id(9002)
    assert kept is not None
    assert (kept.erased, kept.nik) == (False, "3375020304850003")
    # The complaint, its card and the reporter's own list go on working without the identity.
    card = await world.complaints.card(finished.id)
    assert card is not None
    assert card.reporter.full_name == ERASED_NAME
    assert [c.id for c in await world.complaints.reporter_complaints(erased.id)] == [finished.id]
    assert (await world.complaints.get(still_open.id)) is not None
    # Erased once: nothing to do the next time.
    assert await erase_identities(sessions, later, timedelta(days=365)) == 0
