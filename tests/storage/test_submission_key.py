"""A filing conversation's confirmation handled twice (replayed after a crash, or by two processes at once)
files one complaint: the second submission with the same key gets the first complaint back."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select

from storage import models
from tests.conftest import World, draft_for

KEY = "0f3c2b9e5d6a4c1b8e7f6a5b4c3d2e1f"


async def counts(world: World) -> tuple[int, int, int]:
    async with world.complaints.sessions() as session:
        return (
            await session.scalar(select(func.count()).select_from(models.Complaint)) or 0,
            await session.scalar(select(func.count()).select_from(models.ComplaintEvent)) or 0,
            await session.scalar(select(func.count()).select_from(models.OutboxMessage)) or 0,
        )


async def test_a_replayed_submission_returns_the_complaint_it_filed(world: World) -> None:
    first = await world.complaints.submit(
        draft_for(world.reporter), world.reporter.as_actor(), submission_key=KEY
    )
    filed = await counts(world)
    again = await world.complaints.submit(
        draft_for(world.reporter), world.reporter.as_actor(), submission_key=KEY
    )
    assert again == first
    assert await counts(world) == filed
    assert filed[0] == 1


async def test_two_submissions_at_once_file_one_complaint(world: World) -> None:
    outcomes = await asyncio.gather(
        *(
            world.complaints.submit(draft_for(world.reporter), world.reporter.as_actor(), submission_key=KEY)
            for _ in range(3)
        )
    )
    assert len({complaint.tracking_number for complaint in outcomes}) == 1
    complaints, events, _ = await counts(world)
    assert (complaints, events) == (1, 1)


async def test_other_keys_and_no_key_file_their_own(world: World) -> None:
    numbers = set()
    for key in ({"submission_key": KEY}, {"submission_key": KEY[::-1]}, {}, {}):
        filed = await world.complaints.submit(draft_for(world.reporter), world.reporter.as_actor(), **key)
        numbers.add(filed.tracking_number)
    assert len(numbers) == 4
