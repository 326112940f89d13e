"""The page and its own endpoints (personas, clock, command menu), beside the local Bot API's routes.

``GET  /``                    → the chat page (``static/index.html``); ``/static/...``: its scripts and styles
``GET  /sandbox/personas``    → ``[Persona]`` in picker order: ``{"key", "id", "name", "label": {"id", "en"},
"phone", "role": "reporter" | "province" | "city" | "opd" | "officer" | "official", "org_code"}``
``POST /sandbox/personas``    → ``Persona``: a new reporter with a fresh Telegram id
``GET  /sandbox/clock``       → ``Clock``
``POST /sandbox/clock``       ``{"working_days": n}`` (1-60) → ``Clock``, now at the same WIB time of day
n working days later
``GET  /sandbox/commands?language=id`` → ``[BotCommand]`` the bot registered for that language (else default)

``Clock`` = ``{"now": ISO UTC, "now_epoch", "offset_seconds", "closed_reason": why today (WIB) is not a
working day | null, "jumps": [{"since_epoch", "offset_seconds"}]}``; a message's ``date`` (real time) showed
as ``date + offset`` of the last jump at or before it. Answers are ``{"ok": true, "result": ...}`` or
``{"ok": false, "error"}`` with status 400, like ``/sim``.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from aiohttp import web

from bot.dev.local_api import LocalBotApi
from bot.dev.sandbox.clock import SandboxClock
from bot.dev.sandbox.personas import Cast, Persona
from workflow.calendar import to_wib

STATIC_DIR = Path(__file__).parent / "static"
# Scripts only from this origin, and nothing inline: a message can never turn into code on the page.
PAGE_POLICY = (
    "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'"
)
# Files people upload are served from this origin too: opened directly, they may not run anything.
FILE_POLICY = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
MAX_JUMP_DAYS = 60
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@web.middleware
async def security_headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    response = await handler(request)
    if request.path.startswith("/sim/files/"):
        response.headers["Content-Security-Policy"] = FILE_POLICY
    elif not request.path.startswith(("/bot", "/file/bot")):
        response.headers["Content-Security-Policy"] = PAGE_POLICY
        response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


class BadRequest(Exception):
    pass


class SandboxWeb:
    def __init__(self, api: LocalBotApi, clock: SandboxClock, cast: Cast) -> None:
        self.api = api
        self.clock = clock
        self.cast = cast

    def add_routes(self, app: web.Application) -> None:
        app.router.add_get("/", self.page)
        app.router.add_static("/static/", STATIC_DIR, append_version=False)
        for verb, path, handler in (
            ("GET", "/sandbox/personas", self.personas),
            ("POST", "/sandbox/personas", self.add_reporter),
            ("GET", "/sandbox/clock", self.clock_now),
            ("POST", "/sandbox/clock", self.jump),
            ("GET", "/sandbox/commands", self.commands),
        ):
            app.router.add_route(verb, path, _answer(handler))

    async def page(self, request: web.Request) -> web.StreamResponse:
        return web.FileResponse(STATIC_DIR / "index.html", headers={"Cache-Control": "no-cache"})

    async def personas(self, request: web.Request) -> list[dict[str, Any]]:
        return [persona.to_json() for persona in self.cast.personas]

    async def add_reporter(self, request: web.Request) -> dict[str, Any]:
        return self.register(self.cast.add_new_reporter(self.api.world.persons)).to_json()

    def register(self, persona: Persona, *, opened_before: bool = False) -> Persona:
        """The person exists on the simulated Telegram from now on, so the page can open their chat.

        ``opened_before``: they started the bot in an earlier life (the demo admins, the returning reporter),
        so it may write to them first, as Telegram allows: a card reaches an admin who has not typed yet."""
        user = self.api.user(
            persona.telegram_id, persona.name, language_code="id", phone_number=persona.phone
        )
        if opened_before:
            self.api.world.chat(user.bot, user.person).started = True
        return persona

    async def clock_now(self, request: web.Request) -> dict[str, Any]:
        return self.clock_json()

    async def jump(self, request: web.Request) -> dict[str, Any]:
        try:
            body = await request.json()
        except ValueError:
            raise BadRequest("body must be a JSON object") from None
        days = body.get("working_days") if isinstance(body, dict) else None
        if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= MAX_JUMP_DAYS:
            raise BadRequest(f"working_days must be an integer from 1 to {MAX_JUMP_DAYS}")
        self.clock.advance_working_days(days)
        return self.clock_json()

    def clock_json(self) -> dict[str, Any]:
        now = self.clock.now()
        return {
            "now": now.isoformat(),
            "now_epoch": now.timestamp(),
            "offset_seconds": self.clock.offset.total_seconds(),
            "closed_reason": self.clock.calendar.closed_reason(to_wib(now).date()),
            "jumps": [
                {"since_epoch": jump.since.timestamp(), "offset_seconds": jump.offset.total_seconds()}
                for jump in self.clock.jumps
            ],
        }

    async def commands(self, request: web.Request) -> list[dict[str, Any]]:
        bot = self.api.world.find_bot()
        language = request.query.get("language", "")
        for code in (language, ""):
            key = json.dumps([{"type": "default"}, code], sort_keys=True)
            if key in bot.commands:
                return bot.commands[key]
        return []


def _answer(handler: Callable[[web.Request], Awaitable[Any]]) -> Handler:
    async def wrapped(request: web.Request) -> web.Response:
        try:
            result = await handler(request)
        except BadRequest as error:
            return web.json_response({"ok": False, "error": str(error)}, status=400)
        return web.json_response({"ok": True, "result": result})

    return wrapped
