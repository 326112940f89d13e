"""Several webhook workers: gunicorn with aiohttp's worker, two processes, one PostgreSQL and one Redis.

A reporter files a complaint from /start to its tracking number while the updates land on both workers;
the complaint exists once, the province admin's card arrives once, and an update delivered again (to
either worker) is answered once.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app.settings import Settings
from bot.app.startup import StartupProblem
from bot.app.web import webhook_app
from bot.dev.local_api import LocalBotApi
from storage import models
from storage.database import create_engine, session_factory
from storage.directory import Directory
from tests.backends import redis_url
from tests.e2e.chat import Reporter
from tests.e2e.conftest import TEST_SENDER, TOKEN, WEBHOOK_SECRET, free_port
from tests.e2e.scripts import file_complaint
from tests.e2e.test_main import SETTINGS
from tests.e2e.test_update_once import start_update
from workflow.actors import OrgKind, Role

ROOT = Path(__file__).resolve().parents[2]
# A Redis database of its own, flushed before and after: not TEST_REDIS_URL's, which other tests use.
REDIS_URL = redis_url("TEST_WORKERS_REDIS_URL", 14)
WORKERS = 2
NUMBER = re.compile(r"LG-\d{4}-\d{6}")
SERVING = re.compile(r"\[(\d+)\] bot\.app\.web: worker \d+ serving")
HANDLED = re.compile(r"\[(\d+)\] aiogram\.event: Update id=(\d+) is handled")
PROVINCE_ADMIN = 1001


@dataclass
class Gunicorn:
    process: asyncio.subprocess.Process
    log: Path
    webhook_url: str

    def lines(self) -> list[str]:
        return self.log.read_text(errors="replace").splitlines()

    def worker_pids(self) -> set[int]:
        return {int(match[1]) for line in self.lines() if (match := SERVING.search(line))}

    def handled(self) -> list[tuple[int, int]]:
        """(update_id, pid of the worker that handled it), as the workers logged them."""
        return [(int(match[2]), int(match[1])) for line in self.lines() if (match := HANDLED.search(line))]


# README's command. --keep-alive 0: each delivery on a new connection, which either worker may accept
# (Telegram itself keeps up to 40 connections open); --reuse-port: a listening socket per worker, so the
# kernel spreads new connections over both rather than waking whichever is idle; no control socket, whose
# one path ($HOME/.gunicorn/gunicorn.ctl) two test runs at once would share.
GUNICORN = [
    *(sys.executable, "-m", "gunicorn", "bot.app.web:create_app", "-c", "python:bot.app.gunicorn_conf"),
    *("--workers", str(WORKERS), "--keep-alive", "0", "--reuse-port", "--no-control-socket"),
]


def gunicorn_env(port: int, **settings: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in SETTINGS}
    env.update(
        PYTHONPATH=str(ROOT),
        BOT_TOKEN=TOKEN,
        MODE="webhook",
        WEBHOOK_PUBLIC_URL=f"http://127.0.0.1:{port}",
        WEBHOOK_LISTEN_HOST="127.0.0.1",
        WEBHOOK_LISTEN_PORT=str(port),
        WEBHOOK_SECRET=WEBHOOK_SECRET,
        LOG_LEVEL="INFO",
        **{key.upper(): str(value) for key, value in TEST_SENDER.items()},
    )
    env.update(settings)
    return env


async def gunicorn_until_it_stops(tmp_path: Path, env: dict[str, str]) -> tuple[int, list[str]]:
    """gunicorn that should refuse to start: its exit status and what it printed."""
    process = await asyncio.create_subprocess_exec(
        *GUNICORN, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        output, _ = await asyncio.wait_for(process.communicate(), timeout=90)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert process.returncode is not None
    return process.returncode, output.decode(errors="replace").splitlines()


@pytest.fixture
async def fresh_redis() -> AsyncIterator[str]:
    redis = pytest.importorskip("redis.asyncio")
    client = redis.Redis.from_url(REDIS_URL)
    try:
        await client.flushdb()
    except (OSError, redis.RedisError) as error:
        await client.aclose()
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI needs Redis at {REDIS_URL}: {error}")
        pytest.skip(f"Redis at {REDIS_URL} unreachable: {error}")
    yield REDIS_URL
    await client.flushdb()
    await client.aclose()


@pytest.fixture
async def gunicorn(
    local_api: LocalBotApi, fresh_postgres: str, fresh_redis: str, tmp_path: Path
) -> AsyncIterator[Gunicorn]:
    """`gunicorn 'bot.app.web:create_app' -c python:bot.app.gunicorn_conf --workers 2`, as README runs it, on
    a database no worker has migrated yet."""
    port = free_port()
    env = gunicorn_env(
        port,
        TELEGRAM_API_BASE=local_api.base_url,
        DATABASE_URL=fresh_postgres,
        REDIS_URL=fresh_redis,
        PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "metrics"),
    )
    log = tmp_path / "gunicorn.log"
    with log.open("wb") as output:
        process = await asyncio.create_subprocess_exec(
            *GUNICORN, cwd=tmp_path, env=env, stdout=output, stderr=subprocess.STDOUT
        )
    running = Gunicorn(process, log, f"http://127.0.0.1:{port}/telegram/webhook")
    try:
        async with asyncio.timeout(90):
            while len(running.worker_pids()) < WORKERS:
                assert process.returncode is None, "\n".join(running.lines()[-30:])
                await asyncio.sleep(0.1)
        yield running
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(process.wait(), 30)
        except TimeoutError:
            process.kill()
            await process.wait()


async def seat_province_admin(engine: AsyncEngine) -> None:
    directory = Directory(session_factory(engine))
    await directory.add_organisation(
        code="JATENG", name="Pemerintah Provinsi Jawa Tengah", kind=OrgKind.PROVINCE, parent_code=None
    )
    await directory.add_admin(
        telegram_id=PROVINCE_ADMIN, role=Role.PROVINCE, org_code="JATENG", full_name="Admin province"
    )


async def test_two_workers_carry_one_conversation_and_handle_each_update_once(
    gunicorn: Gunicorn, local_api: LocalBotApi, fresh_postgres: str
) -> None:
    engine = create_engine(fresh_postgres)
    try:
        # Both workers migrated the fresh database at once: one schema version, no worker failed.
        async with engine.connect() as connection:
            versions = await connection.scalar(text("SELECT count(*) FROM alembic_version"))
        assert versions == 1
        # The master registered the webhook before the workers started: neither found it missing.
        assert not any("the Bot API delivers to" in line for line in gunicorn.lines())
        await seat_province_admin(engine)
        admin = local_api.user(PROVINCE_ADMIN, "Admin province")
        await admin.send_command("/start")  # a bot cannot write first

        queue = local_api.world.find_bot().queue
        first_update = queue.next_id
        reporter = Reporter(local_api.user(7901, "Siti", phone_number="6281234567890"))
        confirmation = await file_complaint(reporter)
        ours = range(first_update, queue.next_id)
        number = NUMBER.search(confirmation.text or "")
        assert number is not None, confirmation.text

        # Each update of the conversation was handled once, in one worker or the other, and both took part.
        # (A worker logs an update once its handler returns, which may be just after the last reply.)
        async with asyncio.timeout(10):
            while not set(ours) <= {update_id for update_id, _ in gunicorn.handled()}:  # noqa: ASYNC110
                await asyncio.sleep(0.05)
        conversation = [(update_id, pid) for update_id, pid in gunicorn.handled() if update_id in ours]
        assert sorted(update_id for update_id, _ in conversation) == list(ours)
        assert {pid for _, pid in conversation} == gunicorn.worker_pids(), conversation

        async with session_factory(engine)() as session:
            complaints = (await session.scalars(select(models.Complaint))).all()
        assert [complaint.tracking_number for complaint in complaints] == [number.group()]
        # Two senders (one per worker) watched the outbox: the admin's card came once. (Waiting for it first:
        # half a second of quiet alone ends before a sender on a busy machine has claimed the row.)
        await admin.wait_for_message(lambda m: number.group() in (m.text or m.caption or ""), timeout=30)
        await local_api.wait_idle(quiet=0.5)
        cards = [m for m in admin.chat().bot_messages() if number.group() in (m.text or m.caption or "")]
        assert len(cards) == 1, [m.text for m in admin.chat().bot_messages()]

        # Telegram delivers an update again (it was answered late): whichever worker takes each copy,
        # the person is answered once.
        person = Reporter(local_api.user(7902, "Dewi"))
        await person.command("/start")
        await person.expect_key("welcome")
        before = len(local_api.requests(method="sendMessage", chat_id=7902))
        update = start_update(990_001, 7902)
        headers = {"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET}
        connector = aiohttp.TCPConnector(force_close=True)  # a new connection, so any worker, per copy
        async with aiohttp.ClientSession(connector=connector) as http:
            for _ in range(2):
                statuses = []
                for _ in range(3):
                    async with http.post(gunicorn.webhook_url, json=update, headers=headers) as response:
                        statuses.append(response.status)
                assert statuses == [200, 200, 200]
        async with asyncio.timeout(10):
            while len(local_api.requests(method="sendMessage", chat_id=7902)) < before + 1:  # noqa: ASYNC110
                await asyncio.sleep(0.05)
        await local_api.wait_idle(quiet=0.5)
        assert len(local_api.requests(method="sendMessage", chat_id=7902)) == before + 1
        async with engine.connect() as connection:
            taken = await connection.scalar(
                select(func.count())
                .select_from(models.ProcessedUpdate)
                .where(models.ProcessedUpdate.update_id == 990_001)
            )
        assert taken == 1

        # /metrics from either worker adds up both workers' counts (PROMETHEUS_MULTIPROC_DIR): each update
        # handled once is counted once, a skipped second delivery not at all.
        handled = len({update_id for update_id, _ in gunicorn.handled()})
        metrics_url = gunicorn.webhook_url.replace("/telegram/webhook", "/metrics")
        totals = set()
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(force_close=True)) as http:
            for _ in range(6):
                async with http.get(metrics_url) as response:
                    assert response.status == 200
                    body = await response.text()
                totals.add(metric_value(body, 'laporgub_updates_total{outcome="handled"}'))
                assert metric_value(body, 'laporgub_complaints{kind="laporgub",state="at_province"}') == 1
        assert totals == {float(handled)}
        async with (
            aiohttp.ClientSession() as http,
            http.get(metrics_url.replace("/metrics", "/readyz")) as response,
        ):
            assert response.status == 200, await response.text()
    finally:
        await engine.dispose()


def metric_value(exposition: str, sample: str) -> float:
    for line in exposition.splitlines():
        if line.startswith(sample + " "):
            return float(line.split()[-1])
    raise AssertionError(f"{sample} not in /metrics:\n{exposition}")


async def test_an_unreachable_bot_api_stops_gunicorn_before_any_worker_starts(tmp_path: Path) -> None:
    env = gunicorn_env(free_port(), TELEGRAM_API_BASE="http://127.0.0.1:9")
    status, lines = await gunicorn_until_it_stops(tmp_path, env)
    said = [line for line in lines if "laporgub:" in line]
    assert len(said) == 1, lines
    assert "cannot reach the Telegram Bot API at http://127.0.0.1:9" in said[0]
    assert status != 0
    assert not any("Booting worker" in line for line in lines), lines
    assert not any("Traceback" in line for line in lines), lines


async def test_a_database_it_cannot_open_stops_gunicorn_before_any_worker_starts(
    local_api: LocalBotApi, tmp_path: Path
) -> None:
    # The master migrates before it starts any worker: gunicorn stops instead of respawning workers.
    env = gunicorn_env(
        free_port(),
        TELEGRAM_API_BASE=local_api.base_url,
        DATABASE_URL="postgresql+asyncpg://laporgub:secret-password@127.0.0.1:9/laporgub",
    )
    status, lines = await gunicorn_until_it_stops(tmp_path, env)
    said = [line for line in lines if "] laporgub: " in line]
    assert len(said) == 1, lines
    assert (
        "laporgub: cannot prepare the database at postgresql+asyncpg://laporgub:***@127.0.0.1:9/laporgub ("
        in said[0]
    )
    assert said[0].endswith("): check DATABASE_URL")
    assert status != 0
    assert not any("Booting worker" in line for line in lines), lines
    assert not any("secret-password" in line for line in lines)
    assert not any("Traceback" in line for line in lines), lines
    assert local_api.requests("setWebhook") == []


async def test_an_invalid_setting_stops_gunicorn_with_one_line(tmp_path: Path) -> None:
    status, lines = await gunicorn_until_it_stops(
        tmp_path, gunicorn_env(free_port(), WEBHOOK_LISTEN_PORT="http")
    )
    assert lines == [
        "laporgub: invalid setting WEBHOOK_LISTEN_PORT: "
        "Input should be a valid integer, unable to parse string as an integer"
    ]
    assert status == 2


@pytest.mark.parametrize(
    ("missing", "told"),
    [("webhook_public_url", "WEBHOOK_PUBLIC_URL"), ("webhook_secret", "WEBHOOK_SECRET")],
)
async def test_a_worker_missing_a_webhook_setting_refuses_before_migrating(
    tmp_path: Path, missing: str, told: str
) -> None:
    database = tmp_path / "bot.sqlite3"
    settings = {
        "bot_token": TOKEN,
        "database_url": f"sqlite+aiosqlite:///{database}",
        "webhook_public_url": "https://bot.example.go.id",
        "webhook_secret": WEBHOOK_SECRET,
    }
    del settings[missing]
    with pytest.raises(StartupProblem, match=told):
        await webhook_app(Settings(_env_file=None, **settings))
    assert not database.exists()
