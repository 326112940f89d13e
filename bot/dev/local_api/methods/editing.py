"""editMessageText/Caption/ReplyMarkup and deleteMessage(s), with Telegram's refusal rules."""

from __future__ import annotations

import time
from typing import Any

from bot.dev.local_api.errors import MESSAGE_NOT_MODIFIED, bad_request
from bot.dev.local_api.formatting import check_caption, check_text, format_text
from bot.dev.local_api.methods.base import Call, method
from bot.dev.local_api.methods.common import inline_markup_field, reply_markup
from bot.dev.local_api.models import Chat

MEDIA_FIELDS = ("photo", "document", "video", "audio", "animation", "voice")


def _target(call: Call) -> tuple[Chat, dict[str, Any]]:
    if call.params.has("inline_message_id"):
        raise bad_request("MESSAGE_ID_INVALID")
    chat = call.chat()
    message_id = call.params.integer("message_id")
    if message_id is None:
        raise bad_request("message identifier is not specified")
    message = chat.messages.get(message_id)
    if message is None:
        raise bad_request("message to edit not found")
    if message["from"].get("id") != call.bot.id:
        raise bad_request("message can't be edited")
    return chat, message


def _apply(chat: Chat, message: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """``changes`` maps field → new value, ``None`` meaning the field goes away."""
    current = {key: message.get(key) for key in changes}
    if current == changes:
        raise bad_request(MESSAGE_NOT_MODIFIED)
    for key, value in changes.items():
        if value is None:
            message.pop(key, None)
        else:
            message[key] = value
    message["edit_date"] = int(time.time())
    chat.record("edit", message["message_id"])
    return message


def _markup_change(call: Call) -> dict[str, Any]:
    # Omitting reply_markup in an edit removes the inline keyboard, exactly as on Telegram.
    return {"reply_markup": inline_markup_field(reply_markup(call, inline_only=True)).get("reply_markup")}


@method("editMessageText", counted=True)
async def edit_message_text(call: Call) -> dict[str, Any]:
    chat, message = _target(call)
    formatted = format_text(
        call.params.string("text") or "",
        call.params.string("parse_mode"),
        call.params.decoded("entities", "can't parse entities JSON object"),
    )
    check_text(formatted, too_long="MESSAGE_TOO_LONG")
    if "text" not in message:
        raise bad_request("there is no text in the message to edit")
    changes = {"text": formatted.text, "entities": formatted.entities or None, **_markup_change(call)}
    return _apply(chat, message, changes)


@method("editMessageCaption", counted=True)
async def edit_message_caption(call: Call) -> dict[str, Any]:
    chat, message = _target(call)
    formatted = format_text(
        call.params.string("caption") or "",
        call.params.string("parse_mode"),
        call.params.decoded("caption_entities", "can't parse entities JSON object"),
    )
    check_caption(formatted)
    if not any(field in message for field in MEDIA_FIELDS):
        raise bad_request("there is no caption in the message to edit")
    changes = {
        "caption": formatted.text or None,
        "caption_entities": formatted.entities or None,
        **_markup_change(call),
    }
    return _apply(chat, message, changes)


@method("editMessageReplyMarkup", counted=True)
async def edit_message_reply_markup(call: Call) -> dict[str, Any]:
    chat, message = _target(call)
    return _apply(chat, message, _markup_change(call))


@method("deleteMessage")
async def delete_message(call: Call) -> bool:
    chat = call.chat()
    message_id = call.params.integer("message_id")
    if message_id is None:
        raise bad_request("message identifier is not specified")
    if chat.messages.pop(message_id, None) is None:
        raise bad_request("message to delete not found")
    chat.record("delete", message_id)
    return True


@method("deleteMessages")
async def delete_messages(call: Call) -> bool:
    chat = call.chat()
    ids = call.params.decoded("message_ids", "can't parse message identifiers JSON object")
    if not isinstance(ids, list) or not 1 <= len(ids) <= 100 or not all(isinstance(i, int) for i in ids):
        raise bad_request("message_ids must be a non-empty array of at most 100 integers")
    for message_id in ids:
        if chat.messages.pop(message_id, None) is not None:
            chat.record("delete", message_id)
    return True
