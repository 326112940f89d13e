"""An operator's seat change reaches the person's "/" menu: `admin add` and `admin deactivate`, run as the
operator runs them, against the local Bot API server."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.dev.local_api import LocalBotApi, ServerConfig

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "orgs-jateng.yaml"
TOKEN = "7000002:cli-test-token"


@pytest.fixture
async def api() -> AsyncIterator[LocalBotApi]:
    server = LocalBotApi(ServerConfig.for_tests())
    server.add_bot(TOKEN, "laporgub_cli_bot", "LaporGub")
    await server.start()
    yield server
    await server.stop()


async def _run(api: LocalBotApi, tmp_path: Path, *args: str) -> tuple[int, str]:
    env = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "BOT_TOKEN")}
    env.update(
        PYTHONPATH=str(ROOT),
        DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'cli.sqlite3'}",
        BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE=api.base_url,
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *args, cwd=tmp_path, env=env, stdout=asyncio.subprocess.PIPE
    )
    out, _ = await asyncio.wait_for(process.communicate(), timeout=60)
    return int(process.returncode or 0), out.decode()


def _commands(api: LocalBotApi, chat_id: int) -> list[str]:
    key = json.dumps([{"chat_id": chat_id, "type": "chat"}, ""], sort_keys=True)
    return [command["command"] for command in api.world.find_bot().commands.get(key, [])]


async def test_a_seat_added_or_taken_away_by_the_operator_sets_the_persons_command_menu(
    api: LocalBotApi, tmp_path: Path
) -> None:
    await api.user(2001, "Sari").send_command("/start")
    assert (await _run(api, tmp_path, "orgs", "import", str(EXAMPLE)))[0] == 0
    added = await _run(
        api, tmp_path, "admin", "add", "--telegram-id", "2001", "--role", "city", "--org", "KOTA-PEKALONGAN"
    )
    assert added == (0, "added: 2001\tcity\tKOTA-PEKALONGAN\t-\tactive\n")
    assert {"queue", "invite", "admins"} <= set(_commands(api, 2001))
    gone = await _run(api, tmp_path, "admin", "deactivate", "--telegram-id", "2001")
    assert gone[0] == 0
    assert _commands(api, 2001) == []
