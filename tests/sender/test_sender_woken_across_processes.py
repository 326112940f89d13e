"""On PostgreSQL a sender is woken by rows another process commits, not only at its idle poll."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app.factory import create_services
from bot.app.settings import Settings
from bot.notices.notifier import create_notifier
from bot.notices.sender import OutboxSender, RateGate, SenderSettings
from storage import models
from storage.database import create_engine, session_factory
from storage.outbox.claims import Outbox, OutboxEntry
from storage.outbox.wakeup import OutboxWakeup
from workflow.calendar import WorkingCalendar

WAIT_S = 10.0  # a bound on what must happen, not a speed asserted
NEVER_S = 3600.0  # an idle poll that cannot be what delivers a row within the test


@pytest.fixture
def engine(migrated_postgres: AsyncEngine) -> AsyncEngine:
    return migrated_postgres


async def test_a_row_committed_by_another_process_is_delivered_before_the_idle_poll(
    engine: AsyncEngine,
) -> None:
    delivered = asyncio.Queue[int]()

    async def deliver(entry: OutboxEntry) -> int:
        delivered.put_nowait(entry.chat_id)
        return entry.id

    sender = OutboxSender(
        Outbox(session_factory(engine)),
        deliver,
        gate=RateGate(1000.0, 0.0),
        settings=SenderSettings(idle_poll_seconds=NEVER_S),
    )
    wakeup = OutboxWakeup(engine.url, sender.wake)
    stop = asyncio.Event()
    running = asyncio.create_task(sender.run(stop))
    wakeup.start()
    other_process = create_engine(engine.url.render_as_string(hide_password=False))
    try:
        await asyncio.wait_for(wakeup.listening.wait(), WAIT_S)
        await asyncio.sleep(0.2)  # the sender has looked, found nothing, and sleeps for an hour
        async with session_factory(other_process).begin() as session:
            session.add(
                models.OutboxMessage(
                    chat_id=4242, kind="test", payload={}, next_attempt_at=models.utcnow(), dedupe_key="x:1"
                )
            )
        assert await asyncio.wait_for(delivered.get(), WAIT_S) == 4242
    finally:
        stop.set()
        sender.wake()
        await wakeup.stop()
        await asyncio.wait_for(running, WAIT_S)
        await other_process.dispose()


@pytest.mark.parametrize("on_postgres", [True, False])
async def test_the_bot_listens_on_postgresql_only(on_postgres: bool, engine: AsyncEngine) -> None:
    url = engine.url.render_as_string(hide_password=False) if on_postgres else "sqlite+aiosqlite://"
    used = create_engine(url)
    settings = Settings(_env_file=None, bot_token="123456:test", telegram_api_base="http://127.0.0.1:9")
    notifier = create_notifier(settings, used, create_services(used, WorkingCalendar()))
    try:
        assert (notifier.wakeup is not None) is on_postgres
        assert isinstance(notifier.wakeup, OutboxWakeup) or not on_postgres
    finally:
        await notifier.bot.session.close()
        await used.dispose()
