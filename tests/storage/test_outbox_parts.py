"""A row sent as several messages remembers which of them Telegram already has, across retries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from storage import models
from storage.database import session_factory
from storage.outbox.claims import Outbox
from storage.outbox.parts import LeaseLost, OutboxParts, parts_done
from tests.conftest import START, FakeClock


async def one_row_outbox(engine: AsyncEngine) -> tuple[Outbox, OutboxParts, FakeClock]:
    sessions = session_factory(engine)
    async with sessions.begin() as session:
        session.add(
            models.OutboxMessage(
                chat_id=9001,
                kind="test",
                payload={"label": "result"},
                next_attempt_at=START,
                dedupe_key="p:1",
            )
        )
    clock = FakeClock(START)
    return Outbox(sessions, clock=clock, lease=timedelta(seconds=30)), OutboxParts(sessions), clock


async def test_a_retry_sees_the_parts_already_delivered(clean_engine: AsyncEngine) -> None:
    outbox, parts, _ = await one_row_outbox(clean_engine)
    (entry,) = await outbox.claim("s1")
    assert parts_done(entry.payload) == {}
    entry = await parts.record(entry, "s1", "photos", [11, 12])
    assert parts_done(entry.payload) == {"photos": [11, 12]}
    await outbox.retry_later(entry.id, "s1", "500 on the text", timedelta(0))

    (again,) = await outbox.claim("s2")
    assert parts_done(again.payload) == {"photos": [11, 12]}
    assert again.payload["label"] == "result"
    again = await parts.record(again, "s2", "documents", [13])
    assert parts_done(again.payload) == {"photos": [11, 12], "documents": [13]}


async def test_only_the_sender_holding_the_row_records_progress(clean_engine: AsyncEngine) -> None:
    outbox, parts, clock = await one_row_outbox(clean_engine)
    (entry,) = await outbox.claim("s1")
    clock.advance(seconds=31)  # s1's lease ran out and s2 took the row over
    (taken,) = await outbox.claim("s2")
    with pytest.raises(LeaseLost):
        await parts.record(entry, "s1", "photos", [11])
    await outbox.mark_sent(taken.id, "s2", 20)
    with pytest.raises(LeaseLost):
        await parts.record(taken, "s2", "photos", [11])
