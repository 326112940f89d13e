"""The sender's loop: it outlives a database that goes away, and a wake that comes while it is looking is
not lost."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Sequence
from datetime import timedelta

from bot.notices.sender import OutboxSender, RateGate, SenderSettings
from storage.outbox.claims import Claim, OutboxEntry, Prepare, Sent

ENTRY = OutboxEntry(
    id=1, chat_id=7001, kind="test", complaint_id=None, complaint_version=None, payload={}, attempts=0
)


class ScriptedOutbox:
    """Answers each claim from a script: an exception to raise, or the entries to hand out."""

    def __init__(self, script: list[Exception | list[OutboxEntry]], on_claim: object = None) -> None:
        self.script = script
        self.on_claim = on_claim
        self.sent: list[int] = []
        self.down = False
        self.released = asyncio.Event()  # ends a database call the fake holds (the test is over)

    async def claim(self, sender_id: str, *, limit: int = 50) -> list[OutboxEntry]:
        if callable(self.on_claim):
            self.on_claim()
        step = self.script.pop(0) if self.script else []
        self.down = isinstance(step, Exception)
        if isinstance(step, Exception):
            raise step
        return step

    async def settle_and_claim(
        self,
        sender_id: str,
        *,
        sent: Sequence[Sent] = (),
        limit: int = 50,
        prepare: Prepare | None = None,
        due: bool = False,
    ) -> Claim:
        self.sent.extend(item.entry_id for item in sent)
        entries = await self.claim(sender_id, limit=limit) if limit else []
        due_in = await self.next_due_in() if due and not entries else None
        return Claim(entries, frozenset(item.entry_id for item in sent), due_in)

    async def next_due_in(self) -> timedelta | None:
        if self.down:
            raise ConnectionError("database still down")
        return None


async def deliver(entry: OutboxEntry) -> int:
    return 100 + entry.id


def sender_for(outbox: ScriptedOutbox, idle: float) -> OutboxSender:
    settings = SenderSettings(idle_poll_seconds=idle)
    return OutboxSender(outbox, deliver, gate=RateGate(1000.0, 0.0), settings=settings)  # type: ignore[arg-type]


async def test_the_sender_outlives_an_outbox_that_fails_for_a_while() -> None:
    outbox = ScriptedOutbox([ConnectionError("database restarting"), OSError("still down"), [ENTRY]])
    stop = asyncio.Event()
    task = asyncio.create_task(sender_for(outbox, idle=0.01).run(stop))
    for _ in range(200):
        if outbox.sent:
            break
        await asyncio.sleep(0.01)
    assert outbox.sent == [1]
    assert not task.done()
    stop.set()
    await asyncio.wait_for(task, timeout=1)


async def test_a_wake_while_the_sender_looks_is_not_lost() -> None:
    outbox = ScriptedOutbox([[], [ENTRY]])
    sender = sender_for(outbox, idle=5.0)
    woken = False

    def commit_during_the_claim() -> None:
        nonlocal woken
        if not woken:
            woken = True
            sender.wake()  # a handler committed a transition while the first claim was running

    outbox.on_claim = commit_during_the_claim
    stop = asyncio.Event()
    started = time.monotonic()
    task = asyncio.create_task(sender.run(stop))
    while not outbox.sent and time.monotonic() - started < 2:  # noqa: ASYNC110
        await asyncio.sleep(0.01)
    assert outbox.sent == [1]
    assert time.monotonic() - started < 1.0  # not the 5 s idle poll
    stop.set()
    await asyncio.wait_for(task, timeout=1)


class CancelSwallowingOutbox(ScriptedOutbox):
    """A database driver that, cancelled in the middle of a statement, raises its own error instead of the
    cancellation (as asyncpg through SQLAlchemy can: "another operation is in progress")."""

    async def next_due_in(self) -> timedelta | None:
        try:
            await self.released.wait()
        except asyncio.CancelledError:
            raise ConnectionError("the connection was closed in the middle of operation") from None
        return None


async def test_a_cancelled_sender_stops_even_when_the_driver_turns_the_cancel_into_an_error() -> None:
    """Before, the loop took the driver's error for a database outage and went on: a cancelled sender never
    ended (a test waiting for it hung, and a process could not be stopped)."""
    outbox = CancelSwallowingOutbox([])
    task = asyncio.create_task(sender_for(outbox, idle=0.01).run())
    await asyncio.sleep(0.05)  # asking for the due time, waiting
    task.cancel()
    done, _ = await asyncio.wait([task], timeout=2)
    outbox.released.set()
    assert done, "the sender went on after it was cancelled"
    assert task.cancelled()


class CancelIgnoringOutbox(ScriptedOutbox):
    """A driver that, cancelled in the middle of a statement, swallows the cancellation and answers as if
    nothing happened: the full suite once hung on such a lost cancel
    (tests/e2e/test_notifications_kill.py)."""

    async def next_due_in(self) -> timedelta | None:
        with contextlib.suppress(asyncio.CancelledError):
            await self.released.wait()
        return None


async def test_a_cancelled_sender_stops_even_when_the_driver_swallows_the_cancel() -> None:
    outbox = CancelIgnoringOutbox([])
    task = asyncio.create_task(sender_for(outbox, idle=0.01).run())
    await asyncio.sleep(0.05)  # asking for the due time, waiting
    task.cancel()
    done, _ = await asyncio.wait([task], timeout=2)
    outbox.released.set()
    assert done, "the sender went on after it was cancelled"
    assert task.cancelled()


async def test_a_row_sent_while_a_claim_runs_and_leased_again_is_not_sent_twice() -> None:
    """A row answered for by Telegram during a claim waits for the next claim to be recorded; if that claim
    leases it again meanwhile (its lease ran out: a clock moved on), it is not sent a second time."""
    go, sends = asyncio.Event(), []

    async def slow_deliver(entry: OutboxEntry) -> int:
        await go.wait()
        sends.append(entry.id)
        return 100 + entry.id

    class LeasesAgain(ScriptedOutbox):
        async def claim(self, sender_id: str, *, limit: int = 50) -> list[OutboxEntry]:
            if len(self.script) == 1:  # the second claim: the send ends while it runs
                go.set()
                while not sends:  # noqa: ASYNC110
                    await asyncio.sleep(0.001)
                await asyncio.sleep(0.01)  # the delivery's task has ended
            return await super().claim(sender_id, limit=limit)

    outbox = LeasesAgain([[ENTRY], [ENTRY]])
    settings = SenderSettings(idle_poll_seconds=0.01)
    sender = OutboxSender(outbox, slow_deliver, gate=RateGate(1000.0, 0.0), settings=settings)  # type: ignore[arg-type]
    stop = asyncio.Event()
    task = asyncio.create_task(sender.run(stop))
    started = time.monotonic()
    while outbox.sent != [1] and time.monotonic() - started < 3:  # noqa: ASYNC110
        await asyncio.sleep(0.01)
    await asyncio.sleep(0.1)
    stop.set()
    await asyncio.wait_for(task, timeout=2)
    assert outbox.sent == [1]
    assert sends == [1]
