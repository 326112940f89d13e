"""Telegram resends a webhook update that was answered late: the second delivery changes nothing. One
held by another live process is answered 200 only once that process has finished it, and one whose holder
died (its lease ran out) is handled."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import aiohttp
import pytest
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app import runner
from bot.app.settings import Mode
from bot.dev.local_api import LocalBotApi
from storage.database import session_factory
from storage.models import ProcessedUpdate, utcnow
from tests.conftest import World
from tests.e2e.chat import Reporter
from tests.e2e.conftest import WEBHOOK_SECRET, RunningBot


def start_update(update_id: int, user_id: int) -> dict:
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "from": {"id": user_id, "is_bot": False, "first_name": "Dewi"},
            "chat": {"id": user_id, "type": "private", "first_name": "Dewi"},
            "date": 1795000000,
            "text": "/start",
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        },
    }


async def test_an_update_delivered_twice_is_answered_once(
    local_api: LocalBotApi, clean_engine: AsyncEngine, world: World
) -> None:
    running = RunningBot(local_api, clean_engine, world, Mode.WEBHOOK)
    await running.start()
    try:
        person = Reporter(local_api.user(7803, "Dewi"))
        await person.command("/start")
        await person.expect_key("welcome")
        answers = len(local_api.requests(method="sendMessage", chat_id=7803))
        headers = {"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET}
        async with aiohttp.ClientSession() as http:

            async def deliver(update: dict) -> int:
                async with http.post(running.settings.webhook_url, json=update, headers=headers) as response:
                    status = response.status
                return status

            async def answers_settle_at(count: int) -> None:
                # Wait for its reply, then a little longer for a second one that must not come.
                async with asyncio.timeout(5):
                    while len(local_api.requests(method="sendMessage", chat_id=7803)) < count:  # noqa: ASYNC110
                        await asyncio.sleep(0.01)
                await local_api.wait_idle(quiet=0.3)
                assert len(local_api.requests(method="sendMessage", chat_id=7803)) == count

            # Once in turn, as a retry after a late answer; then twice at once, as two processes would get it.
            assert await deliver(start_update(880001, 7803)) == 200
            await answers_settle_at(answers + 1)
            assert await deliver(start_update(880001, 7803)) == 200
            await answers_settle_at(answers + 1)
            statuses = await asyncio.gather(*(deliver(start_update(880002, 7803)) for _ in range(2)))
            assert statuses == [200, 200]
            await answers_settle_at(answers + 2)
    finally:
        await running.stop()
    async with clean_engine.connect() as connection:
        taken = await connection.scalar(
            select(func.count())
            .select_from(ProcessedUpdate)
            .where(ProcessedUpdate.update_id.in_([880001, 880002]))
        )
    assert taken == 2


async def test_an_update_held_by_another_process_is_answered_only_once_that_process_is_done(
    local_api: LocalBotApi, clean_engine: AsyncEngine, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Another worker took updates 880011 and 880012; it is alive (its lease runs for an hour) and slow.
    # Well past bot.updates.once.ASK_AGAIN_S: the first delivery, still waiting for the other worker, holds
    # the conversation's lock until its next ask, and the redelivery waits behind it.
    monkeypatch.setattr(runner, "ANSWER_WITHIN_S", 2.0)
    held_until = utcnow() + timedelta(hours=1)
    async with session_factory(clean_engine).begin() as session:
        for update_id in (880011, 880012):
            session.add(ProcessedUpdate(bot_id=7000001, update_id=update_id, taken_until=held_until))
    running = RunningBot(local_api, clean_engine, world, Mode.WEBHOOK)
    await running.start()
    try:
        person = Reporter(local_api.user(7804, "Dewi"))
        await person.command("/start")
        await person.expect_key("welcome")
        answers = len(local_api.requests(method="sendMessage", chat_id=7804))
        headers = {"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET}
        async with aiohttp.ClientSession() as http:

            async def deliver(update: dict) -> int:
                async with http.post(running.settings.webhook_url, json=update, headers=headers) as response:
                    return response.status

            # Not 200-and-forget: Telegram is told to deliver it again.
            assert await deliver(start_update(880011, 7804)) == 503
            async with session_factory(clean_engine).begin() as session:
                # The other worker finishes 880011; 880012's worker dies (its lease has run out).
                await session.execute(
                    update(ProcessedUpdate)
                    .where(ProcessedUpdate.update_id == 880011)
                    .values(taken_until=None)
                )
                await session.execute(
                    update(ProcessedUpdate)
                    .where(ProcessedUpdate.update_id == 880012)
                    .values(taken_until=utcnow() - timedelta(seconds=1))
                )
            assert await deliver(start_update(880011, 7804)) == 200
            # Its holder answered it.
            assert len(local_api.requests(method="sendMessage", chat_id=7804)) == answers
            assert await deliver(start_update(880012, 7804)) == 200
        await person.expect_key("welcome")
        assert len(local_api.requests(method="sendMessage", chat_id=7804)) == answers + 1
    finally:
        await running.stop()
    async with clean_engine.connect() as connection:
        marks = await connection.execute(
            select(ProcessedUpdate.taken_until).where(ProcessedUpdate.update_id.in_([880011, 880012]))
        )
    assert marks.scalars().all() == [None, None]  # both done
