"""The command tree (`laporgub`, or `python -m bot`), and the operator commands that work on the database:
`orgs import FILE | export`, `admin add | list | deactivate`.

Each migrates the database first (DATABASE_URL, as the bot uses it), prints what it did, and ends a refusal
in one line on stderr with exit code 1: an unknown organisation, a role that does not fit it, a duplicate, a
malformed registry file (with its line).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path

from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app.settings import Settings
from storage.backup import BackupError, backup, restore
from storage.data_errors import StorageError
from storage.data_requests import DataRequests
from storage.database import create_engine, database_url, migrate, session_factory
from storage.directory import Directory
from storage.invites import Invites, invite_link
from storage.models import utcnow
from storage.personal_data import PersonalDataKeyMissing, has_keys, new_key
from storage.registry import export_organisations, import_organisations
from storage.resealing import reseal_reporters
from storage.retention import erase_identities, purge_sent_notices
from storage.seats import deactivate_by_telegram_id, list_admins
from workflow.actors import Role
from workflow.calendar import to_wib

# The operator commands that work on the database and print what they did (run by `execute`).
COMMANDS = ("orgs", "admin", "migrate", "purge", "keys", "datarequests")
ADMIN_ROLES = [role.value for role in Role if role not in (Role.REPORTER, Role.SYSTEM)]

Sessions = async_sessionmaker[AsyncSession]


class CliError(Exception):
    pass


def parser(prog: str = "laporgub") -> argparse.ArgumentParser:
    """The one command tree of `laporgub` and `python -m bot`. argparse, not a CLI library: it is in the
    standard library, every command here is a word and a few flags, and `--help` and exit code 2 for an
    unknown word come with it."""
    root = argparse.ArgumentParser(
        prog=prog,
        description="LaporGub complaint bot. Without a command: the same as `run`.",
        epilog="Settings come from the environment or .env (see .env.example).",
    )
    commands = root.add_subparsers(dest="group", metavar="COMMAND")

    commands.add_parser(
        "run",
        help="run the bot (polling or webhook, from MODE); without BOT_TOKEN, the sandbox",
        description="Run the bot: migrate the database, then take updates (MODE=polling or webhook), with "
        "the outbox sender (unless SENDER_IN_BOT=false) and the scheduler. Without BOT_TOKEN it opens "
        "the sandbox instead. Stops on SIGINT or SIGTERM.",
    )
    commands.add_parser(
        "sender",
        help="run only the outbox sender (for bots run with SENDER_IN_BOT=false)",
        description="Deliver the outbox's notifications to Telegram until SIGINT or SIGTERM.",
    )
    sandbox = commands.add_parser(
        "sandbox",
        help="the whole bot in a browser, without Telegram or a token",
        description="The local Bot API server, the bot, the sender and the scheduler in one process, and a "
        "chat page that looks like Telegram, on a fresh SQLite database.",
    )
    sandbox.add_argument("--host", help="address of the page (default: SANDBOX_HOST, 127.0.0.1)")
    sandbox.add_argument("--port", type=int, help="port of the page (default: SANDBOX_PORT, 8080)")
    commands.add_parser(
        "check",
        help="check settings, database, schema, outbox, Telegram, webhook and holiday data",
        description="One line per check. Exit 0: all passed; 3: warnings only; 1: a check failed "
        "(2: invalid settings or words). Changes nothing.",
    )
    commands.add_parser(
        "migrate",
        help="bring the database schema to the migrations' head",
        description="Run the Alembic migrations (the bot also runs them at start, under a lock).",
    )
    backing_up = commands.add_parser(
        "backup",
        help="back up the database into one archive file",
        description="A consistent copy of the whole database while the bot runs: SQLite's online backup "
        "API, or pg_dump on PostgreSQL (its client tools must be installed), in one .tar.gz with a "
        "manifest and checksums.",
    )
    backing_up.add_argument("file", type=Path, help="the archive to write, e.g. laporgub-2026-12-04.tar.gz")
    restoring = commands.add_parser(
        "restore",
        help="replace the database's contents with a backup (stop the bot first)",
        description="Check the archive's checksums, then replace everything in DATABASE_URL with it. Stop "
        "the bot and the sender first; the bot migrates an older schema at its next start.",
    )
    restoring.add_argument("file", type=Path, help="an archive written by `backup`")
    restoring.add_argument(
        "--yes", action="store_true", help="confirm that the database's present contents are to be replaced"
    )
    commands.add_parser(
        "purge",
        help="delete old delivered notices; erase identities past IDENTITY_RETENTION_DAYS",
        description="Delete sent outbox rows older than OUTBOX_RETENTION_DAYS (default 30) whose complaint "
        "is finished, and erase the name, NIK, phone, address and contact of reporters whose complaints all "
        "finished over IDENTITY_RETENTION_DAYS (default 365) ago. The scheduler does the same every hour; "
        "complaints, events and reports are kept.",
    )
    commands.add_parser(
        "datarequests",
        help="list reporters' erasure requests still waiting for the handling office",
        description="List the erasure requests reporters made with /datasaya that no admin of the handling "
        "office (SERVICE_OFFICE_CODE) has decided yet, oldest first: number, when (WIB), the office, and "
        "how many of its admins are active. No identity is printed; admins decide in the bot.",
    )
    commands.add_parser(
        "demo",
        help="walk one complaint through all seven steps and print each person's chat",
        description="Non-interactive: a complaint filed, disposed, forwarded, returned, forwarded again, "
        "resolved, confirmed, approved and rated, in-process on a temporary database. Exit 0 when the "
        "result reached the reporter.",
    )

    orgs = commands.add_parser(
        "orgs", help="the organisation registry", description="Import or export the organisation registry."
    ).add_subparsers(dest="action", required=True, metavar="ACTION")
    importing = orgs.add_parser(
        "import", help="import a YAML registry (idempotent)", description="Import a YAML registry."
    )
    importing.add_argument("file", type=Path)
    orgs.add_parser("export", help="print the registry as YAML", description="Print the registry as YAML.")

    admin = commands.add_parser(
        "admin", help="admin seats", description="Add, list and deactivate admin seats."
    ).add_subparsers(dest="action", required=True, metavar="ACTION")
    add = admin.add_parser(
        "add", help="give a Telegram user an admin seat", description="Give a Telegram user an admin seat."
    )
    add.add_argument("--telegram-id", type=int, required=True)
    add.add_argument("--role", choices=ADMIN_ROLES, required=True)
    add.add_argument("--org", required=True, metavar="CODE")
    add.add_argument("--name", default="")
    listing = admin.add_parser("list", help="list the admins", description="List the admins.")
    listing.add_argument("--org", metavar="CODE")
    keys = commands.add_parser(
        "keys",
        help="the keys that encrypt NIKs and phone numbers at rest",
        description="PERSONAL_DATA_KEYS: comma-separated Fernet keys, newest first. To rotate: put a new key "
        "first, run `keys rotate`, then drop the old one.",
    ).add_subparsers(dest="action", required=True, metavar="ACTION")
    keys.add_parser("new", help="print a new key", description="Print a new Fernet key (changes nothing).")
    keys.add_parser(
        "rotate",
        help="re-encrypt every reporter's personal data under the first key",
        description="Rewrite every reporter's NIK, phone and contact under the first key of "
        "PERSONAL_DATA_KEYS (encrypting rows stored plainly); without keys, write them plainly.",
    )
    inviting = admin.add_parser(
        "invite",
        help="print a one-time link that seats whoever opens it (the first admin needs no numeric id)",
        description="Print a one-time deep link, valid 48 hours, that gives whoever opens it in Telegram an "
        "admin seat. Send it to the person privately. The bot's username comes from Telegram (BOT_TOKEN), "
        "or from --bot-username.",
    )
    inviting.add_argument("--role", choices=ADMIN_ROLES, required=True)
    inviting.add_argument("--org", required=True, metavar="CODE")
    inviting.add_argument(
        "--bot-username", metavar="NAME", help="the bot's @username, without asking Telegram"
    )
    deactivate = admin.add_parser(
        "deactivate", help="take a user's admin seats away", description="Take a user's admin seats away."
    )
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


async def migrated(sessions: Sessions, _args: argparse.Namespace) -> str:
    async with sessions() as session:
        connection = await session.connection()
        revisions = await connection.run_sync(
            lambda sync: MigrationContext.configure(sync).get_current_heads()
        )
    return f"database at {', '.join(revisions)}"


async def admin_invite(sessions: Sessions, args: argparse.Namespace) -> str:
    username = (args.bot_username or "").lstrip("@") or await _bot_username(args.settings)
    invite = await Invites(sessions).create_for_operator(Role(args.role), args.org)
    expires = to_wib(invite.expires_at).strftime("%d-%m-%Y %H:%M WIB")
    return (
        f"{invite_link(username, invite.code)}\n"
        f"one {invite.role} seat at {invite.org.code} ({invite.org.name}); works once, until {expires}"
    )


async def _bot_username(settings: Settings) -> str:
    if settings.bot_token is None:
        raise CliError("the link needs the bot's username: set BOT_TOKEN, or pass --bot-username")
    from bot.app.factory import create_bot  # aiogram only for this command

    bot = create_bot(settings, retry_transient=False, timeout=10)
    try:
        me = await bot.get_me()
    except Exception as error:
        raise CliError(
            f"cannot ask Telegram for the bot's username ({type(error).__name__}): pass --bot-username"
        ) from None
    finally:
        await bot.session.close()
    return me.username or ""


async def purge(sessions: Sessions, args: argparse.Namespace) -> str:
    days, identity_days = args.settings.outbox_retention_days, args.settings.identity_retention_days
    now = utcnow()
    purged = await purge_sent_notices(sessions, now, timedelta(days=days))
    erased = await erase_identities(sessions, now, timedelta(days=identity_days))
    return (
        f"deleted {purged} delivered notices of finished complaints older than {days} days\n"
        f"erased the identity of {erased} reporters whose complaints all finished over "
        f"{identity_days} days ago"
    )


async def data_requests_pending(sessions: Sessions, _args: argparse.Namespace) -> str:
    requests = DataRequests(sessions)
    waiting = await requests.pending()
    if not waiting:
        return "no erasure requests waiting"
    directory = Directory(sessions)
    lines = []
    for request in waiting:
        office = await directory.organisation(request.office_org_id)
        code = office.code if office else str(request.office_org_id)
        admins = await requests.office_admin_count(request.office_org_id)
        at = to_wib(request.requested_at).strftime("%Y-%m-%d %H:%M WIB")
        lines.append(f"#{request.id}  requested {at}  office {code}  {admins} active admins")
    return "\n".join(lines)


async def keys_new(_sessions: Sessions, _args: argparse.Namespace) -> str:
    return new_key()


async def keys_rotate(sessions: Sessions, args: argparse.Namespace) -> str:
    try:
        rewritten = await reseal_reporters(sessions)
    except PersonalDataKeyMissing as error:
        raise CliError(f"{error}: put every key still in use in PERSONAL_DATA_KEYS") from None
    under = "under the first key of PERSONAL_DATA_KEYS" if has_keys() else "in plain text (no keys are set)"
    return f"rewrote {rewritten} reporters' personal data {under}"


def _row(telegram_id: int, role: str, org_code: str, name: str, active: bool) -> str:
    return "\t".join([str(telegram_id), role, org_code, name or "-", "active" if active else "inactive"])


ACTIONS: dict[tuple[str, str | None], Callable[[Sessions, argparse.Namespace], Awaitable[str]]] = {
    ("orgs", "import"): orgs_import,
    ("orgs", "export"): orgs_export,
    ("admin", "add"): admin_add,
    ("admin", "list"): admin_list,
    ("admin", "deactivate"): admin_deactivate,
    ("admin", "invite"): admin_invite,
    ("migrate", None): migrated,
    ("purge", None): purge,
    ("datarequests", None): data_requests_pending,
    ("keys", "new"): keys_new,
    ("keys", "rotate"): keys_rotate,
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
        key = (args.group, getattr(args, "action", None))
        output = await ACTIONS[key](sessions, args)
        if key in SEAT_CHANGES and settings.bot_token is not None:
            await _follow_seat(settings, sessions, args.telegram_id)
        return output
    finally:
        await engine.dispose()


# Seat changes after which the person's "/" menu is set for the seats they hold now, as the bot does after
# an invite: with a bot token configured, the command list is set through the Bot API (best effort: the
# seat is changed whatever Telegram answers, and their next /start sets it too).
SEAT_CHANGES = frozenset({("admin", "add"), ("admin", "deactivate")})


async def _follow_seat(settings: Settings, sessions: Sessions, telegram_id: int) -> None:
    from bot.app.factory import create_bot  # aiogram only for this
    from bot.ui.commands import seat_commands

    bot = create_bot(settings, timeout=10)
    try:
        await seat_commands(bot, Directory(sessions), telegram_id)
    finally:
        await bot.session.close()


def backup_main(settings: Settings, args: argparse.Namespace) -> int:
    url = database_url(settings.database_url)
    try:
        if args.group == "backup":
            archive = asyncio.run(backup(url, args.file, Path(settings.attachments_dir)))
            print(f"backed up the {archive.backend} database at {archive.revision} to {archive.path}", end="")
            print(f" ({archive.size} bytes)")
            return 0
        if not args.yes:
            raise BackupError(
                f"restoring replaces everything in the {make_url(url).get_backend_name()} database: stop the "
                "bot and the sender, then run again with --yes"
            )
        archive = asyncio.run(restore(url, args.file, Path(settings.attachments_dir)))
    except BackupError as error:
        print(f"laporgub: {error}", file=sys.stderr)
        return 1
    print(f"restored {archive.path} ({archive.backend}, schema {archive.revision})")
    return 0


def main(settings: Settings, args: argparse.Namespace) -> int:
    args.settings = settings
    try:
        output = asyncio.run(execute(settings, args))
    except (StorageError, CliError) as error:
        print(f"laporgub: {error}", file=sys.stderr)
        return 1
    print(output)
    return 0
