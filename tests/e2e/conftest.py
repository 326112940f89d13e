"""End to end: the real dispatcher through the local Bot API server, on both database backends.

Each test runs in one of three transports. Tests whose subject is the transport, and a few whole journeys
that cross every kind of Bot API call (`OVER_HTTP`), run over HTTP in polling and in webhook mode; the rest,
which check what the bot does rather than how updates reach it, run in-process (tests/in_process.py): the same
dispatcher, middlewares, database and server checks, without sockets, several times faster.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from pydantic import SecretStr
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app.factory import Services, create_bot, create_dispatcher, create_fsm, create_services
from bot.app.runner import WebhookServer, start_webhook
from bot.app.settings import Mode, Settings
from bot.dev.local_api import LocalBotApi, RateLimits, ServerConfig
from bot.notices.notifier import Notifier, create_notifier
from bot.updates.fsm_storage import DatabaseStorage
from bot.updates.polling import Poller
from storage.database import session_factory
from storage.models import ProcessedUpdate
from tests.conftest import World
from tests.in_process import UpdatePump, run_in_process
from workflow.calendar import WorkingCalendar

TOKEN = "7000001:e2e-test-token"
WEBHOOK_SECRET = "e2e-webhook-secret_1"
# Telegram-like flood control, loosened only enough that one scripted person never waits on it: a script
# answers at once, and a whole filing conversation (40 replies with its bad answers) takes the bot 0.3 s.
TEST_RATE_LIMITS = RateLimits(
    enabled=True, per_chat_rate=30.0, per_chat_burst=100, global_rate=300.0, global_burst=300
)
# The outbox sender a little under those limits, and quick to notice new rows and to retry.
TEST_SENDER: dict[str, Any] = {
    "sender_global_rate": 200.0,
    "sender_per_chat_interval": 0.04,
    "sender_idle_poll_seconds": 0.05,
    "sender_backoff_base_seconds": 0.05,
    "sender_backoff_max_seconds": 0.5,
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# The fast layer's transport: updates fed to the dispatcher, calls answered by the server, in-process.
IN_PROCESS = "in-process"
Transport = Mode | str
# Modules run over HTTP, in both modes: the transport is their subject (polling's inbox, webhook answers,
# restarts), or they are whole journeys that make every kind of Bot API call the bot makes (uploads, albums,
# edits, callback answers) and so prove aiogram's encoding against the server's parsing. The others run
# in-process; a module may still ask for a mode of its own (`@pytest.mark.parametrize("mode", ...)`).
OVER_HTTP = frozenset(
    {
        "tests.e2e.test_admin_actions",
        "tests.e2e.test_filing",
        "tests.e2e.test_late_button_answers",
        "tests.e2e.test_notifications_path",
        "tests.e2e.test_notifications_process",
        "tests.e2e.test_notifications_race",
        "tests.e2e.test_polling_inbox",
        "tests.e2e.test_restart",
    }
)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "mode" not in metafunc.fixturenames or any(
        "mode" in marker.args[0] for marker in metafunc.definition.iter_markers("parametrize")
    ):
        return
    if metafunc.module.__name__ in OVER_HTTP:
        metafunc.parametrize("mode", [Mode.POLLING, Mode.WEBHOOK], ids=["polling", "webhook"], indirect=True)
    else:
        metafunc.parametrize("mode", [IN_PROCESS], ids=[IN_PROCESS], indirect=True)


@pytest.fixture
def mode(request: pytest.FixtureRequest) -> Transport:
    return Mode(request.param) if request.param != IN_PROCESS else IN_PROCESS


@pytest.fixture
async def local_api() -> AsyncIterator[LocalBotApi]:
    config = ServerConfig.for_tests()
    config.rate_limits = TEST_RATE_LIMITS
    api = LocalBotApi(config)
    api.add_bot(TOKEN, "laporgub_e2e_bot", "LaporGub")
    await api.start()
    yield api
    await api.stop()


@dataclass
class RunningBot:
    """The bot as `python -m bot` runs it, minus the process: start, stop, start again on the same DB."""

    api: LocalBotApi
    engine: AsyncEngine
    world: World
    mode: Transport
    # Run the outbox sender beside the bot, as `python -m bot` does, so that notifications are delivered.
    notify: bool = False
    # Conversation state in Redis (as with REDIS_URL set) instead of the database.
    redis_url: str | None = None
    settings: Settings = field(init=False)
    notifier: Notifier | None = field(default=None, init=False)
    services: Services = field(init=False)  # the running bot's, as of its last start
    _stop: list[Callable[[], Awaitable[None]]] = field(default_factory=list)

    def __post_init__(self) -> None:
        port = free_port()
        self.settings = Settings(
            _env_file=None,  # type: ignore[call-arg]  # pydantic-settings reads it, its stubs omit it
            bot_token=SecretStr(TOKEN),
            telegram_api_base=self.api.base_url,
            mode=self.mode if isinstance(self.mode, Mode) else Mode.POLLING,
            webhook_public_url=f"http://127.0.0.1:{port}",
            webhook_listen_host="127.0.0.1",
            webhook_listen_port=port,
            webhook_secret=SecretStr(WEBHOOK_SECRET),
            redis_url=self.redis_url,
            **TEST_SENDER,
        )

    async def start(self) -> None:
        services = create_services(self.engine, WorkingCalendar(), clock=self.world.clock)
        self.services = services
        if self.redis_url:
            storage, isolation = create_fsm(self.settings, self.engine)
            self._stop.append(storage.close)
        else:
            storage, isolation = DatabaseStorage(session_factory(self.engine)), None
        dispatcher = create_dispatcher(services, storage=storage, events_isolation=isolation)
        bot = create_bot(self.settings)
        if self.mode == IN_PROCESS:
            run_in_process(bot, self.api)
        if self.notify:
            self.notifier = create_notifier(self.settings, self.engine, services)
            if self.mode == IN_PROCESS:
                run_in_process(self.notifier.bot, self.api)
            dispatcher.update.outer_middleware(self.notifier.wake_after_updates())
            self.notifier.start()
            self._stop.append(self.notifier.stop)
        if self.mode == IN_PROCESS:
            pump = UpdatePump(self.api, dispatcher, bot)
            await pump.start()
            self._stop.append(pump.stop)
        elif self.mode is Mode.POLLING:
            # The production poller (bot/updates/polling.py), as `python -m bot` runs it.
            stop = asyncio.Event()
            task = asyncio.create_task(Poller(dispatcher, bot, timeout=1).run(stop, services.processed))

            async def stop_polling() -> None:
                stop.set()
                await task
                await bot.session.close()

            self._stop.append(stop_polling)
        else:
            server: WebhookServer = await start_webhook(dispatcher, bot, self.settings)

            async def stop_webhook() -> None:
                await server.stop()
                await bot.session.close()

            self._stop.append(stop_webhook)

    async def stop(self) -> None:
        while self._stop:
            await self._stop.pop()()

    async def restart(self) -> None:
        await self.stop()
        await self.start()

    async def until_handled(self, within_s: float = 10.0) -> None:
        """Until every update the bot has taken is handled to its end. The bot writes a conversation's row
        once the handler has returned, so after the replies it sent: wait for this before reading the row."""
        marks = ProcessedUpdate.__table__
        loop = asyncio.get_running_loop()
        give_up = loop.time() + within_s
        while True:
            async with self.engine.connect() as connection:
                taken = await connection.scalar(
                    select(func.count()).select_from(marks).where(marks.c.taken_until.is_not(None))
                )
            if not taken:
                return
            if loop.time() > give_up:
                raise AssertionError(f"{taken} updates still being handled after {within_s} s")
            await asyncio.sleep(0.01)


@pytest.fixture
async def running_bot(
    local_api: LocalBotApi, clean_engine: AsyncEngine, world: World, mode: Mode
) -> AsyncIterator[RunningBot]:
    running = RunningBot(local_api, clean_engine, world, mode)
    await running.start()
    yield running
    await running.stop()


@pytest.fixture
async def notifying_bot(
    local_api: LocalBotApi, clean_engine: AsyncEngine, world: World, mode: Mode
) -> AsyncIterator[RunningBot]:
    """The bot with its outbox sender: admins get their cards, reporters their milestones."""
    running = RunningBot(local_api, clean_engine, world, mode, notify=True)
    await running.start()
    yield running
    await running.stop()
