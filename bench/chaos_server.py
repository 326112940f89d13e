"""The local Bot API server as the chaos run serves it: each process generation talks to it under an address
of its own (`/o/<role>/<generation>`), so every request in the journal says which process made it, faults
can be aimed at the outbox sender alone, and a kill can be matched with what that process had on the wire.
"""

from __future__ import annotations

import asyncio
import time
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from bot.dev.local_api import LocalBotApi, RequestRecord, ServerConfig
from bot.dev.local_api.api import MAX_REQUEST_BYTES
from bot.dev.local_api.faults import request_origin
from bot.dev.local_api.records import RequestLog

SENDS = ("send", "copy", "forward")


@dataclass(frozen=True)
class Origin:
    role: str  # "bot" or "sender"; None-origin requests (webhook replies) count as the bot's
    generation: int


_current_origin: ContextVar[Origin] = ContextVar("chaos_origin")


@dataclass
class Flight:
    origin: Origin
    method: str
    chat_id: int | None
    started: float


class OriginLog(RequestLog):
    """The server's journal, also noting which process generation made each request."""

    def __init__(self) -> None:
        super().__init__(limit=10_000_000)
        self.origins: dict[int, Origin] = {}
        # Set when a message was sent for the origin being watched: the moment to kill it is now, before it
        # has recorded the send (the one window in which a row can go out twice).
        self.watched: Origin | None = None
        self.sent_for_watched = asyncio.Event()

    def add(self, **fields: Any) -> RequestRecord:
        record = super().add(**fields)
        origin = _current_origin.get(None)
        if origin is not None:
            self.origins[record.seq] = origin
            if origin == self.watched and record.ok and record.method.lower().startswith(SENDS):
                self.sent_for_watched.set()
        return record

    async def next_send_by(self, origin: Origin, within: float) -> bool:
        """Wait until `origin` has a message sent (True), or `within` seconds pass (False)."""
        self.watched = origin
        self.sent_for_watched.clear()
        try:
            await asyncio.wait_for(self.sent_for_watched.wait(), timeout=within)
        except TimeoutError:
            return False
        finally:
            self.watched = None
        return True

    def origin_of(self, record: RequestRecord) -> Origin:
        return self.origins.get(record.seq, Origin("bot", -1))


@dataclass
class ChaosServer:
    api: LocalBotApi
    log: OriginLog
    in_flight: dict[int, Flight] = field(default_factory=dict)
    abandoned: list[Flight] = field(default_factory=list)
    _runner: web.AppRunner | None = None
    _next_flight: int = 0

    @classmethod
    def create(cls, config: ServerConfig) -> ChaosServer:
        api = LocalBotApi(config)
        log = OriginLog()
        api.log = log
        api.server.log = log
        return cls(api, log)

    async def start(self, host: str = "127.0.0.1") -> str:
        app = web.Application(client_max_size=MAX_REQUEST_BYTES)
        self.api.add_routes(app)
        app.router.add_route("*", "/o/{role}/{generation}/bot{token}/{method:[^/]*}", self._method)
        app.router.add_get("/o/{role}/{generation}/file/bot{token}/{path:.+}", self.api.server.handle_file)
        self._runner = web.AppRunner(app, handler_cancellation=True, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, 0)
        await site.start()
        self.api.base_url = f"http://{host}:{self._runner.addresses[0][1]}"
        return self.api.base_url

    async def stop(self) -> None:
        await self.api.stop()
        if self._runner is not None:
            await self._runner.cleanup()

    def base_for(self, origin: Origin) -> str:
        return f"{self.api.base_url}/o/{origin.role}/{origin.generation}"

    async def _method(self, request: web.Request) -> web.StreamResponse:
        origin = Origin(request.match_info["role"], int(request.match_info["generation"]))
        self._next_flight += 1
        key = self._next_flight
        self.in_flight[key] = Flight(origin, request.match_info["method"], None, time.monotonic())
        role_token = request_origin.set(origin.role)
        origin_token = _current_origin.set(origin)
        try:
            return await self.api.server.handle_method(request)
        except asyncio.CancelledError:
            # The client went away first (its timeout, or its process was killed): never answered.
            self.abandoned.append(self.in_flight[key])
            raise
        finally:
            _current_origin.reset(origin_token)
            request_origin.reset(role_token)
            del self.in_flight[key]

    def on_the_wire(self, origin: Origin) -> list[Flight]:
        return [flight for flight in self.in_flight.values() if flight.origin == origin]

    def records(self) -> list[RequestRecord]:
        return list(self.log.records)

    def sends(self) -> list[RequestRecord]:
        """Successful requests that put or changed a message in a chat, oldest first."""
        return [
            record
            for record in self.log.records
            if record.ok
            and (record.method.lower().startswith(SENDS) or record.method.lower().startswith("edit"))
        ]


def message_ids(record: RequestRecord) -> list[int]:
    results = record.result if isinstance(record.result, list) else [record.result]
    return [result["message_id"] for result in results if isinstance(result, dict) and "message_id" in result]
