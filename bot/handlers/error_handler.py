"""The one place where failures become words: domain errors get a friendly explanation, anything else an
apology. Logs name the error and the update, never what a person typed (it may hold a NIK or a phone)."""

from __future__ import annotations

import logging
import traceback

from aiogram import Bot, Router
from aiogram.filters import ExceptionTypeFilter
from aiogram.types import ErrorEvent

from bot.handlers.admin.guard import Refused, press_refused
from bot.ui.texts import Texts, texts_for
from storage.data_errors import ComplaintNotFound, NoProvince, StorageError
from workflow.errors import StaleVersion, WorkflowError

log = logging.getLogger(__name__)

_FRIENDLY: tuple[tuple[type[Exception], str], ...] = (
    (StaleVersion, "error.stale"),
    (ComplaintNotFound, "error.not_found"),
    (NoProvince, "error.not_ready"),
    (WorkflowError, "error.workflow"),
    (StorageError, "error.unexpected"),
)


def _chat_id(event: ErrorEvent) -> int | None:
    update = event.update
    if update.message is not None:
        return update.message.chat.id
    if update.callback_query is not None:
        message = update.callback_query.message
        return message.chat.id if message is not None else update.callback_query.from_user.id
    return None


async def _tell(event: ErrorEvent, bot: Bot, text: str) -> None:
    # Callback queries are not answered here: every button handler answers first thing, and a second
    # answer is refused by Telegram.
    chat_id = _chat_id(event)
    if chat_id is None:
        return
    try:
        await bot.send_message(chat_id, text)
    except Exception as error:  # an error handler that raises would hide the original failure
        log.warning(
            "could not tell chat about a failure in update %s: %s",
            event.update.update_id,
            type(error).__name__,
        )


async def domain_error(event: ErrorEvent, bot: Bot, t: Texts | None = None) -> None:
    t = t or texts_for(None)
    key = next(key for kind, key in _FRIENDLY if isinstance(event.exception, kind))
    log.info("update %s refused: %s", event.update.update_id, type(event.exception).__name__)
    await _tell(event, bot, t(key))


async def unexpected_error(event: ErrorEvent, bot: Bot, t: Texts | None = None) -> None:
    t = t or texts_for(None)
    error = event.exception
    # The message of an exception may quote user input; the frames say where it failed without it.
    frames = "".join(traceback.format_tb(error.__traceback__))
    log.error("update %s failed with %s\n%s", event.update.update_id, type(error).__name__, frames)
    await _tell(event, bot, t("error.unexpected"))


def create_router() -> Router:
    router = Router(name=__name__)
    # A refused admin press (bot/handlers/admin/guard.py): its toast, within the update's handling.
    router.error.register(press_refused, ExceptionTypeFilter(Refused))
    router.error.register(domain_error, ExceptionTypeFilter(WorkflowError, StorageError))
    router.error.register(unexpected_error)
    return router
