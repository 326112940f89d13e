"""`laporgub check` against the local Bot API server and both databases: each check passes when things are
right and names what is wrong when they are not, with exit codes a cron job or an init system can use."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app.checks import Finding, Status, check_holidays, exit_code, joint_leave_known, run_checks
from bot.app.factory import create_bot
from bot.app.settings import Mode, Settings
from bot.dev.local_api import LocalBotApi
from storage import models
from storage.database import create_engine, migrate, session_factory
from storage.models import utcnow
from tests.conftest import World, draft_for
from tests.e2e.conftest import TOKEN, WEBHOOK_SECRET
from workflow.complaint import AttachmentDraft, AttachmentKind

ROOT = Path(__file__).resolve().parents[2]


def settings_for(local_api: LocalBotApi, database_url: str, **changes: object) -> Settings:
    values: dict[str, object] = {
        "bot_token": TOKEN,
        "telegram_api_base": local_api.base_url,
        "database_url": database_url,
        **changes,
    }
    return Settings(_env_file=None, **values)  # type: ignore[arg-type]


def by_name(found: list[Finding]) -> dict[str, Finding]:
    return {finding.name: finding for finding in found}


async def test_a_healthy_polling_install_passes_every_check(
    local_api: LocalBotApi, clean_engine: AsyncEngine
) -> None:
    url = clean_engine.url.render_as_string(hide_password=False)
    found = await run_checks(settings_for(local_api, url), today=date(2026, 12, 4))
    assert [(f.name, f.status) for f in found] == [
        ("settings", Status.OK),
        ("database", Status.OK),
        ("schema", Status.OK),
        ("outbox", Status.OK),
        ("privacy", Status.OK),
        ("files", Status.OK),
        ("telegram", Status.OK),
        ("webhook", Status.OK),
        ("holidays", Status.OK),
    ], [f.line() for f in found]
    assert "@laporgub_e2e_bot" in by_name(found)["telegram"].detail
    assert exit_code(found) == 0


async def test_a_refused_token_and_a_stuck_outbox_fail(
    local_api: LocalBotApi, clean_engine: AsyncEngine
) -> None:
    async with session_factory(clean_engine).begin() as session:
        session.add(
            models.OutboxMessage(
                chat_id=42,
                kind="test",
                payload={},
                next_attempt_at=utcnow(),
                created_at=utcnow() - timedelta(minutes=25),
                dedupe_key="check:stuck",
            )
        )
    url = clean_engine.url.render_as_string(hide_password=False)
    found = by_name(
        await run_checks(settings_for(local_api, url, bot_token="7000002:not-a-known-token-at-all"))
    )
    assert found["telegram"].status is Status.FAIL
    assert "401" in found["telegram"].detail
    assert found["outbox"].status is Status.FAIL
    assert re.search(r"1 pending \(oldest pending 15\d\d s old", found["outbox"].detail)
    assert "is the sender running?" in found["outbox"].detail
    assert exit_code(list(found.values())) == 1


async def test_the_webhook_must_be_registered_where_it_should_be(
    local_api: LocalBotApi, clean_engine: AsyncEngine
) -> None:
    url = clean_engine.url.render_as_string(hide_password=False)
    settings = settings_for(
        local_api,
        url,
        mode=Mode.WEBHOOK,
        webhook_public_url="https://laporgub.example.go.id",
        webhook_secret=WEBHOOK_SECRET,
    )
    found = by_name(await run_checks(settings))
    assert found["webhook"].status is Status.FAIL
    assert "registered at none, expected https://laporgub.example.go.id" in found["webhook"].detail
    bot = create_bot(settings)
    try:
        await bot.set_webhook(settings.webhook_url, secret_token=WEBHOOK_SECRET)
    finally:
        await bot.session.close()
    found = by_name(await run_checks(settings))
    assert found["webhook"].status is Status.OK, found["webhook"].line()
    # The same webhook left behind while the bot is meant to poll: told, as the bot removes it at start.
    found = by_name(await run_checks(settings_for(local_api, url)))
    assert found["webhook"].status is Status.WARN


async def test_a_schema_behind_the_migrations_fails_and_names_the_fix(
    local_api: LocalBotApi, tmp_path: Path
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'old.sqlite3'}"
    engine = create_engine(url)
    try:
        await migrate(engine, "0009")
    finally:
        await engine.dispose()
    found = by_name(await run_checks(settings_for(local_api, url)))
    assert found["schema"].status is Status.FAIL
    assert "at 0009" in found["schema"].detail
    assert "laporgub migrate" in found["schema"].detail
    assert "outbox" not in found


def test_holiday_data_must_know_this_and_next_years_joint_leave() -> None:
    # The first year whose cuti bersama the installed package does not know (a later release will).
    unknown = next(year for year in range(2026, 2100) if not joint_leave_known(year))
    last_known = unknown - 1
    assert check_holidays(date(last_known - 1, 12, 4)).status is Status.OK
    # In the last year it knows, next year's joint leave is missing: a warning that names the upgrade.
    later = check_holidays(date(last_known, 6, 1))
    assert later.status is Status.WARN
    assert str(unknown) in later.detail
    assert "pip install -U holidays" in later.detail
    assert check_holidays(date(unknown, 1, 2)).status is Status.FAIL


def test_the_command_prints_one_line_per_check_and_exits_1_on_a_failure(tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "BOT_TOKEN")}
    env["PYTHONPATH"] = str(ROOT)
    env["DATABASE_URL"] = f"sqlite+aiosqlite:///{tmp_path / 'none.sqlite3'}"
    result = subprocess.run(
        [sys.executable, "-m", "bot", "check"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("ok    settings")
    assert any(line.startswith("FAIL  database  no database at") for line in lines)
    assert any(line.startswith("FAIL  telegram  BOT_TOKEN is not set") for line in lines)
    # A check changes nothing: no database file was created.
    assert not (tmp_path / "none.sqlite3").exists()


async def test_an_attachment_without_our_copy_is_a_warning(
    local_api: LocalBotApi, clean_engine: AsyncEngine, world: World
) -> None:
    await world.complaints.submit(
        draft_for(world.reporter, attachments=(AttachmentDraft("AgACphoto", AttachmentKind.PHOTO),)),
        world.reporter.as_actor(),
    )
    async with session_factory(clean_engine).begin() as session:
        await session.execute(update(models.Attachment).values(created_at=utcnow() - timedelta(minutes=20)))
    url = clean_engine.url.render_as_string(hide_password=False)
    found = await run_checks(settings_for(local_api, url), today=date(2026, 12, 4))
    files = by_name(found)["files"]
    assert files.status is Status.WARN
    assert files.detail.startswith("1 attachments older than 10 minutes have no copy")
    assert exit_code(found) == 3
