"""Outside private chats the bot only points people to a private chat: complaints carry personal data."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.enums import ChatType
from aiogram.filters import Command
from aiogram.types import Message

from bot.ui.texts import Texts


async def private_only(message: Message, t: Texts) -> None:
    await message.reply(t("error.private_only"))


async def ignore_chatter(message: Message) -> None:
    """Group conversation is not addressed to the bot; swallowing it keeps later routers private-only."""


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(F.chat.type != ChatType.PRIVATE)
    router.message.register(
        private_only, Command("start", "new", "my", "track", "help", "datasaya", "mydata")
    )
    router.message.register(ignore_chatter)
    return router
