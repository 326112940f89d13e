"""Outbox claiming: in order per chat, never two senders on one row, a dead sender's rows come back; rows
sent are recorded with the next claim, in its transaction."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from storage import models
from storage.database import session_factory
from storage.outbox.claims import Outbox, OutboxEntry, Sent
from tests.conftest import START, FakeClock


async def outbox_with(engine: AsyncEngine, rows: list[tuple[int, str]]) -> tuple[Outbox, FakeClock]:
    """An outbox holding one row per (chat, label), in the given order."""
    sessions = session_factory(engine)
    clock = FakeClock(START)
    async with sessions.begin() as session:
        for number, (chat, label) in enumerate(rows):
            session.add(
                models.OutboxMessage(
                    chat_id=chat,
                    kind="test",
                    payload={"label": label},
                    next_attempt_at=START,
                    dedupe_key=f"test:{number}",
                )
            )
    return Outbox(sessions, clock=clock, lease=timedelta(seconds=30)), clock


def labels(entries: list) -> list[str]:
    return [entry.payload["label"] for entry in entries]


async def test_a_claim_takes_only_the_head_of_each_chat(clean_engine: AsyncEngine) -> None:
    outbox, _ = await outbox_with(clean_engine, [(1, "a1"), (2, "b1"), (1, "a2"), (2, "b2"), (3, "c1")])
    first = await outbox.claim("s1")
    assert labels(first) == ["a1", "b1", "c1"]
    assert await outbox.claim("s2") == []  # every head is leased to s1
    for entry in first:
        assert await outbox.mark_sent(entry.id, "s1", telegram_message_id=100 + entry.id)
    assert labels(await outbox.claim("s2")) == ["a2", "b2"]
    assert await outbox.delivered_message_id(first[0].id) == 100 + first[0].id


async def test_a_retried_row_holds_back_the_rest_of_its_chat(clean_engine: AsyncEngine) -> None:
    outbox, clock = await outbox_with(clean_engine, [(1, "a1"), (1, "a2"), (2, "b1")])
    a1, b1 = await outbox.claim("s1")
    await outbox.retry_later(a1.id, "s1", "429: retry after 5", timedelta(seconds=5))
    await outbox.mark_sent(b1.id, "s1", None)
    assert await outbox.claim("s1") == []  # a2 waits behind a1
    clock.advance(seconds=5)
    again = await outbox.claim("s1")
    assert labels(again) == ["a1"]
    assert again[0].attempts == 1


async def test_a_row_behind_a_retry_is_not_due_before_the_retry(clean_engine: AsyncEngine) -> None:
    outbox, clock = await outbox_with(clean_engine, [(1, "a1"), (1, "a2")])
    (a1,) = await outbox.claim("s1")
    await outbox.retry_later(a1.id, "s1", "429: retry after 5", timedelta(seconds=5))
    # a2 was due from the start, but nothing of chat 1 can be claimed before a1's retry.
    assert await outbox.next_due_in() == timedelta(seconds=5)
    assert await outbox.claim("s1") == []
    clock.advance(seconds=5)
    assert await outbox.next_due_in() == timedelta(0)
    assert labels(await outbox.claim("s1")) == ["a1"]


async def test_a_failed_row_no_longer_blocks_its_chat(clean_engine: AsyncEngine) -> None:
    outbox, _ = await outbox_with(clean_engine, [(1, "a1"), (1, "a2")])
    (a1,) = await outbox.claim("s1")
    await outbox.mark_failed(a1.id, "s1", "403: bot was blocked by the user")
    assert labels(await outbox.claim("s1")) == ["a2"]


async def test_a_dead_senders_rows_return_after_the_lease(clean_engine: AsyncEngine) -> None:
    outbox, clock = await outbox_with(clean_engine, [(1, "a1")])
    (claimed,) = await outbox.claim("dead")
    clock.advance(seconds=29)
    assert await outbox.claim("alive") == []
    clock.advance(seconds=2)
    (reclaimed,) = await outbox.claim("alive")
    assert reclaimed.id == claimed.id
    # The dead sender's late answer cannot settle a row it no longer holds.
    assert not await outbox.mark_sent(claimed.id, "dead", 1)
    assert await outbox.mark_sent(claimed.id, "alive", 2)
    assert await outbox.delivered_message_id(claimed.id) == 2


async def test_competing_senders_never_hold_the_same_row(clean_engine: AsyncEngine) -> None:
    rows = [(chat, f"{chat}-{n}") for n in range(3) for chat in range(40)]
    outbox, _ = await outbox_with(clean_engine, rows)
    delivered: list[str] = []

    async def sender(name: str) -> None:
        while entries := await outbox.claim(name, limit=7):
            for entry in entries:
                assert await outbox.mark_sent(entry.id, name, None)
                delivered.append(entry.payload["label"])

    for _ in range(3):  # senders stop when they see nothing claimable; rounds cover the stragglers
        await asyncio.gather(*(sender(f"s{n}") for n in range(4)))
    assert sorted(delivered) == sorted(label for _, label in rows)
    for chat in range(40):
        assert [label for label in delivered if label.startswith(f"{chat}-")] == [
            f"{chat}-{n}" for n in range(3)
        ]
    assert await outbox.pending_count() == 0


async def test_sent_rows_are_recorded_with_the_next_claim_in_its_transaction(
    clean_engine: AsyncEngine,
) -> None:
    outbox, clock = await outbox_with(clean_engine, [(1, "a1"), (2, "b1"), (1, "a2"), (3, "c1")])
    a1, b1, c1 = await outbox.claim("s1")
    await outbox.retry_later(c1.id, "s1", "429: retry after 5", timedelta(seconds=5))
    stolen = Sent(c1.id, 99)  # retried, so no longer s1's: not recorded as sent
    begun: list[object] = []
    prepared: list[tuple[object, list[str]]] = []

    async def prepare(session: AsyncSession, entries: list[OutboxEntry]) -> None:
        prepared.append((session, labels(entries)))

    def began(connection: object) -> None:
        begun.append(connection)

    event.listen(clean_engine.sync_engine, "begin", began)
    try:
        claim = await outbox.settle_and_claim(
            "s1", sent=[Sent(a1.id, 501), Sent(b1.id, None), stolen], prepare=prepare, due=True
        )
    finally:
        event.remove(clean_engine.sync_engine, "begin", began)
    assert len(begun) == 1
    assert claim.recorded == {a1.id, b1.id}
    assert labels(claim.entries) == ["a2"]  # a1's record let its chat's next row be claimed at once
    assert [labels for _, labels in prepared] == [["a2"]]
    assert claim.due_in is None  # something was claimed: not asked
    assert await outbox.delivered_message_id(a1.id) == 501
    assert await outbox.delivered_message_id(b1.id) is None
    assert await outbox.pending_count() == 2  # a2 in flight, c1 waiting for its retry

    empty = await outbox.settle_and_claim("s1", due=True)
    assert empty.entries == []
    assert empty.due_in == timedelta(seconds=5)  # c1's retry; a2 is leased
    clock.advance(seconds=5)
    (a2,) = claim.entries
    last = await outbox.settle_and_claim("s1", sent=[Sent(a2.id, None)])  # no message id at all: an edit
    assert last.recorded == {a2.id}
    assert labels(last.entries) == ["c1"]
