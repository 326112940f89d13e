"""The command menu Telegram shows behind the "/" button, in each language."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import BotCommand, BotCommandScopeChat
from sqlalchemy.ext.asyncio import AsyncSession

from bot.ui.report_rendering import REPORTING_ROLES
from bot.ui.texts import TABLES, Texts, texts_for
from storage.directory import Directory
from storage.invites import INVITABLE
from workflow.actors import Role

logger = logging.getLogger(__name__)

COMMANDS = ("start", "new", "my", "track", "contacts", "datasaya", "language", "cancel", "help")
# An admin's chat gets its own list (Telegram's per-chat scope): their commands first, then the reporter's,
# which an admin uses for personal complaints. None: every seat; otherwise the roles that may use it.
ADMIN_COMMANDS: tuple[tuple[str, frozenset[Role] | None], ...] = (
    ("start", None),
    ("queue", None),
    ("rekap", REPORTING_ROLES),
    ("record", frozenset({Role.OFFICER})),
    ("invite", frozenset(INVITABLE)),
    ("admins", frozenset(INVITABLE)),
    *((name, None) for name in COMMANDS if name != "start"),
)


async def register_commands(bot: Bot, default_language: str) -> None:
    """Dispatcher start-up hook: the default list in the default language, and one per language."""
    for language in (None, *TABLES):
        t = texts_for(language or default_language)
        commands = [BotCommand(command=name, description=t.plain(f"cmd.{name}")) for name in COMMANDS]
        await bot.set_my_commands(commands, language_code=language)


def admin_commands(roles: Iterable[Role], t: Texts) -> list[BotCommand]:
    held = set(roles)
    return [
        BotCommand(command=name, description=t.plain(f"cmd.{name}"))
        for name, allowed in ADMIN_COMMANDS
        if allowed is None or held & allowed
    ]


async def show_admin_commands(bot: Bot, chat_id: int, roles: Iterable[Role], t: Texts) -> None:
    """The admin's own list in their chat, in the language they chose; set each time they open the admin
    menu, so a new seat or a changed language shows there."""
    try:
        await bot.set_my_commands(admin_commands(roles, t), scope=BotCommandScopeChat(chat_id=chat_id))
    except TelegramAPIError as error:  # the list is a convenience: never fail the reply sent before it
        logger.warning("could not set the admin commands of chat %s: %s", chat_id, error)


async def hide_admin_commands(bot: Bot, chat_id: int) -> None:
    """Back to the reporter's list, for someone no longer seated."""
    try:
        await bot.delete_my_commands(scope=BotCommandScopeChat(chat_id=chat_id))
    except TelegramAPIError as error:
        logger.warning("could not remove the admin commands of chat %s: %s", chat_id, error)


async def seat_commands(
    bot: Bot,
    directory: Directory,
    telegram_id: int,
    t: Texts | None = None,
    *,
    session: AsyncSession | None = None,
) -> None:
    """Set a person's "/" menu for the seats they hold now (after an invite is redeemed or a seat taken
    away): their admin list in their language, or the reporter's list once they hold none. In a private
    chat the chat id is the person's id."""
    caller = await directory.caller(telegram_id, session=session)
    if caller.admins:
        texts = t or texts_for(caller.language)
        await show_admin_commands(bot, telegram_id, (seat.role for seat in caller.admins), texts)
    else:
        await hide_admin_commands(bot, telegram_id)
