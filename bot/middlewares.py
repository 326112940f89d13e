"""Who is talking: resolved once per update, before any filter runs."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, User

from bot.texts import texts_for
from storage.directory import Directory


class UserContext(BaseMiddleware):
    """Puts `t` (the user's language table) in the handler data.

    Admin roles will be resolved here too, when the admin routers arrive.
    """

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        user: User | None = data.get("event_from_user")
        directory: Directory = data["directory"]
        language = await directory.language_of(user.id) if user is not None else None
        data["t"] = texts_for(language or data.get("default_language"))
        return await handler(event, data)
