"""Operator commands: `python -m bot orgs import FILE | export`, `admin add | list | deactivate`.

Each migrates the database first (DATABASE_URL, as the bot uses it), prints what it did, and ends a refusal
in one line on stderr with exit code 1: an unknown organisation, a role that does not fit it, a duplicate, a
malformed registry file (with its line).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import create_bot
from bot.commands import seat_commands
from bot.config import Settings
from storage.database import create_engine, database_url, migrate, session_factory
from storage.directory import Directory
from storage.errors import StorageError
from storage.registry import export_organisations, import_organisations
from storage.seats import deactivate_by_telegram_id, list_admins
from workflow.actors import Role

COMMANDS = ("orgs", "admin")
ADMIN_ROLES = [role.value for role in Role if role not in (Role.REPORTER, Role.SYSTEM)]

Sessions = async_sessionmaker[AsyncSession]


class CliError(Exception):
    pass


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="python -m bot", description="LaporGub operator commands")
    groups = root.add_subparsers(dest="group", required=True)

    orgs = groups.add_parser("orgs", help="the organisation registry").add_subparsers(
        dest="action", required=True
    )
    importing = orgs.add_parser("import", help="import a YAML registry (idempotent)")
    importing.add_argument("file", type=Path)
    orgs.add_parser("export", help="print the registry as YAML")

    admin = groups.add_parser("admin", help="admin seats").add_subparsers(dest="action", required=True)
    add = admin.add_parser("add", help="give a Telegram user an admin seat")
    add.add_argument("--telegram-id", type=int, required=True)
    add.add_argument("--role", choices=ADMIN_ROLES, required=True)
    add.add_argument("--org", required=True, metavar="CODE")
    add.add_argument("--name", default="")
    listing = admin.add_parser("list", help="list the admins")
    listing.add_argument("--org", metavar="CODE")
    deactivate = admin.add_parser("deactivate", help="take a user's admin seats away")
    deactivate.add_argument("--telegram-id", type=int, required=True)
    deactivate.add_argument("--org", metavar="CODE")
    return root


async def orgs_import(sessions: Sessions, args: argparse.Namespace) -> str:
    try:
        text = args.file.read_text(encoding="utf-8")
    except OSError as error:
        raise CliError(f"cannot read {args.file}: {error.strerror}") from None
    report = await import_organisations(sessions, text)
    lines = [f"{args.file}: {report.summary()}"]
    lines += [f"  created {code}" for code in report.created]
    lines += [f"  updated {code}" for code in report.updated]
    return "\n".join(lines)


async def orgs_export(sessions: Sessions, _args: argparse.Namespace) -> str:
    return (await export_organisations(sessions)).rstrip("\n")


async def admin_add(sessions: Sessions, args: argparse.Namespace) -> str:
    admin = await Directory(sessions).add_admin(
        telegram_id=args.telegram_id, role=Role(args.role), org_code=args.org, full_name=args.name
    )
    return f"added: {_row(admin.telegram_id, admin.role, admin.org.code, admin.full_name, admin.active)}"


async def admin_list(sessions: Sessions, args: argparse.Namespace) -> str:
    admins = await list_admins(sessions, org_code=args.org)
    if not admins:
        return "no admins"
    return "\n".join(_row(a.telegram_id, a.role, a.org.code, a.full_name, a.active) for a in admins)


async def admin_deactivate(sessions: Sessions, args: argparse.Namespace) -> str:
    seats = await deactivate_by_telegram_id(sessions, args.telegram_id, args.org)
    return "\n".join(
        f"deactivated: {_row(a.telegram_id, a.role, a.org.code, a.full_name, False)}" for a in seats
    )


def _row(telegram_id: int, role: str, org_code: str, name: str, active: bool) -> str:
    return "\t".join([str(telegram_id), role, org_code, name or "-", "active" if active else "inactive"])


ACTIONS: dict[tuple[str, str], Callable[[Sessions, argparse.Namespace], Awaitable[str]]] = {
    ("orgs", "import"): orgs_import,
    ("orgs", "export"): orgs_export,
    ("admin", "add"): admin_add,
    ("admin", "list"): admin_list,
    ("admin", "deactivate"): admin_deactivate,
}


async def execute(settings: Settings, args: argparse.Namespace) -> str:
    engine = create_engine(database_url(settings.database_url))
    try:
        try:
            await migrate(engine)
        except Exception as error:
            raise CliError(
                f"cannot prepare the database ({type(error).__name__}): check DATABASE_URL"
            ) from None
        sessions = session_factory(engine)
        output = await ACTIONS[(args.group, args.action)](sessions, args)
        if (args.group, args.action) in SEAT_CHANGES and settings.bot_token is not None:
            await _follow_seat(settings, sessions, args.telegram_id)
        return output
    finally:
        await engine.dispose()


# Seat changes after which the person's "/" menu is set for the seats they hold now, as the bot does after
# an invite: with a bot token configured, the command list is set through the Bot API (best effort: the
# seat is changed whatever Telegram answers, and their next /start sets it too).
SEAT_CHANGES = frozenset({("admin", "add"), ("admin", "deactivate")})


async def _follow_seat(settings: Settings, sessions: Sessions, telegram_id: int) -> None:
    bot = create_bot(settings, timeout=10)
    try:
        await seat_commands(bot, Directory(sessions), telegram_id)
    finally:
        await bot.session.close()


def main(settings: Settings, argv: list[str]) -> int:
    args = parser().parse_args(argv)
    try:
        output = asyncio.run(execute(settings, args))
    except (StorageError, CliError) as error:
        print(f"laporgub: {error}", file=sys.stderr)
        return 1
    print(output)
    return 0
