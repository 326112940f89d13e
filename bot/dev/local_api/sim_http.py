"""The simulation over HTTP under ``/sim``, for the browser chat page and other out-of-process drivers.

Every JSON endpoint answers ``{"ok": true, "result": ...}`` or ``{"ok": false, "error": "..."}`` with
status 400 (refused, e.g. pressing a button that is not there) or 404 (unknown user/bot). ``?bot=`` (id or
username) picks the bot on user endpoints; default is the first bot added.

``GET  /sim/bots``                         → ``[User]`` (the bots, Telegram ``User`` objects)
``GET  /sim/users``                        → ``[User + {"blocked": bool, "version": int}]``
``POST /sim/users``  ``{"id", "first_name", "last_name"?, "username"?, "language_code"?, "phone_number"?,
"bot"?}`` → ``User`` (creates the person, or updates the fields given)
``GET  /sim/users/{id}/chat``              → ``Chat`` (below)
``GET  /sim/users/{id}/chat/poll?since=V&timeout=S`` → ``Chat`` as soon as its ``version`` > V, or after
S seconds (default 25, max 60) unchanged
``POST /sim/users/{id}/send``  one of
``{"type": "text", "text", "reply_to"?}``, ``{"type": "command", "command": "/start", "args"?}``,
``{"type": "contact", "phone_number"?, "own"?: true}``, ``{"type": "location", "latitude", "longitude"}``,
``{"type": "photo", "data_base64"?, "caption"?}`` (a small PNG when no data),
``{"type": "document", "data_base64", "file_name"?, "mime_type"?, "caption"?}``,
``{"type": "sticker", "emoji"?}``, ``{"type": "voice", "duration"?}`` → ``Message`` (below)
``POST /sim/users/{id}/press``  ``{"message_id", "button"}`` (callback_data or text)
→ ``{"callback_query_id"}``
``POST /sim/users/{id}/press_reply``  ``{"text"}`` → ``Message`` (contact/location for request buttons)
``POST /sim/users/{id}/block`` / ``/unblock`` → ``true``
``GET  /sim/requests?since=SEQ&method=M&chat_id=C`` → ``[{"seq", "time", "bot_id", "method", "params",
"chat_id", "status", "ok", "description", "result", "fault", "duration"}]`` (the bots' Bot API calls)
``GET  /sim/files/{file_id}`` → the file's bytes

``Chat`` = ``{"bot": User, "user": User, "blocked": bool, "messages": [Message], "reply_keyboard":
ReplyKeyboardMarkup + {"message_id"} | null, "force_reply": ForceReply + {"message_id"} | null,
"toasts": [{"callback_query_id", "message_id", "text", "show_alert", "url"}], "action": "typing" | ... |
null, "version": int}`` — ``version`` grows with every visible change (message, edit, delete, toast,
keyboard, chat action, block).

``Message`` = ``{"message_id", "sender": "bot" | "user", "date", "edit_date" | null, "kind": "text" |
"photo" | "document" | "video" | "audio" | "voice" | "sticker" | "location" | "contact" | ..., "text":
text or caption | null, "html": the same rendered as Telegram HTML | null, "entities": [MessageEntity],
"media": [PhotoSize] for photos, the Telegram object (Document, Location, Contact, ...) otherwise, or
null, "inline_keyboard": [[InlineKeyboardButton]] | null, "reply_to_message_id" | null,
"media_group_id" | null}``. Deleted messages are absent; edits are applied.
"""

from __future__ import annotations

import base64
import binascii
import time
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from aiohttp import web

from bot.dev.local_api.errors import SimulationError
from bot.dev.local_api.records import RequestRecord
from bot.dev.local_api.sim import SimUser
from bot.dev.local_api.world import World

SimHandler = Callable[[web.Request], Awaitable[Any]]
MAX_POLL_SECONDS = 60.0


class SimRequestError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class SimulationHost(Protocol):
    """What the endpoints need of the server they are mounted on (`LocalBotApi`)."""

    world: World

    def user(
        self,
        user_id: int,
        first_name: str = ...,
        *,
        last_name: str | None = ...,
        username: str | None = ...,
        language_code: str | None = ...,
        phone_number: str | None = ...,
        bot: str | int | None = ...,
    ) -> SimUser: ...

    def requests(
        self, method: str | None = ..., chat_id: int | None = ..., ok: bool | None = ..., since: int = ...
    ) -> list[RequestRecord]: ...


class SimHttp:
    def __init__(self, api: SimulationHost) -> None:
        self.api = api

    def add_routes(self, app: web.Application) -> None:
        routes = [
            ("GET", "/sim/bots", self.bots),
            ("GET", "/sim/users", self.list_users),
            ("POST", "/sim/users", self.create_user),
            ("GET", "/sim/users/{user_id}/chat", self.chat),
            ("GET", "/sim/users/{user_id}/chat/poll", self.poll),
            ("POST", "/sim/users/{user_id}/send", self.send),
            ("POST", "/sim/users/{user_id}/press", self.press),
            ("POST", "/sim/users/{user_id}/press_reply", self.press_reply),
            ("POST", "/sim/users/{user_id}/block", self.block),
            ("POST", "/sim/users/{user_id}/unblock", self.unblock),
            ("GET", "/sim/requests", self.requests),
        ]
        for verb, path, handler in routes:
            app.router.add_route(verb, path, _wrap(handler))
        app.router.add_get("/sim/files/{file_id}", self.file)

    def _user(self, request: web.Request) -> SimUser:
        try:
            user_id = int(request.match_info["user_id"])
        except ValueError:
            raise SimRequestError(404, "user id must be an integer") from None
        bot = _bot_ref(request.query.get("bot"))
        try:
            account = self.api.world.find_bot(bot)
        except LookupError as error:
            raise SimRequestError(404, str(error)) from None
        person = self.api.world.persons.get(user_id)
        if person is None:
            raise SimRequestError(404, f"unknown user {user_id}; create it with POST /sim/users")
        return self.api.user(user_id, person.first_name, bot=account.id)

    async def bots(self, request: web.Request) -> list[dict[str, Any]]:
        return [bot.user_json() for bot in self.api.world.bots.values()]

    async def list_users(self, request: web.Request) -> list[dict[str, Any]]:
        account = self.api.world.find_bot(_bot_ref(request.query.get("bot")))
        listed = []
        for person in self.api.world.persons.values():
            chat = self.api.world.chats.get((account.id, person.id))
            listed.append(
                {
                    **person.user_json(),
                    "blocked": bool(chat and chat.blocked),
                    "version": chat.version if chat else 0,
                }
            )
        return listed

    async def create_user(self, request: web.Request) -> dict[str, Any]:
        body = await _json(request)
        if not isinstance(body.get("id"), int) or not isinstance(body.get("first_name"), str):
            raise SimRequestError(400, "id (integer) and first_name (string) are required")
        fields = {key: body.get(key) for key in ("last_name", "username", "language_code", "phone_number")}
        user = self.api.user(body["id"], body["first_name"], bot=_bot_ref(body.get("bot")), **fields)
        return user.person.user_json()

    async def chat(self, request: web.Request) -> dict[str, Any]:
        return self._user(request).chat().to_json()

    async def poll(self, request: web.Request) -> dict[str, Any]:
        user = self._user(request)
        since = _int(request.query.get("since", "0"), "since")
        timeout = min(float(request.query.get("timeout", "25")), MAX_POLL_SECONDS)
        deadline = time.monotonic() + timeout
        while user.chat().version <= since and time.monotonic() < deadline:
            await self.api.world.changed.wait(deadline - time.monotonic())
        return user.chat().to_json()

    async def send(self, request: web.Request) -> dict[str, Any]:
        user, body = self._user(request), await _json(request)
        kind = body.get("type", "text")
        if kind == "text":
            message = await user.send_text(_required(body, "text"), reply_to=body.get("reply_to"))
        elif kind == "command":
            message = await user.send_command(_required(body, "command"), body.get("args", ""))
        elif kind == "contact":
            message = await user.send_contact(body.get("phone_number"), own=body.get("own", True))
        elif kind == "location":
            message = await user.send_location(float(body["latitude"]), float(body["longitude"]))
        elif kind == "photo":
            data = _bytes(body) if "data_base64" in body else None
            message = await user.send_photo(data, caption=body.get("caption"))
        elif kind == "document":
            message = await user.send_document(
                _bytes(body),
                body.get("file_name", "document.pdf"),
                body.get("mime_type"),
                body.get("caption"),
            )
        elif kind == "sticker":
            message = await user.send_sticker(body.get("emoji", "👍"))
        elif kind == "voice":
            message = await user.send_voice(int(body.get("duration", 2)))
        else:
            raise SimRequestError(400, f"unknown message type {kind!r}")
        return message.to_json()

    async def press(self, request: web.Request) -> dict[str, Any]:
        user, body = self._user(request), await _json(request)
        message_id = body.get("message_id")
        if not isinstance(message_id, int):
            raise SimRequestError(400, "message_id (integer) is required")
        return {"callback_query_id": await user.press_button(message_id, _required(body, "button"))}

    async def press_reply(self, request: web.Request) -> dict[str, Any]:
        user, body = self._user(request), await _json(request)
        return (await user.press_reply_button(_required(body, "text"))).to_json()

    async def block(self, request: web.Request) -> bool:
        await self._user(request).block()
        return True

    async def unblock(self, request: web.Request) -> bool:
        await self._user(request).unblock()
        return True

    async def requests(self, request: web.Request) -> list[dict[str, Any]]:
        query = request.query
        chat_id = _int(query["chat_id"], "chat_id") if "chat_id" in query else None
        records = self.api.requests(
            query.get("method"), chat_id, since=_int(query.get("since", "0"), "since")
        )
        return [record.to_json() for record in records]

    async def file(self, request: web.Request) -> web.Response:
        stored = self.api.world.files.get(request.match_info["file_id"])
        if stored is None:
            return web.json_response({"ok": False, "error": "unknown file_id"}, status=404)
        return web.Response(body=stored.data, content_type=stored.mime_type or "application/octet-stream")


def _wrap(handler: SimHandler) -> Callable[[web.Request], Awaitable[web.Response]]:
    async def wrapped(request: web.Request) -> web.Response:
        try:
            result = await handler(request)
        except SimRequestError as error:
            return web.json_response({"ok": False, "error": str(error)}, status=error.status)
        except LookupError as error:
            return web.json_response({"ok": False, "error": str(error)}, status=404)
        except (SimulationError, ValueError, KeyError, TypeError) as error:
            return web.json_response({"ok": False, "error": f"{type(error).__name__}: {error}"}, status=400)
        return web.json_response({"ok": True, "result": result})

    return wrapped


async def _json(request: web.Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError:
        raise SimRequestError(400, "body must be a JSON object") from None
    if not isinstance(body, dict):
        raise SimRequestError(400, "body must be a JSON object")
    return body


def _required(body: dict[str, Any], key: str) -> str:
    value = body.get(key)
    if not isinstance(value, str) or not value:
        raise SimRequestError(400, f"{key} (non-empty string) is required")
    return value


def _bytes(body: dict[str, Any]) -> bytes:
    try:
        return base64.b64decode(body["data_base64"], validate=True)
    except (KeyError, binascii.Error):
        raise SimRequestError(400, "data_base64 (base64 string) is required") from None


def _int(value: str, name: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise SimRequestError(400, f"{name} must be an integer") from None


def _bot_ref(value: Any) -> str | int | None:
    if value is None or value == "":
        return None
    return int(value) if isinstance(value, str) and value.isdigit() else value
