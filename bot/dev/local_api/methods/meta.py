"""Bot identity and settings: getMe, commands, descriptions, menu button, getChat, getFile."""

from __future__ import annotations

import json
import re
from typing import Any

from bot.dev.local_api.errors import bad_request
from bot.dev.local_api.methods.base import Call, method

_COMMAND = re.compile(r"^[a-z0-9_]{1,32}$")


@method("getMe")
async def get_me(call: Call) -> dict[str, Any]:
    return call.bot.me_json()


@method("logOut")
async def log_out(call: Call) -> bool:
    return True


@method("close")
async def close(call: Call) -> bool:
    return True


def _commands_key(call: Call) -> str:
    scope = call.params.decoded("scope", "can't parse BotCommandScope JSON object") or {"type": "default"}
    return json.dumps([scope, call.params.string("language_code") or ""], sort_keys=True)


@method("setMyCommands")
async def set_my_commands(call: Call) -> bool:
    commands = call.params.decoded("commands", "can't parse commands JSON object")
    if not isinstance(commands, list) or len(commands) > 100:
        raise bad_request("can't parse commands JSON object")
    checked = []
    for command in commands:
        if not isinstance(command, dict) or not _COMMAND.match(str(command.get("command", "")).lstrip("/")):
            raise bad_request("BOT_COMMAND_INVALID")
        description = command.get("description")
        if not isinstance(description, str) or not 1 <= len(description) <= 256:
            raise bad_request("command description must be non-empty")
        checked.append({"command": str(command["command"]).lstrip("/"), "description": description})
    call.bot.commands[_commands_key(call)] = checked
    return True


@method("getMyCommands")
async def get_my_commands(call: Call) -> list[dict[str, Any]]:
    return call.bot.commands.get(_commands_key(call), [])


@method("deleteMyCommands")
async def delete_my_commands(call: Call) -> bool:
    call.bot.commands.pop(_commands_key(call), None)
    return True


def _text_setting(name: str, limit: int) -> None:
    title = "".join(part.title() for part in name.split("_"))

    async def setter(call: Call) -> bool:
        value = call.params.string(name) or ""
        if len(value) > limit:
            raise bad_request(f"{name.upper()}_INVALID")
        call.bot.texts[f"{name}:{call.params.string('language_code') or ''}"] = value
        return True

    async def getter(call: Call) -> dict[str, str]:
        key = f"{name}:{call.params.string('language_code') or ''}"
        default = call.bot.first_name if name == "name" else ""
        return {name: call.bot.texts.get(key, default)}

    method(f"setMy{title}")(setter)
    method(f"getMy{title}")(getter)


_text_setting("description", 512)
_text_setting("short_description", 120)
_text_setting("name", 64)


@method("setChatMenuButton")
async def set_chat_menu_button(call: Call) -> bool:
    call.bot.texts["menu_button"] = json.dumps(call.params.decoded("menu_button", "can't parse menu button"))
    return True


@method("getChatMenuButton")
async def get_chat_menu_button(call: Call) -> dict[str, Any]:
    stored = call.bot.texts.get("menu_button")
    return (json.loads(stored) if stored else None) or {"type": "commands"}


@method("getChat")
async def get_chat(call: Call) -> dict[str, Any]:
    chat = call.chat()
    return {
        **chat.person.chat_json(),
        "accent_color_id": 0,
        "max_reaction_count": 11,
        "accepted_gift_types": {
            "unlimited_gifts": False,
            "gifts_from_channels": False,
            "limited_gifts": False,
            "unique_gifts": False,
            "premium_subscription": False,
        },
    }


@method("getFile")
async def get_file(call: Call) -> dict[str, Any]:
    file_id = call.params.string("file_id")
    stored = call.world.files.get(file_id, call.bot.id) if file_id else None
    if stored is None:
        raise bad_request("invalid file_id")
    if stored.size > call.config.max_file_download:
        raise bad_request("file is too big")
    return stored.file_info()
