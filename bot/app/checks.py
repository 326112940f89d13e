"""`laporgub check`: everything an operator must know before (and while) the bot runs, one line each.

Exit codes, for an init system's pre-start check or a cron job: 0 every check passed; 3 only warnings (it
runs, but something needs the operator soon, such as next year's joint leave); 1 at least one check failed
(it cannot run as configured, or it is not delivering). Invalid settings or words exit 2 before any check.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from importlib.metadata import version
from pathlib import Path

import holidays
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app.settings import Mode, Settings
from storage.database import create_engine, database_url, session_factory
from storage.health import OUTBOX_STUCK_AFTER, attachments_without_copy, outbox_state, schema_state
from storage.models import utcnow
from storage.personal_data import has_keys
from storage.resealing import plain_reporters, sample_opens

TELEGRAM_TIMEOUT_S = 10.0
HOLIDAYS_VERSION = version("holidays")


class Status(StrEnum):
    OK = "ok"
    WARN = "warn"
    FAIL = "FAIL"


@dataclass(frozen=True)
class Finding:
    name: str
    status: Status
    detail: str

    def line(self) -> str:
        return f"{self.status.value:<4}  {self.name:<9} {self.detail}"


def joint_leave_known(year: int) -> bool:
    """Whether the installed `holidays` package knows the government's joint leave (cuti bersama) of `year`:
    it is decreed each year, so only a newer release of the package knows next year's."""
    return bool(holidays.country_holidays("ID", years=year, categories=("government",)))


def check_holidays(today: date) -> Finding:
    missing = [year for year in (today.year, today.year + 1) if not joint_leave_known(year)]
    if not missing:
        return Finding(
            "holidays",
            Status.OK,
            f"joint leave known for {today.year} and {today.year + 1} (holidays {HOLIDAYS_VERSION})",
        )
    years = " and ".join(map(str, missing))
    status = Status.FAIL if today.year in missing else Status.WARN
    return Finding(
        "holidays",
        status,
        f"holidays {HOLIDAYS_VERSION} does not know the joint leave (cuti bersama) of {years}: deadlines "
        "would count those days as working days; upgrade it: pip install -U holidays",
    )


def missing_sqlite_file(url: URL) -> str | None:
    """The path of a SQLite database that does not exist yet: connecting would create an empty file, and
    a check changes nothing."""
    if url.get_backend_name() == "sqlite" and url.database and not Path(url.database).exists():
        return url.database
    return None


async def check_database(settings: Settings) -> list[Finding]:
    url = make_url(database_url(settings.database_url))
    missing = missing_sqlite_file(url)
    if missing:
        return [
            Finding(
                "database",
                Status.FAIL,
                f"no database at {missing}: run `laporgub migrate` or start the bot (it migrates at start)",
            )
        ]
    engine = create_engine(url.render_as_string(hide_password=False))
    try:
        try:
            schema = await schema_state(engine)
        except Exception as error:
            reason = str(error).splitlines()[0] if str(error) else type(error).__name__
            return [Finding("database", Status.FAIL, f"cannot connect ({reason}): check DATABASE_URL")]
        found = [Finding("database", Status.OK, f"reachable ({engine.dialect.name})")]
        if schema.at_head:
            found.append(Finding("schema", Status.OK, f"at the migrations' head {', '.join(schema.head)}"))
        else:
            current = ", ".join(schema.current) or "empty"
            found.append(
                Finding(
                    "schema",
                    Status.FAIL,
                    f"at {current}, the migrations' head is {', '.join(schema.head)}: run `laporgub migrate` "
                    "or start the bot (it migrates at start)",
                )
            )
            return found
        outbox = await outbox_state(engine)
        now = utcnow()
        age = outbox.oldest_pending_age(now)
        oldest = "none pending" if age is None else f"oldest pending {int(age.total_seconds())} s old"
        detail = f"{outbox.pending} pending ({oldest}), {outbox.failed} failed for good"
        if outbox.stuck(now):
            minutes = int(OUTBOX_STUCK_AFTER.total_seconds() // 60)
            found.append(
                Finding(
                    "outbox",
                    Status.FAIL,
                    f"{detail}: nothing delivered for over {minutes} minutes; is the sender running?",
                )
            )
        else:
            found.append(Finding("outbox", Status.WARN if outbox.failed else Status.OK, detail))
        found.append(await check_personal_data(session_factory(engine)))
        uncopied = await attachments_without_copy(engine, now - OUTBOX_STUCK_AFTER)
        if uncopied:
            found.append(
                Finding(
                    "files",
                    Status.WARN,
                    f"{uncopied} attachments older than 10 minutes have no copy in ATTACHMENTS_DIR: they "
                    "are lost if the bot or its token is replaced; is the bot running?",
                )
            )
        else:
            found.append(Finding("files", Status.OK, "every attachment has a copy in ATTACHMENTS_DIR"))
        return found
    finally:
        await engine.dispose()


async def check_personal_data(sessions: async_sessionmaker[AsyncSession]) -> Finding:
    if not await sample_opens(sessions):
        return Finding(
            "privacy",
            Status.FAIL,
            "NIKs are encrypted with a key PERSONAL_DATA_KEYS does not hold: put the key back",
        )
    plain = await plain_reporters(sessions)
    if not has_keys():
        return Finding(
            "privacy",
            Status.WARN,
            "PERSONAL_DATA_KEYS is not set: NIKs and phone numbers are stored in plain text (make a key: "
            "laporgub keys new; then laporgub keys rotate)",
        )
    if plain:
        return Finding(
            "privacy",
            Status.WARN,
            f"{plain} reporters' NIKs are still in plain text: run laporgub keys rotate",
        )
    return Finding("privacy", Status.OK, "NIKs and phone numbers are encrypted at rest")


async def check_telegram(settings: Settings) -> list[Finding]:
    if settings.bot_token is None or not settings.bot_token.get_secret_value().strip():
        return [Finding("telegram", Status.FAIL, "BOT_TOKEN is not set (without it only the sandbox runs)")]
    from aiogram.exceptions import TelegramAPIError, TelegramNetworkError, TelegramUnauthorizedError

    from bot.app.factory import create_bot

    bot = create_bot(settings, retry_transient=False, timeout=TELEGRAM_TIMEOUT_S)
    try:
        try:
            me = await bot.get_me()
            webhook = await bot.get_webhook_info()
        except TelegramUnauthorizedError:
            return [Finding("telegram", Status.FAIL, "the Bot API refused BOT_TOKEN (401): check the token")]
        except (TelegramNetworkError, TelegramAPIError, OSError, TimeoutError) as error:
            reason = str(error).splitlines()[0] if str(error) else type(error).__name__
            return [
                Finding(
                    "telegram",
                    Status.FAIL,
                    f"cannot reach the Bot API at {settings.telegram_api_base} ({reason})",
                )
            ]
    finally:
        await bot.session.close()
    found = [Finding("telegram", Status.OK, f"reachable as @{me.username} (id {me.id})")]
    if settings.mode is Mode.WEBHOOK:
        expected = settings.webhook_url if settings.webhook_public_url else None
        if expected is None:
            found.append(Finding("webhook", Status.FAIL, "MODE=webhook needs WEBHOOK_PUBLIC_URL"))
        elif webhook.url != expected:
            shown = webhook.url or "none"
            found.append(
                Finding(
                    "webhook",
                    Status.FAIL,
                    f"registered at {shown}, expected {expected}: start the bot to register it",
                )
            )
        else:
            pending = webhook.pending_update_count
            last = f"; last error: {webhook.last_error_message}" if webhook.last_error_message else ""
            status = Status.WARN if webhook.last_error_message else Status.OK
            found.append(Finding("webhook", status, f"registered at {expected}, {pending} pending{last}"))
    elif webhook.url:
        found.append(
            Finding(
                "webhook",
                Status.WARN,
                f"a webhook is registered at {webhook.url} while MODE=polling: the bot deletes it at start",
            )
        )
    else:
        found.append(Finding("webhook", Status.OK, "none registered (polling)"))
    return found


CHECKS: tuple[Callable[[Settings], Awaitable[list[Finding]]], ...] = (check_database, check_telegram)


async def run_checks(settings: Settings, today: date | None = None) -> list[Finding]:
    settings.apply_personal_data_keys()
    found = [Finding("settings", Status.OK, f"valid (MODE={settings.mode.value})")]
    for group in await asyncio.gather(*(check(settings) for check in CHECKS)):
        found.extend(group)
    found.append(check_holidays(today or utcnow().date()))
    return found


def exit_code(found: list[Finding]) -> int:
    statuses = {finding.status for finding in found}
    if Status.FAIL in statuses:
        return 1
    return 3 if Status.WARN in statuses else 0


def main(settings: Settings) -> int:
    found = asyncio.run(run_checks(settings))
    for finding in found:
        print(finding.line())
    return exit_code(found)
