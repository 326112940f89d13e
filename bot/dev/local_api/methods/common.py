"""Pieces shared by the sending methods: markup side effects, replies, captions, delivery."""

from __future__ import annotations

from typing import Any

from bot.dev.local_api.errors import bad_request
from bot.dev.local_api.formatting import check_caption, format_text
from bot.dev.local_api.markup import Markup, parse_reply_markup
from bot.dev.local_api.methods.base import Call
from bot.dev.local_api.models import Chat

_MARKUP_JSON_ERROR = "can't parse reply keyboard markup JSON object"


def reply_markup(call: Call, *, inline_only: bool = False) -> Markup | None:
    raw = call.params.decoded("reply_markup", _MARKUP_JSON_ERROR)
    return parse_reply_markup(raw, inline_only=inline_only)


def inline_markup_field(markup: Markup | None) -> dict[str, Any]:
    """Telegram echoes only non-empty inline keyboards in the Message object."""
    if markup is not None and markup.kind == "inline" and markup.data["inline_keyboard"]:
        return {"reply_markup": markup.data}
    return {}


def reply_target(call: Call, chat: Chat) -> dict[str, Any]:
    parameters = call.params.decoded("reply_parameters", "can't parse reply parameters JSON object")
    if parameters is None and call.params.has("reply_to_message_id"):
        parameters = {
            "message_id": call.params.integer("reply_to_message_id"),
            "allow_sending_without_reply": call.params.flag("allow_sending_without_reply"),
        }
    if parameters is None:
        return {}
    if not isinstance(parameters, dict) or not isinstance(parameters.get("message_id"), int):
        raise bad_request("can't parse reply parameters JSON object")
    target = chat.reply_copy(parameters["message_id"])
    if target is None:
        if parameters.get("allow_sending_without_reply"):
            return {}
        raise bad_request("message to be replied not found")
    return {"reply_to_message": target}


def caption_fields(call: Call, *, prefix: str = "") -> dict[str, Any]:
    formatted = format_text(
        call.params.string("caption") or "",
        call.params.string("parse_mode"),
        call.params.decoded("caption_entities", "can't parse entities JSON object"),
    )
    check_caption(formatted)
    return caption_dict(formatted.text, formatted.entities)


def caption_dict(text: str, entities: list[dict[str, Any]]) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    if text:
        fields["caption"] = text
    if entities:
        fields["caption_entities"] = entities
    return fields


def deliver(call: Call, chat: Chat, content: dict[str, Any], markup: Markup | None) -> dict[str, Any]:
    message = chat.add_message(call.bot.user_json(), {**content, **inline_markup_field(markup)})
    apply_keyboard(chat, markup, message["message_id"])
    return message


def apply_keyboard(chat: Chat, markup: Markup | None, message_id: int) -> None:
    """Reply keyboards and force_reply are chat state on the person's side, not part of the message."""
    if markup is None or markup.kind == "inline":
        return
    if markup.kind == "keyboard":
        chat.reply_keyboard = {**markup.data, "message_id": message_id}
    elif markup.kind == "remove":
        chat.reply_keyboard = None
    elif markup.kind == "force_reply":
        chat.force_reply = {**markup.data, "message_id": message_id}
    chat.record("keyboard", message_id)
