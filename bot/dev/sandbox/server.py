"""One process, one aiohttp app: the local Bot API, the real bot polling it, the demo data, the page.

Beside the bot run what production runs beside it: the outbox sender (admins' cards, the reporter's
milestones and result) and the scheduler (stage reminders, escalation, auto-close), which also looks at once
whenever a person jumps the clock.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import datetime
from pathlib import Path
from types import TracebackType

from aiogram import Bot, Dispatcher
from aiohttp import web
from pydantic import SecretStr
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app.factory import Services, calendar_from, create_bot, create_dispatcher, create_services
from bot.app.scheduler_loop import SchedulerLoop, scheduler_settings
from bot.app.settings import Settings
from bot.app.startup import StartupProblem
from bot.dev.local_api import LocalBotApi, RateLimits, ServerConfig
from bot.dev.local_api.api import MAX_REQUEST_BYTES
from bot.dev.sandbox.clock import SandboxClock
from bot.dev.sandbox.personas import Cast
from bot.dev.sandbox.seed import seed_demo
from bot.dev.sandbox.web import SandboxWeb, security_headers
from bot.notices.notifier import Notifier, create_notifier
from bot.updates.fsm_storage import DatabaseStorage
from bot.updates.polling import Poller
from storage.database import create_engine, migrate, session_factory

log = logging.getLogger(__name__)

TOKEN = "7000000001:laporgub-sandbox-token"
BOT_USERNAME = "laporgub_sandbox_bot"
DEFAULT_DATABASE = Path("data") / "sandbox.sqlite3"
# How long a getUpdates waits: short, so that stopping never waits long for the bot to let go.
POLLING_TIMEOUT_S = 5
# Between the scheduler's own looks; a clock jump makes it look at once.
SCHEDULER_INTERVAL_S = 30.0
ANY_INTERFACE = {"", "0.0.0.0", "::"}


class Sandbox:
    """``async with Sandbox(port=0) as sandbox: ...`` or ``await sandbox.start()`` / ``stop()``.

    The database is recreated at every start: the simulated chats live in memory, and complaints whose
    conversations are gone would only confuse. Telegram's flood limits apply as in production."""

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 8080,
        database: Path = DEFAULT_DATABASE,
        clock: SandboxClock | None = None,
        rate_limits: RateLimits | None = None,
    ) -> None:
        # pydantic-settings' init-only option: mypy sees the fields alone (no pydantic plugin configured).
        self.settings = settings or Settings(_env_file=None)  # type: ignore[call-arg]
        self.host = host
        self.port = port
        self.database = database
        calendar = calendar_from(self.settings)
        self.clock = clock or SandboxClock(calendar)
        self.api = LocalBotApi(ServerConfig(rate_limits=rate_limits or RateLimits()))
        self.api.add_bot(TOKEN, BOT_USERNAME, "LaporGub")
        self.cast = Cast()
        self.web = SandboxWeb(self.api, self.clock, self.cast)
        self.url = ""
        self.engine: AsyncEngine | None = None
        self.services: Services | None = None
        self.dispatcher: Dispatcher | None = None
        self.bot: Bot | None = None
        self.notifier: Notifier | None = None
        self.scheduler: SchedulerLoop | None = None
        self._runner: web.AppRunner | None = None
        self._polling: asyncio.Task[None] | None = None
        self._stop_polling = asyncio.Event()
        self._jump_runs: set[asyncio.Task[None]] = set()
        self.clock.on_advance(self._clock_jumped)

    async def start(self) -> str:
        """Returns the page's address (``http://host:port/``)."""
        self.engine = await self._fresh_database()
        await seed_demo(self.engine)
        for persona in self.cast.personas:
            self.web.register(persona, opened_before=True)
        self.web.register(self.cast.add_new_reporter(self.api.world.persons))
        await self._serve()
        self._start_bot(self.engine)
        return self.url

    async def _serve(self) -> None:
        app = web.Application(client_max_size=MAX_REQUEST_BYTES, middlewares=[security_headers])
        self.api.add_routes(app)
        self.web.add_routes(app)
        self._runner = web.AppRunner(app, handler_cancellation=True, shutdown_timeout=1.0)
        await self._runner.setup()
        try:
            await web.TCPSite(self._runner, self.host, self.port).start()
        except OSError as error:
            await self.stop()
            raise StartupProblem(
                f"the sandbox cannot listen on {self.host}:{self.port} ({error.strerror}): "
                "choose another host or port"
            ) from None
        port = self._runner.addresses[0][1]
        local_host = "127.0.0.1" if self.host in ANY_INTERFACE else self.host
        self.api.base_url = f"http://{local_host}:{port}"
        self.url = f"{self.api.base_url}/"

    def _start_bot(self, engine: AsyncEngine) -> None:
        """The production dispatcher, bot, outbox sender and scheduler, pointed at this server instead of
        Telegram."""
        self.services = create_services(engine, self.clock.calendar, clock=self.clock)
        self.dispatcher = create_dispatcher(
            self.services,
            storage=DatabaseStorage(session_factory(engine)),
            default_language=self.settings.default_language,
            identity_retention_days=self.settings.identity_retention_days,
        )
        bot_settings = self.settings.model_copy(
            update={"bot_token": SecretStr(TOKEN), "telegram_api_base": self.api.base_url}
        )
        self.bot = create_bot(bot_settings)
        # The outbox is judged by the sandbox's time too: rows are written "now" on that clock, so after a
        # jump forward they would otherwise not be due until the real time caught up.
        self.notifier = create_notifier(bot_settings, engine, self.services, outbox_clock=self.clock)
        self.dispatcher.update.outer_middleware(self.notifier.wake_after_updates())
        self.notifier.start()
        self.scheduler = SchedulerLoop(
            session_factory(engine),
            self.clock.calendar,
            scheduler_settings(self.settings.stage_targets),
            clock=self.clock,
            interval=SCHEDULER_INTERVAL_S,
        )
        self.scheduler.start()
        # The bot's own poller, with its inbox (bot/updates/polling.py), as `python -m bot` polls.
        poller = Poller(self.dispatcher, self.bot, timeout=POLLING_TIMEOUT_S)
        self._stop_polling = asyncio.Event()
        self._polling = asyncio.create_task(poller.run(self._stop_polling, self.services.processed))
        self._polling.add_done_callback(_report_crash)

    def _clock_jumped(self, now: datetime) -> None:
        """Reminders, escalations and auto-closes that fell due in the jump appear now, not at the next
        tick."""
        if self.scheduler is None:
            return
        run = asyncio.get_running_loop().create_task(self._look_now(self.scheduler))
        self._jump_runs.add(run)
        run.add_done_callback(self._jump_runs.discard)

    async def _look_now(self, scheduler: SchedulerLoop) -> None:
        report = await scheduler.run_once()  # logs its own failures
        if report is not None and self.notifier is not None:
            self.notifier.sender.wake()

    async def stop(self) -> None:
        if self._polling is not None:
            self._stop_polling.set()
            # A crash was logged when it happened (``_report_crash``); stopping must go on regardless.
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._polling
            self._polling = None
        if self.bot is not None:
            await self.bot.session.close()
        if self.scheduler is not None:
            await self.scheduler.stop()
            self.scheduler = None
        for run in list(self._jump_runs):
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await run
        # Before the local API stops: a batch in flight settles its rows instead of failing them.
        if self.notifier is not None:
            await self.notifier.stop()
            self.notifier = None
        await self.api.stop()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self.engine is not None:
            await self.engine.dispose()
            self.engine = None

    async def __aenter__(self) -> Sandbox:
        await self.start()
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        await self.stop()

    async def _fresh_database(self) -> AsyncEngine:
        self.database.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm", "-journal"):
            self.database.with_name(self.database.name + suffix).unlink(missing_ok=True)
        engine = create_engine(f"sqlite+aiosqlite:///{self.database}")
        await migrate(engine)
        return engine


def _report_crash(task: asyncio.Task[None]) -> None:
    # Without this a dead bot would look like a slow one: the page would just wait.
    if not task.cancelled() and task.exception() is not None:
        log.error("the sandbox bot stopped polling", exc_info=task.exception())
