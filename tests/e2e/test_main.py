"""`python -m bot` says in one line what is wrong when it cannot start."""

from __future__ import annotations

import asyncio
import importlib.util
import os
import signal
import subprocess
import sys
from asyncio.subprocess import PIPE
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy.ext.asyncio import create_async_engine

from bot.app.factory import RedisUnavailable, create_fsm
from bot.app.settings import Settings
from bot.dev.local_api import LocalBotApi
from tests.e2e.chat import Reporter
from tests.e2e.conftest import TOKEN, WEBHOOK_SECRET, free_port

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = (
    "BOT_TOKEN",
    "TELEGRAM_API_BASE",
    "DATABASE_URL",
    "REDIS_URL",
    "MODE",
    "WEBHOOK_PUBLIC_URL",
    "WEBHOOK_SECRET",
)


def run_bot(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {key: value for key, value in os.environ.items() if key not in SETTINGS}
    clean["PYTHONPATH"] = str(ROOT)
    # In an empty directory: no .env is read, and the default SQLite lands in tmp_path/data.
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=tmp_path,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def output_lines(result: subprocess.CompletedProcess[str]) -> list[str]:
    return [line for line in (result.stdout + result.stderr).splitlines() if line.strip()]


async def test_without_a_token_it_opens_the_sandbox_and_stops_on_sigterm(tmp_path: Path) -> None:
    port = free_port()
    env = {key: value for key, value in os.environ.items() if key not in SETTINGS}
    env.update(PYTHONPATH=str(ROOT), SANDBOX_PORT=str(port))
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", cwd=tmp_path, env=env, stdout=PIPE, stderr=PIPE
    )
    try:
        assert process.stdout is not None
        line = (await asyncio.wait_for(process.stdout.readline(), timeout=60)).decode()
        address = f"http://127.0.0.1:{port}/"
        assert address in line, line
        async with aiohttp.ClientSession() as http, http.get(address) as page:
            assert page.status == 200
            assert "LaporGub" in await page.text()
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        _, errors = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode == 0, errors.decode()
    assert "Traceback" not in errors.decode()
    assert (tmp_path / "data" / "sandbox.sqlite3").is_file()


def test_the_sender_without_a_token_says_what_to_set(tmp_path: Path) -> None:
    # The sender has no sandbox: it delivers to Telegram or nowhere.
    result = run_bot(tmp_path, "sender")
    lines = output_lines(result)
    assert len(lines) == 1, lines
    assert "BOT_TOKEN" in lines[0]
    assert result.returncode != 0


def test_with_telegram_unreachable_it_says_so_and_fails(tmp_path: Path) -> None:
    # Both modes check the Bot API with the same call before anything mode-specific starts.
    result = run_bot(
        tmp_path,
        BOT_TOKEN="123456:unreachable-token",
        TELEGRAM_API_BASE="http://127.0.0.1:9",
    )
    lines = output_lines(result)
    assert len(lines) == 1, lines
    assert "cannot reach the Telegram Bot API at http://127.0.0.1:9" in lines[0]
    assert "Traceback" not in result.stderr
    assert "unreachable-token" not in lines[0]
    assert result.returncode != 0
    assert (tmp_path / "data").is_dir()  # the database was migrated before Telegram was tried


def test_env_example_lists_every_setting_with_a_comment() -> None:
    lines = (ROOT / ".env.example").read_text().splitlines()
    names = {line.split("=", 1)[0] for line in lines if line and not line.startswith("#")}
    assert names == {name.upper() for name in Settings.model_fields}
    for index, line in enumerate(lines):
        if line and not line.startswith("#"):
            assert lines[index - 1].startswith("# "), line


def test_redis_url_without_the_redis_package_is_a_clear_refusal() -> None:
    if importlib.util.find_spec("redis") is not None:
        pytest.skip("redis is installed: RedisStorage would be used")
    settings = Settings(_env_file=None, redis_url="redis://127.0.0.1:6379/0")
    with pytest.raises(RedisUnavailable, match="pip install redis"):
        create_fsm(settings, create_async_engine("sqlite+aiosqlite://"))


async def test_python_m_bot_serves_the_webhook_until_sigterm(tmp_path: Path, local_api: LocalBotApi) -> None:
    port = free_port()
    env = {key: value for key, value in os.environ.items() if key not in SETTINGS}
    env.update(
        PYTHONPATH=str(ROOT),
        BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE=local_api.base_url,
        MODE="webhook",
        WEBHOOK_PUBLIC_URL=f"http://127.0.0.1:{port}",
        WEBHOOK_LISTEN_HOST="127.0.0.1",
        WEBHOOK_LISTEN_PORT=str(port),
        WEBHOOK_SECRET=WEBHOOK_SECRET,
        LOG_LEVEL="WARNING",
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", cwd=tmp_path, env=env, stdout=PIPE, stderr=PIPE
    )
    try:
        person = Reporter(local_api.user(8901, "Rudi"))
        await person.command("/start")
        await person.user.wait_for_message(lambda message: message.text == person.said("welcome"), timeout=60)
    finally:
        process.send_signal(signal.SIGTERM)
        returncode = await asyncio.wait_for(process.wait(), timeout=30)
    stderr = (await process.stderr.read()).decode() if process.stderr else ""
    assert returncode == 0, stderr
    assert "Traceback" not in stderr
    assert local_api.requests(ok=False) == []


def test_the_webhook_listens_only_on_loopback_unless_told_otherwise() -> None:
    # Plain HTTP: by default only a reverse proxy on the same host, which terminates TLS, can reach it.
    assert Settings(_env_file=None).webhook_listen_host == "127.0.0.1"
    example = (ROOT / ".env.example").read_text()
    assert "\nWEBHOOK_LISTEN_HOST=127.0.0.1\n" in example
