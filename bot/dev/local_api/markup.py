"""Validation of ``reply_markup`` the way Telegram enforces it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal

from bot.dev.local_api.errors import ApiError, bad_request
from bot.dev.local_api.html_parse import normalize_url
from bot.dev.local_api.utf16 import utf16_len

MarkupKind = Literal["inline", "keyboard", "remove", "force_reply"]
INLINE_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
REPLY_REQUESTS = (
    "request_contact",
    "request_location",
    "request_poll",
    "request_users",
    "request_chat",
    "web_app",
)
MAX_INLINE_BUTTONS = 100
MAX_CALLBACK_BYTES = 64
MAX_PLACEHOLDER = 64


@dataclass(frozen=True)
class Markup:
    kind: MarkupKind
    data: dict[str, Any]


def parse_reply_markup(raw: Any, *, inline_only: bool = False) -> Markup | None:
    if raw is None or raw == "":
        return None
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            raise bad_request("can't parse reply keyboard markup JSON object") from None
    if not isinstance(raw, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in raw:
        return Markup("inline", {"inline_keyboard": _inline_rows(raw["inline_keyboard"])})
    if inline_only:
        raise bad_request("inline keyboard expected")
    if "keyboard" in raw:
        return Markup("keyboard", _reply_keyboard(raw))
    if "remove_keyboard" in raw:
        _require_true(raw, "remove_keyboard")
        return Markup("remove", {"remove_keyboard": True, **_flags(raw, ("selective",))})
    if "force_reply" in raw:
        _require_true(raw, "force_reply")
        data: dict[str, Any] = {"force_reply": True, **_flags(raw, ("selective",))}
        data.update(_placeholder(raw))
        return Markup("force_reply", data)
    raise bad_request("can't parse reply keyboard markup JSON object")


def _require_true(raw: dict[str, Any], key: str) -> None:
    if raw[key] is not True:
        raise bad_request(f'field "{key}" must be true')


def _flags(raw: dict[str, Any], names: tuple[str, ...]) -> dict[str, bool]:
    flags: dict[str, bool] = {}
    for name in names:
        if name in raw:
            if not isinstance(raw[name], bool):
                raise bad_request(f'field "{name}" must be of type Boolean')
            flags[name] = raw[name]
    return flags


def _placeholder(raw: dict[str, Any]) -> dict[str, str]:
    value = raw.get("input_field_placeholder")
    if value is None:
        return {}
    if not isinstance(value, str) or utf16_len(value) > MAX_PLACEHOLDER:
        raise bad_request("can't parse reply keyboard markup JSON object: input_field_placeholder is invalid")
    return {"input_field_placeholder": value}


def _rows(value: Any, field: str, owner: str) -> list[list[Any]]:
    if not isinstance(value, list) or not all(isinstance(row, list) for row in value):
        raise bad_request(f'field "{field}" of the {owner} should be an Array of Arrays')
    return value


def _inline_rows(value: Any) -> list[list[dict[str, Any]]]:
    rows = [row for row in _rows(value, "inline_keyboard", "InlineKeyboardMarkup") if row]
    if sum(len(row) for row in rows) > MAX_INLINE_BUTTONS:
        raise bad_request("REPLY_MARKUP_TOO_LONG")
    return [[_inline_button(button) for button in row] for row in rows]


def _inline_button(button: Any) -> dict[str, Any]:
    def refuse(detail: str) -> ApiError:
        return bad_request(f"can't parse inline keyboard button: {detail}")

    if not isinstance(button, dict):
        raise refuse("InlineKeyboardButton must be an Object")
    if not isinstance(button.get("text"), str):
        raise refuse('Can\'t find field "text"')
    if not button["text"].strip():
        raise refuse("Text must be non-empty")
    actions = [name for name in INLINE_ACTIONS if button.get(name) not in (None, False)]
    if not actions:
        raise refuse("Text buttons are unallowed in the inline keyboard")
    if len(actions) > 1:
        raise refuse(f"exactly one of the optional fields must be used, found {', '.join(actions)}")
    if actions[0] == "callback_data":
        data = button["callback_data"]
        if not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_BYTES:
            raise bad_request("BUTTON_DATA_INVALID")
    if actions[0] == "url" and (not isinstance(button["url"], str) or normalize_url(button["url"]) is None):
        raise bad_request("BUTTON_URL_INVALID")
    return dict(button)


def _reply_keyboard(raw: dict[str, Any]) -> dict[str, Any]:
    rows = [row for row in _rows(raw["keyboard"], "keyboard", "ReplyKeyboardMarkup") if row]
    if not rows:
        raise bad_request("keyboard must be non-empty")
    keyboard = [[_reply_button(button) for button in row] for row in rows]
    data: dict[str, Any] = {"keyboard": keyboard}
    data.update(_flags(raw, ("is_persistent", "resize_keyboard", "one_time_keyboard", "selective")))
    data.update(_placeholder(raw))
    return data


def _reply_button(button: Any) -> dict[str, Any]:
    if isinstance(button, str):
        button = {"text": button}
    if not isinstance(button, dict) or not isinstance(button.get("text"), str):
        raise bad_request("can't parse keyboard button: Can't find field \"text\"")
    if not button["text"].strip():
        raise bad_request("can't parse keyboard button: Text must be non-empty")
    requests = [name for name in REPLY_REQUESTS if button.get(name) not in (None, False)]
    if len(requests) > 1:
        raise bad_request(f"can't parse keyboard button: only one of {', '.join(requests)} may be used")
    return dict(button)


def inline_buttons(markup: dict[str, Any] | None) -> list[dict[str, Any]]:
    if not markup:
        return []
    return [button for row in markup.get("inline_keyboard", []) for button in row]


def reply_buttons(markup: dict[str, Any] | None) -> list[dict[str, Any]]:
    if not markup:
        return []
    return [button for row in markup.get("keyboard", []) for button in row]
