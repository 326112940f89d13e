"""The command menu Telegram shows behind the "/" button, in each language."""

from __future__ import annotations

from aiogram import Bot
from aiogram.types import BotCommand

from bot.texts import TABLES, texts_for

COMMANDS = ("start", "new", "my", "track", "contacts", "language", "cancel", "help")


async def register_commands(bot: Bot, default_language: str) -> None:
    """Dispatcher start-up hook: the default list in the default language, and one per language."""
    for language in (None, *TABLES):
        t = texts_for(language or default_language)
        commands = [BotCommand(command=name, description=t.plain(f"cmd.{name}")) for name in COMMANDS]
        await bot.set_my_commands(commands, language_code=language)
