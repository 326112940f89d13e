"""Building the bot: the same factories serve `python -m bot` and the end-to-end tests."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.fsm.storage.base import BaseEventIsolation, BaseStorage
from aiogram.fsm.storage.memory import SimpleEventIsolation
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app.metrics import CountUpdates
from bot.app.plain_filters import check_plain_filters_in_place
from bot.app.response_models import keep_response_models
from bot.app.settings import Settings
from bot.attachment_keeper import FileShelf
from bot.handlers import reporter_router
from bot.ui.commands import register_commands
from bot.ui.service_desk import STANDARD, ServiceDesk
from bot.updates.fsm_storage import DatabaseStorage, WriteConversationAfterHandler
from bot.updates.middlewares import LogFields, UserContext
from bot.updates.once import AnswerOnce, CommitBeforeReplies, OncePerUpdate, UnitOfWork
from bot.updates.retry import RetryTransient
from storage.complaints import ComplaintService
from storage.data_requests import DataRequests
from storage.database import session_factory
from storage.directory import Directory
from storage.models import utcnow
from storage.processed_updates import LEASE, ProcessedUpdates
from storage.retention import DEFAULT_IDENTITY_RETENTION
from workflow.calendar import WorkingCalendar


class RedisUnavailable(RuntimeError):
    pass


@dataclass(frozen=True)
class Services:
    """What handlers work with, handed to them as dispatcher keyword arguments."""

    directory: Directory
    complaints: ComplaintService
    calendar: WorkingCalendar
    clock: Callable[[], datetime]
    # Updates already taken, so one delivered twice is handled once (None: no de-duplication).
    processed: ProcessedUpdates | None = None


def calendar_from(settings: Settings) -> WorkingCalendar:
    return WorkingCalendar(
        extra_closed=settings.extra_closed_days,
        extra_open=settings.extra_open_days,
        office_open=settings.office_open,
        office_close=settings.office_close,
    )


def create_services(
    engine: AsyncEngine,
    calendar: WorkingCalendar,
    clock: Callable[[], datetime] = utcnow,
    update_lease: timedelta = LEASE,
) -> Services:
    sessions = session_factory(engine)
    return Services(
        directory=Directory(sessions),
        complaints=ComplaintService(sessions, calendar, clock=clock),
        calendar=calendar,
        clock=clock,
        processed=ProcessedUpdates(sessions, lease=update_lease),
    )


def create_fsm(settings: Settings, engine: AsyncEngine) -> tuple[BaseStorage, BaseEventIsolation]:
    """Conversation state in Redis when REDIS_URL is set (many processes), else in the database."""
    if settings.redis_url:
        try:
            from aiogram.fsm.storage.redis import RedisStorage
        except ImportError as error:
            raise RedisUnavailable(
                "REDIS_URL is set but the 'redis' package is not installed: "
                "pip install redis, or unset REDIS_URL"
            ) from error
        redis_storage = RedisStorage.from_url(settings.redis_url)
        # With several processes an in-process lock serialises nothing: the lock must live in Redis too.
        return redis_storage, redis_storage.create_isolation()
    storage = DatabaseStorage(session_factory(engine))
    return storage, storage.create_isolation()


def create_dispatcher(
    services: Services,
    *,
    storage: BaseStorage,
    events_isolation: BaseEventIsolation | None = None,
    default_language: str = "id",
    service_desk: ServiceDesk = STANDARD,
    shelf: FileShelf | None = None,
    identity_retention_days: int = DEFAULT_IDENTITY_RETENTION.days,
) -> Dispatcher:
    dispatcher = Dispatcher(
        # Registered below, after the update's unit of work, which it reads the conversation row in.
        disable_fsm=True,
        storage=storage,
        # Two updates of one person (an album, a double tap) must not both read then write the same draft.
        events_isolation=events_isolation or _isolation_for(storage),
        directory=services.directory,
        complaints=services.complaints,
        calendar=services.calendar,
        clock=services.clock,
        default_language=default_language,
        service_desk=service_desk,  # officer/service: where service complaints go, what /kontak shows
        shelf=shelf,  # our copies of the attachments, for files whose id is another bot's
        # /datasaya: what is held about a reporter, erasure on request (storage/data_requests.py)
        data_requests=DataRequests(services.directory.sessions, clock=services.clock),
        identity_retention_days=identity_retention_days,
    )
    dispatcher.startup.register(register_commands)
    dispatcher.startup.register(warm_routing_history)
    dispatcher.shutdown.register(stop_warming_routing_history)
    if services.processed is not None:
        # One database session per update (bot/updates/once.py), committed by OncePerUpdate.
        dispatcher.update.outer_middleware(UnitOfWork(services.directory.sessions))
    dispatcher.update.outer_middleware(dispatcher.fsm)
    dispatcher.update.outer_middleware(LogFields())
    if services.processed is not None:
        # First of the working middlewares: a second delivery of an update must not even resolve the user.
        # It also hands the update's session to the handlers, as `session`, and commits its end.
        dispatcher.update.outer_middleware(OncePerUpdate(services.processed))
    # Inside OncePerUpdate: a second delivery, skipped, is not counted as handled.
    dispatcher.update.outer_middleware(CountUpdates())
    if isinstance(storage, DatabaseStorage):
        # Inside OncePerUpdate: the conversation's row is written before the update is marked done.
        dispatcher.update.outer_middleware(WriteConversationAfterHandler(storage))
    dispatcher.update.outer_middleware(UserContext())
    dispatcher.include_router(reporter_router())
    check_plain_filters_in_place(dispatcher)
    return dispatcher


async def warm_routing_history(directory: Directory) -> None:
    """The pickers' history of the offices that route, read in the background: the first picker of an
    office in this process need not wait for its whole read, and start-up does not wait for any."""
    directory.routing.start_warming()


async def stop_warming_routing_history(directory: Directory) -> None:
    await directory.routing.stop_warming()


def _isolation_for(storage: BaseStorage) -> BaseEventIsolation:
    # The database storage's own lock also lets it read a conversation's row once per update.
    return storage.create_isolation() if isinstance(storage, DatabaseStorage) else SimpleEventIsolation()


def create_bot(
    settings: Settings,
    token: str | None = None,
    *,
    retry_transient: bool = True,
    timeout: float | None = None,
) -> Bot:
    """`retry_transient=False` for the outbox sender, which hands a 429 or 5xx back to the outbox instead of
    waiting."""
    secret = token or (settings.bot_token.get_secret_value() if settings.bot_token else None)
    if not secret:
        raise ValueError("no bot token")
    # Otherwise pydantic rebuilds the answer model of nearly every Bot API call (see
    # bot/app/response_models.py).
    keep_response_models()
    options: dict[str, Any] = {} if timeout is None else {"timeout": timeout}
    if not settings.uses_telegram:
        options["api"] = TelegramAPIServer.from_base(settings.telegram_api_base)
    session = AiohttpSession(**options)
    session.middleware(CommitBeforeReplies())  # an update's work is committed before it is told of
    session.middleware(AnswerOnce())  # a replayed press is not answered twice (bot/updates/once.py)
    if retry_transient:
        session.middleware(RetryTransient())
    return Bot(token=secret, session=session, default=DefaultBotProperties(parse_mode=ParseMode.HTML))
