"""The outbox sender against the strict local Bot API: faults, Telegram's rates, and a killed sender."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from bot.dev.local_api import LocalBotApi, RateLimits, ServerConfig
from bot.notices.sender import Deliver, OutboxSender, RateGate, SenderSettings
from storage import models
from storage.database import session_factory
from storage.outbox.claims import Outbox, OutboxEntry, OutboxStatus

TOKEN = "123456:TEST-sender"
CHATS = list(range(7001, 7011))
PER_CHAT = 4
# The local server allows 5/s per chat and 50/s in all; the sender keeps a little under both.
SERVER_LIMITS = RateLimits(per_chat_rate=5.0, per_chat_burst=2, global_rate=50.0, global_burst=5)
FAST = SenderSettings(
    batch_size=20, idle_poll_seconds=0.05, backoff_base_seconds=0.05, backoff_max_seconds=0.5
)


def gate() -> RateGate:
    return RateGate(global_rate=45.0, per_chat_interval=0.22)


@pytest.fixture
async def local_api() -> AsyncIterator[LocalBotApi]:
    api = LocalBotApi(ServerConfig(rate_limits=SERVER_LIMITS))
    await api.start()
    api.add_bot(TOKEN, "laporgub_test_bot")
    for chat in CHATS:
        await api.user(chat, f"User {chat}").send_command("/start")
    yield api
    await api.stop()


@pytest.fixture
async def bot(local_api: LocalBotApi) -> AsyncIterator[Bot]:
    bot = Bot(TOKEN, session=AiohttpSession(api=local_api.aiogram_server(), timeout=5))
    yield bot
    await bot.session.close()


async def fill_outbox(engine: AsyncEngine) -> Outbox:
    sessions = session_factory(engine)
    async with sessions.begin() as session:
        for n in range(PER_CHAT):
            for chat in CHATS:
                session.add(
                    models.OutboxMessage(
                        chat_id=chat,
                        kind="test",
                        payload={"text": f"pesan {n} untuk {chat}"},
                        next_attempt_at=models.utcnow(),
                        dedupe_key=f"{chat}:{n}",
                    )
                )
    return Outbox(sessions, lease=timedelta(seconds=1))


def deliver_with(bot: Bot) -> Deliver:
    async def deliver(entry: OutboxEntry) -> int:
        return (await bot.send_message(entry.chat_id, entry.payload["text"])).message_id

    return deliver


def texts_received(api: LocalBotApi, chat: int) -> list[str]:
    return [message["text"] for message in api.delivered(chat)]


def assert_no_rate_exceeded(api: LocalBotApi) -> None:
    # Injected faults are labelled; a 429 without a label is the server's own flood control.
    flood = [r for r in api.requests() if r.status == 429 and r.fault is None]
    assert flood == []


async def test_every_message_arrives_once_in_order_despite_500s_and_429s(
    clean_engine: AsyncEngine, local_api: LocalBotApi, bot: Bot
) -> None:
    outbox = await fill_outbox(clean_engine)
    local_api.set_faults(
        error_500_share=0.2, error_429_share=0.1, retry_after=1, seed=7, methods=frozenset({"sendmessage"})
    )
    sender = OutboxSender(outbox, deliver_with(bot), gate=gate(), settings=FAST)
    await sender.drain(within=60)
    for chat in CHATS:
        assert texts_received(local_api, chat) == [f"pesan {n} untuk {chat}" for n in range(PER_CHAT)]
    assert_no_rate_exceeded(local_api)
    injected = [r for r in local_api.requests("sendMessage") if r.fault]
    assert injected, "the fault injection did not fire; the test proves nothing"
    async with outbox.sessions() as session:
        rows = list(await session.scalars(select(models.OutboxMessage)))
    assert {row.status for row in rows} == {OutboxStatus.SENT}
    assert all(row.telegram_message_id for row in rows)


async def test_refusals_are_recorded_and_reported_not_retried(
    clean_engine: AsyncEngine, local_api: LocalBotApi, bot: Bot
) -> None:
    outbox = await fill_outbox(clean_engine)
    await local_api.user(CHATS[0]).block()
    undeliverable: list[tuple[int, str]] = []

    async def tell(entry: OutboxEntry, error: str, _session: AsyncSession) -> None:
        undeliverable.append((entry.chat_id, error))

    sender = OutboxSender(outbox, deliver_with(bot), gate=gate(), settings=FAST, on_undeliverable=tell)
    await sender.drain(within=60)
    assert [chat for chat, _ in undeliverable] == [CHATS[0]] * PER_CHAT
    assert "blocked" in undeliverable[0][1]
    assert len(local_api.requests("sendMessage", chat_id=CHATS[0])) == PER_CHAT  # one try each
    assert texts_received(local_api, CHATS[1]) == [f"pesan {n} untuk {CHATS[1]}" for n in range(PER_CHAT)]


async def test_what_a_refusal_leads_to_commits_with_it_or_not_at_all(clean_engine: AsyncEngine) -> None:
    outbox = await fill_outbox(clean_engine)
    entry = (await outbox.claim("sender-a", limit=1))[0]

    async def fails(_session: AsyncSession) -> None:
        raise RuntimeError("the alert could not be written")

    with pytest.raises(RuntimeError):
        await outbox.mark_failed(entry.id, "sender-a", "TelegramForbiddenError: blocked", then=fails)
    sessions = session_factory(clean_engine)
    async with sessions() as session:
        row = await session.get(models.OutboxMessage, entry.id)
        assert row is not None
        # Not recorded: still the sender's, to be tried again, and its alert with it.
        assert (row.status, row.claimed_by) == (OutboxStatus.PENDING, "sender-a")

    async def alerts(session: AsyncSession) -> None:
        session.add(
            models.OutboxMessage(
                chat_id=CHATS[1],
                kind="test",
                payload={"text": "pelapor tidak dapat dihubungi"},
                next_attempt_at=models.utcnow(),
                dedupe_key="alert",
            )
        )

    assert await outbox.mark_failed(entry.id, "sender-a", "TelegramForbiddenError: blocked", then=alerts)
    async with sessions() as session:
        row = await session.get(models.OutboxMessage, entry.id)
        assert row is not None
        assert row.status == OutboxStatus.FAILED
        alert = await session.scalar(
            select(models.OutboxMessage).where(models.OutboxMessage.dedupe_key == "alert")
        )
        assert alert is not None
        assert alert.status == OutboxStatus.PENDING


async def test_a_killed_sender_loses_nothing_and_doubles_only_what_was_in_flight(
    clean_engine: AsyncEngine, local_api: LocalBotApi, bot: Bot
) -> None:
    outbox = await fill_outbox(clean_engine)
    doomed = OutboxSender(outbox, deliver_with(bot), gate=gate(), settings=FAST, sender_id="doomed")
    task = asyncio.create_task(doomed.run())
    while len(local_api.requests("sendMessage", ok=True)) < len(CHATS) + 3:  # noqa: ASYNC110
        await asyncio.sleep(0.005)
    task.cancel()  # mid-batch: some sends are on the wire, their rows not yet marked
    with pytest.raises(asyncio.CancelledError):
        await task
    async with outbox.sessions() as session:
        in_flight = {
            row.payload["text"]
            for row in await session.scalars(
                select(models.OutboxMessage).where(models.OutboxMessage.claimed_by == "doomed")
            )
        }
    survivor = OutboxSender(outbox, deliver_with(bot), gate=gate(), settings=FAST, sender_id="survivor")
    await survivor.drain(within=60)

    doubled = set()
    for chat in CHATS:
        received = texts_received(local_api, chat)
        expected = [f"pesan {n} untuk {chat}" for n in range(PER_CHAT)]
        assert list(dict.fromkeys(received)) == expected  # nothing lost, order kept
        doubled |= {text for text in received if received.count(text) > 1}
    assert doubled <= in_flight
    print(f"killed with {len(in_flight)} rows in flight; {len(doubled)} delivered twice")
    assert_no_rate_exceeded(local_api)
