"""``LocalBotApi``: the local Telegram Bot API server and its simulation side, in one object."""

from __future__ import annotations

import asyncio
import time
from types import TracebackType
from typing import TYPE_CHECKING, Any

import aiohttp
from aiohttp import web

from bot.dev.local_api.config import Faults, RateLimits, ServerConfig
from bot.dev.local_api.faults import FaultInjector
from bot.dev.local_api.methods import Services
from bot.dev.local_api.models import BotAccount
from bot.dev.local_api.params import Params
from bot.dev.local_api.ratelimit import RateLimiter
from bot.dev.local_api.records import RequestLog, RequestRecord
from bot.dev.local_api.server import BotApiServer
from bot.dev.local_api.sim import SimUser
from bot.dev.local_api.sim_http import SimHttp
from bot.dev.local_api.webhook import WebhookDeliverer
from bot.dev.local_api.world import World

if TYPE_CHECKING:
    from aiogram.client.telegram import TelegramAPIServer

SENDING_PREFIXES = ("send", "copy", "forward")
# Bodies up to Telegram's 50 MB upload limit, plus multipart overhead.
MAX_REQUEST_BYTES = 60 * 1024 * 1024


class LocalBotApi:
    def __init__(self, config: ServerConfig | None = None) -> None:
        self.config = config or ServerConfig()
        self.world = World()
        self.log = RequestLog()
        self.limiter = RateLimiter(self.config.rate_limits, clock=self.world.clock)
        self.faults = FaultInjector(self.config.faults)
        self._webhooks: dict[int, WebhookDeliverer] = {}
        self._users: dict[tuple[int, int], SimUser] = {}
        self._http: aiohttp.ClientSession | None = None
        self._runner: web.AppRunner | None = None
        services = Services(self.world, self.config, self._webhooks, self._session)
        self.server = BotApiServer(services, self.log, self.limiter, self.faults)
        self.base_url = ""

    # --- lifecycle -------------------------------------------------------------------------------

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Starts serving; ``port=0`` picks a free port. Returns ``base_url`` (``http://host:port``)."""
        app = web.Application(client_max_size=MAX_REQUEST_BYTES)
        self.add_routes(app)
        self._runner = web.AppRunner(app, handler_cancellation=True, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        bound = self._runner.addresses[0]
        self.base_url = f"http://{host}:{bound[1]}"
        return self.base_url

    def add_routes(self, app: web.Application) -> None:
        """Mounts the Bot API and ``/sim`` routes on an app served by someone else (the sandbox serves its
        page beside them). Create that app with ``client_max_size=MAX_REQUEST_BYTES``, set ``base_url`` to
        where it is reachable once it listens, and call ``stop()`` before cleaning up its runner."""
        for bot in self.world.bots.values():
            bot.queue.closed = False
        self.server.add_routes(app)
        SimHttp(self).add_routes(app)

    async def stop(self) -> None:
        for bot in self.world.bots.values():
            bot.queue.close()
        for deliverer in self._webhooks.values():
            await deliverer.stop()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self._http is not None:
            await self._http.close()
            self._http = None

    async def __aenter__(self) -> LocalBotApi:
        if not self.base_url:
            await self.start()
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        await self.stop()

    def _session(self) -> aiohttp.ClientSession:
        if self._http is None or self._http.closed:
            self._http = aiohttp.ClientSession()
        return self._http

    def aiogram_server(self) -> TelegramAPIServer:
        """``AiohttpSession(api=local.aiogram_server())`` points an aiogram ``Bot`` here."""
        from aiogram.client.telegram import TelegramAPIServer

        return TelegramAPIServer.from_base(self.base_url)

    # --- bots and people ---------------------------------------------------------------------------

    def add_bot(self, token: str, username: str, first_name: str = "Bot") -> BotAccount:
        bot = self.world.add_bot(token, username, first_name)
        self._webhooks[bot.id] = WebhookDeliverer(
            bot.queue,
            lambda: self.config.webhook,
            self._session,
            lambda name, params: self._webhook_reply(bot, name, params),
        )
        return bot

    def user(
        self,
        user_id: int,
        first_name: str = "User",
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
        phone_number: str | None = None,
        bot: str | int | None = None,
    ) -> SimUser:
        """The person ``user_id`` talking to ``bot`` (token, id or username; default: first bot).
        Calling again returns the same object (and updates the profile fields given)."""
        account = self.world.find_bot(bot)
        person = self.world.add_person(
            user_id,
            first_name,
            last_name=last_name,
            username=username,
            language_code=language_code,
            phone_number=phone_number,
        )
        key = (account.id, person.id)
        if key not in self._users:
            self._users[key] = SimUser(self.world, person, account)
        return self._users[key]

    def users(self, bot: str | int | None = None) -> list[SimUser]:
        account = self.world.find_bot(bot)
        return [user for (bot_id, _), user in self._users.items() if bot_id == account.id]

    # --- configuration ----------------------------------------------------------------------------

    def set_rate_limits(self, limits: RateLimits | None = None, **changes: Any) -> RateLimits:
        """Replace the limits (or change some fields, e.g. ``enabled=False``); buckets restart full."""
        current = limits or self.config.rate_limits
        for name, value in changes.items():
            setattr(current, name, value)
        self.config.rate_limits = current
        self.limiter.limits = current
        self.limiter.reset()
        return current

    def set_faults(self, faults: Faults | None = None, **changes: Any) -> Faults:
        """``set_faults()`` with no arguments turns injection off."""
        current = faults or Faults(**changes)
        self.config.faults = current
        self.faults.configure(current)
        return current

    # --- observation ---------------------------------------------------------------------------------

    def requests(
        self, method: str | None = None, chat_id: int | None = None, ok: bool | None = None, since: int = 0
    ) -> list[RequestRecord]:
        return self.log.select(method=method, chat_id=chat_id, ok=ok, since=since)

    def delivered(self, chat_id: int, bot: str | int | None = None) -> list[dict[str, Any]]:
        """Messages successfully sent to ``chat_id``, in order, as returned to the bot at the time."""
        account = self.world.find_bot(bot)
        delivered: list[dict[str, Any]] = []
        for record in self.log.select(chat_id=chat_id, ok=True, bot_id=account.id):
            if not record.method.lower().startswith(SENDING_PREFIXES):
                continue
            results = record.result if isinstance(record.result, list) else [record.result]
            delivered.extend(result for result in results if isinstance(result, dict))
        return delivered

    async def wait_idle(self, timeout: float = 5.0, quiet: float | None = None) -> None:  # noqa: ASYNC109
        """Waits until every update was handed to its bot, no bot request is running and nothing
        happened for ``quiet`` seconds (a heuristic: a bot still thinking may look idle)."""
        quiet = self.config.idle_quiet_seconds if quiet is None else quiet
        deadline = time.monotonic() + timeout
        while True:
            busy = (
                self.world.in_flight > 0
                or self.world.updates_pending()
                or any(deliverer.busy for deliverer in self._webhooks.values())
            )
            if not busy and self.world.clock() - self.world.last_activity >= quiet:
                return
            if time.monotonic() > deadline:
                raise TimeoutError(f"local Bot API not idle after {timeout}s")
            await asyncio.sleep(min(quiet / 2, 0.02))

    async def _webhook_reply(self, bot: BotAccount, name: str, params: Params) -> None:
        await self.server.execute(bot, name, params)
