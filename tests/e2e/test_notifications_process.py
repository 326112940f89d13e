"""`python -m bot` delivers notifications with the sender it runs beside the bot, in polling and in webhook
mode; `python -m bot sender` delivers them alone. Both stop cleanly on SIGTERM.

On SQLite only: starting a process costs seconds, the wiring does not depend on the backend, and the
in-process tests deliver on both backends.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from asyncio.subprocess import PIPE
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app.settings import Mode
from bot.dev.local_api import LocalBotApi
from storage.complaints import ComplaintService
from storage.database import session_factory
from storage.directory import Directory
from storage.views import AdminInfo, ReporterInfo
from tests.backends import migrated_database
from tests.conftest import START, FakeClock, draft_for
from tests.e2e.conftest import TOKEN, WEBHOOK_SECRET, free_port
from tests.e2e.notifications import AdminChat
from workflow.actors import OrgKind, Role
from workflow.calendar import WorkingCalendar
from workflow.identity import Identity

ROOT = Path(__file__).resolve().parents[2]
START_S = 60.0


@dataclass
class Province:
    engine: AsyncEngine
    complaints: ComplaintService
    admins: list[AdminInfo]
    reporter: ReporterInfo


@pytest.fixture
async def province(tmp_path: Path) -> AsyncIterator[Province]:
    """A SQLite database with the province, two of its admins and a reporter."""
    async with migrated_database("sqlite", tmp_path) as engine:
        sessions = session_factory(engine)
        directory = Directory(sessions)
        await directory.add_organisation(code="JATENG", name="Pemprov Jawa Tengah", kind=OrgKind.PROVINCE)
        admins = [
            await directory.add_admin(
                telegram_id=telegram_id,
                role=Role.PROVINCE,
                org_code="JATENG",
                full_name=f"Admin {telegram_id}",
            )
            for telegram_id in (1001, 1002)
        ]
        reporter = await directory.save_reporter(
            telegram_id=9001,
            identity=Identity("Rina Marlina", "3375014507900002", "+6281234567801", "Jl. Sriwijaya"),
        )
        complaints = ComplaintService(sessions, WorkingCalendar(), clock=FakeClock(START))
        yield Province(engine, complaints, admins, reporter)


@asynccontextmanager
async def bot_process(
    tmp_path: Path, engine: AsyncEngine, api: LocalBotApi, *args: str, **env: str
) -> AsyncIterator[asyncio.subprocess.Process]:
    clean = {key: value for key, value in os.environ.items() if not key.startswith(("SENDER_", "WEBHOOK_"))}
    clean.update(
        PYTHONPATH=str(ROOT),
        BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE=api.base_url,
        DATABASE_URL=engine.url.render_as_string(hide_password=False),
        SENDER_IDLE_POLL_SECONDS="0.1",
        LOG_LEVEL="WARNING",
        **env,
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *args, cwd=tmp_path, env=clean, stdout=PIPE, stderr=PIPE
    )
    try:
        yield process
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        returncode = await asyncio.wait_for(process.wait(), timeout=30)
        stderr = (await process.stderr.read()).decode() if process.stderr else ""
        assert returncode == 0, stderr
        assert "Traceback" not in stderr


async def test_the_bot_process_delivers_the_cards_of_a_new_complaint(
    tmp_path: Path, province: Province, local_api: LocalBotApi, mode: Mode
) -> None:
    admin = AdminChat(local_api, province.admins[0])
    port = free_port()
    webhook = {
        "MODE": "webhook",
        "WEBHOOK_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "WEBHOOK_LISTEN_HOST": "127.0.0.1",
        "WEBHOOK_LISTEN_PORT": str(port),
        "WEBHOOK_SECRET": WEBHOOK_SECRET,
    }
    async with bot_process(tmp_path, province.engine, local_api, **(webhook if mode is Mode.WEBHOOK else {})):
        await admin.command("/start")
        await admin.user.wait_for_message(timeout=START_S)  # the process is up and answering
        complaint = await province.complaints.submit(
            draft_for(province.reporter), province.reporter.as_actor()
        )
        card = await admin.user.wait_for_message(
            lambda m: (m.text or "").startswith(f"📋 {complaint.tracking_number}"), timeout=START_S
        )
        assert admin.action_buttons(card) == admin.expected_buttons(complaint)


async def test_the_sender_runs_alone_as_its_own_process(
    tmp_path: Path, province: Province, local_api: LocalBotApi
) -> None:
    chats = [AdminChat(local_api, admin) for admin in province.admins]
    for chat in chats:
        await chat.user.send_command("/start")  # nobody answers: no bot is polling, only the sender runs
    complaint = await province.complaints.submit(draft_for(province.reporter), province.reporter.as_actor())
    async with bot_process(tmp_path, province.engine, local_api, "sender"):
        for chat in chats:
            await chat.user.wait_for_message(
                lambda m: (m.text or "").startswith(f"📋 {complaint.tracking_number}"), timeout=START_S
            )
    assert local_api.requests("getUpdates") == []
