"""NIKs, phone numbers and contacts are encrypted at rest under PERSONAL_DATA_KEYS, read back whole, and
re-encrypted under a new key by a rotation; an older plain row stays readable until then."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import Text, select, type_coerce, update
from sqlalchemy.ext.asyncio import AsyncEngine

from storage import models
from storage.database import session_factory
from storage.directory import Directory
from storage.personal_data import (
    PREFIX,
    PersonalDataKeyMissing,
    configure,
    parse_keys,
)
from storage.resealing import plain_reporters, reseal_reporters, sample_opens
from tests.conftest import World

ROOT = Path(__file__).resolve().parents[2]
NIK = "3375014507900002"
PHONE = "+6281234567801"


@pytest.fixture
def keys() -> Iterator[None]:
    """Tests here change the process's keys; put the suite's back afterwards."""
    yield
    configure(parse_keys(os.environ["PERSONAL_DATA_KEYS"]))


async def stored(engine: AsyncEngine, column: str) -> list[str]:
    table = models.Reporter.__table__
    async with engine.connect() as connection:
        rows = await connection.execute(select(type_coerce(table.c[column], Text)).order_by(table.c.id))
        return [value for (value,) in rows]


async def test_the_database_holds_no_nik_or_phone_in_plain_text(
    world: World, clean_engine: AsyncEngine
) -> None:
    for value in [*await stored(clean_engine, "nik"), *await stored(clean_engine, "phone")]:
        assert value.startswith(PREFIX)
        assert NIK not in value
        assert "81234567801" not in value
    reporter = await world.directory.reporter_by_telegram_id(9001)
    assert reporter is not None
    assert (reporter.nik, reporter.phone) == (NIK, PHONE)


async def test_a_plain_row_is_read_then_encrypted_by_a_rotation(
    world: World, clean_engine: AsyncEngine, keys: None
) -> None:
    sessions = session_factory(clean_engine)
    async with clean_engine.begin() as connection:  # as written before there were keys
        table = models.Reporter.__table__
        await connection.execute(update(table).values(nik=type_coerce(NIK, Text)))
    assert await plain_reporters(sessions) == 1
    reporter = await world.directory.reporter_by_telegram_id(9001)
    assert reporter is not None
    assert reporter.nik == NIK

    assert await reseal_reporters(sessions) == 1
    assert await plain_reporters(sessions) == 0
    assert await reseal_reporters(sessions) == 0  # nothing left to do


async def test_a_new_key_first_then_rotate_then_the_old_key_can_go(
    world: World, clean_engine: AsyncEngine, keys: None
) -> None:
    sessions = session_factory(clean_engine)
    old = parse_keys(os.environ["PERSONAL_DATA_KEYS"])[0]
    new = Fernet.generate_key().decode()
    configure([new, old])
    assert await reseal_reporters(sessions) == 1
    configure([new])
    reporter = await Directory(sessions).reporter_by_telegram_id(9001)
    assert reporter is not None
    assert reporter.phone == PHONE
    # A key nobody kept: the data cannot be read, and the check says so.
    configure([Fernet.generate_key().decode()])
    assert not await sample_opens(sessions)
    with pytest.raises(PersonalDataKeyMissing):
        await Directory(sessions).reporter_by_telegram_id(9001)


def test_keys_new_prints_a_key_and_a_malformed_key_is_refused(tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "BOT_TOKEN")}
    env.update(PYTHONPATH=str(ROOT), DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'k.sqlite3'}")

    def laporgub(*words: str, **extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "bot", *words], cwd=tmp_path, env={**env, **extra}, capture_output=True,
            text=True, timeout=60, check=False,
        )  # fmt: skip

    made = laporgub("keys", "new")
    assert made.returncode == 0, made.stderr
    Fernet(made.stdout.strip().encode())
    refused = laporgub("keys", "rotate", PERSONAL_DATA_KEYS="not-a-key")
    assert refused.returncode == 2
    assert "PERSONAL_DATA_KEYS: key 1 is not a Fernet key" in refused.stderr
    assert "not-a-key" not in refused.stderr.split("PERSONAL_DATA_KEYS")[0]
    rotated = laporgub("keys", "rotate")
    assert rotated.returncode == 0, rotated.stderr
    assert rotated.stdout.startswith("rewrote 0 reporters' personal data under the first key")
