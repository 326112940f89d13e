"""copyMessage and forwardMessage between a bot's private chats."""

from __future__ import annotations

from typing import Any

from bot.dev.local_api.errors import bad_request
from bot.dev.local_api.methods.base import Call, method
from bot.dev.local_api.methods.common import caption_fields, deliver, reply_markup, reply_target

_ENVELOPE = frozenset(
    {
        "message_id",
        "from",
        "chat",
        "date",
        "edit_date",
        "reply_markup",
        "reply_to_message",
        "forward_origin",
        "media_group_id",
    }
)


def _source(call: Call, missing: str) -> dict[str, Any]:
    origin = call.chat("from_chat_id")
    message_id = call.params.integer("message_id")
    message = origin.messages.get(message_id) if message_id is not None else None
    if message is None:
        raise bad_request(missing)
    return message


@method("copyMessage", counted=True)
async def copy_message(call: Call) -> dict[str, int]:
    chat = call.chat()
    source = _source(call, "message to copy not found")
    markup = reply_markup(call)
    content = {key: value for key, value in source.items() if key not in _ENVELOPE}
    if call.params.has("caption") and "text" not in content:
        content.pop("caption", None)
        content.pop("caption_entities", None)
        content.update(caption_fields(call))
    message = deliver(call, chat, {**content, **reply_target(call, chat)}, markup)
    return {"message_id": message["message_id"]}


@method("forwardMessage", counted=True)
async def forward_message(call: Call) -> dict[str, Any]:
    chat = call.chat()
    source = _source(call, "message to forward not found")
    content = {key: value for key, value in source.items() if key not in _ENVELOPE}
    content["forward_origin"] = source.get("forward_origin") or {
        "type": "user",
        "sender_user": source["from"],
        "date": source["date"],
    }
    return deliver(call, chat, content, None)
