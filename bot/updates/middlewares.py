"""Who is talking: resolved once per update, before any filter runs."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, User
from sqlalchemy.ext.asyncio import AsyncSession

from bot.ui.texts import texts_for
from storage import log_context
from storage.directory import Caller, Directory


class LogFields(BaseMiddleware):
    """Every line logged while an update is handled names its update id (bot/app/logs.py)."""

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        with log_context.bound(update_id=getattr(event, "update_id", None)):
            return await handler(event, data)


class UserContext(BaseMiddleware):
    """Puts `t` (the user's language table), `admins` (their active admin seats) and `admin` (the first
    of them, or None for a reporter) in the handler data.

    The language and seats are read from the database on every update (one statement, in the update's
    session), not cached: an admin who is deactivated is a reporter from their very next press.
    """

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        user: User | None = data.get("event_from_user")
        directory: Directory = data["directory"]
        session: AsyncSession | None = data.get("session")  # the update's unit of work (bot/updates/once.py)
        caller = (
            await directory.caller(user.id, session=session)
            if user is not None
            else Caller(language=None, admins=[])
        )
        data["t"] = texts_for(caller.language or data.get("default_language"))
        admins = caller.admins
        data["admins"] = admins
        data["admin"] = admins[0] if admins else None
        return await handler(event, data)
