"""HTTP front of the Bot API: routing, parameter reading, faults, flood control, the request journal."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from aiohttp import web

from bot.dev.local_api.errors import (
    INTERNAL,
    NOT_FOUND,
    UNAUTHORIZED,
    ApiError,
    bad_request,
    too_many_requests,
)
from bot.dev.local_api.faults import FaultDecision, FaultInjector
from bot.dev.local_api.methods import REGISTRY, Call, Services
from bot.dev.local_api.models import BotAccount
from bot.dev.local_api.params import Params, read_params
from bot.dev.local_api.ratelimit import RateLimiter
from bot.dev.local_api.records import RequestLog

logger = logging.getLogger(__name__)
LONG_POLL_METHODS = frozenset({"getupdates"})


class BotApiServer:
    def __init__(
        self, services: Services, log: RequestLog, limiter: RateLimiter, faults: FaultInjector
    ) -> None:
        self.services = services
        self.log = log
        self.limiter = limiter
        self.faults = faults

    def add_routes(self, app: web.Application) -> None:
        app.router.add_route("*", "/bot{token}/{method:[^/]*}", self.handle_method)
        app.router.add_get("/file/bot{token}/{path:.+}", self.handle_file)

    async def handle_method(self, request: web.Request) -> web.Response:
        token, name = request.match_info["token"], request.match_info["method"]
        bot = self.services.world.bots.get(token)
        early_error: ApiError | None
        try:
            params = await read_params(request)
        except ApiError as error:
            params, early_error = Params(), error
        except ValueError:
            params, early_error = Params(), bad_request("can't parse request body")
        else:
            early_error = None
        if bot is None:
            early_error = UNAUTHORIZED
        status, body = await self.execute(bot, name, params, early_error=early_error)
        return web.json_response(body, status=status)

    async def execute(
        self, bot: BotAccount | None, name: str, params: Params, *, early_error: ApiError | None = None
    ) -> tuple[int, dict[str, Any]]:
        """Runs one call and journals it; also used for methods returned in webhook responses."""
        world = self.services.world
        spec = REGISTRY.get(name.lower())
        long_poll = name.lower() in LONG_POLL_METHODS
        started = time.monotonic()
        decision = FaultDecision()
        chat_id = _chat_id(params)
        if not long_poll:
            world.in_flight += 1
            world.touch()
        try:
            if early_error is not None:
                raise early_error
            if spec is None or bot is None:
                raise NOT_FOUND
            decision = self.faults.decide(spec.name)
            if decision.delay:
                await asyncio.sleep(decision.delay)
            if decision.status == 500:
                raise INTERNAL
            if decision.status == 429:
                raise too_many_requests(self.faults.faults.retry_after)
            if spec.counted:
                retry_after = self.limiter.retry_after(bot.id, chat_id)
                if retry_after is not None:
                    raise too_many_requests(retry_after)
            result = await spec.handler(Call(self.services, bot, params))
            if spec.counted:
                self.limiter.consume(bot.id, chat_id)
            status, body = 200, {"ok": True, "result": result}
        except ApiError as error:
            status, body = error.code, error.payload()
        except Exception:
            # A bug here must still look like Telegram to the bot, and be visible to whoever runs us.
            logger.exception("local Bot API failed on %s", name)
            status, body = INTERNAL.code, INTERNAL.payload()
        finally:
            if not long_poll:
                world.in_flight -= 1
        if not long_poll or body.get("result"):
            world.touch()
        self.log.add(
            time=time.time(),
            bot_id=bot.id if bot else None,
            method=spec.name if spec else name,
            params=params.for_record(),
            chat_id=chat_id,
            status=status,
            ok=body["ok"],
            description=body.get("description"),
            result=body.get("result"),
            fault=decision.label,
            duration=time.monotonic() - started,
        )
        return status, body

    async def handle_file(self, request: web.Request) -> web.StreamResponse:
        bot = self.services.world.bots.get(request.match_info["token"])
        if bot is None:
            return web.json_response(UNAUTHORIZED.payload(), status=401)
        stored = self.services.world.files.by_path(request.match_info["path"], bot.id)
        if stored is None:
            return web.json_response(NOT_FOUND.payload(), status=404)
        return web.Response(body=stored.data, content_type=stored.mime_type or "application/octet-stream")


def _chat_id(params: Params) -> int | None:
    try:
        return int(params.values["chat_id"])
    except (KeyError, TypeError, ValueError):
        return None
