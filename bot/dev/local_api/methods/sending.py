"""sendMessage, sendPhoto, sendDocument and the other methods that post a new message."""

from __future__ import annotations

import time
from typing import Any

from bot.dev.local_api.errors import bad_request
from bot.dev.local_api.formatting import check_text, format_text
from bot.dev.local_api.methods import inputs
from bot.dev.local_api.methods.base import Call, method
from bot.dev.local_api.methods.common import caption_fields, deliver, reply_markup, reply_target

CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
ACTION_SECONDS = 5.0


@method("sendMessage", counted=True)
async def send_message(call: Call) -> dict[str, Any]:
    chat = call.chat()
    markup = reply_markup(call)
    formatted = format_text(
        call.params.string("text") or "",
        call.params.string("parse_mode"),
        call.params.decoded("entities", "can't parse entities JSON object"),
    )
    check_text(formatted)
    content: dict[str, Any] = {"text": formatted.text}
    if formatted.entities:
        content["entities"] = formatted.entities
    options = call.params.decoded("link_preview_options", "can't parse link preview options JSON object")
    if isinstance(options, dict):
        content["link_preview_options"] = options
    return deliver(call, chat, {**content, **reply_target(call, chat)}, markup)


async def _send_file(call: Call, kind: str) -> dict[str, Any]:
    chat = call.chat()
    markup = reply_markup(call)
    caption = caption_fields(call)
    source = await inputs.resolve(call, call.params.raw(kind), kind)
    content = {kind: inputs.store(call, source, kind), **caption}
    return deliver(call, chat, {**content, **reply_target(call, chat)}, markup)


@method("sendPhoto", counted=True)
async def send_photo(call: Call) -> dict[str, Any]:
    return await _send_file(call, "photo")


@method("sendDocument", counted=True)
async def send_document(call: Call) -> dict[str, Any]:
    return await _send_file(call, "document")


@method("sendVideo", counted=True)
async def send_video(call: Call) -> dict[str, Any]:
    return await _send_file(call, "video")


@method("sendAudio", counted=True)
async def send_audio(call: Call) -> dict[str, Any]:
    return await _send_file(call, "audio")


@method("sendVoice", counted=True)
async def send_voice(call: Call) -> dict[str, Any]:
    return await _send_file(call, "voice")


@method("sendLocation", counted=True)
async def send_location(call: Call) -> dict[str, Any]:
    chat = call.chat()
    markup = reply_markup(call)
    latitude, longitude = call.params.number("latitude"), call.params.number("longitude")
    if latitude is None or longitude is None:
        raise bad_request("latitude and longitude must be specified")
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise bad_request("wrong latitude or longitude specified")
    location: dict[str, Any] = {"latitude": latitude, "longitude": longitude}
    for name in ("horizontal_accuracy", "live_period", "heading", "proximity_alert_radius"):
        if call.params.has(name):
            location[name] = call.params.number(name)
    return deliver(call, chat, {"location": location, **reply_target(call, chat)}, markup)


@method("sendContact", counted=True)
async def send_contact(call: Call) -> dict[str, Any]:
    chat = call.chat()
    markup = reply_markup(call)
    phone, first_name = call.params.string("phone_number"), call.params.string("first_name")
    if not phone:
        raise bad_request("phone_number is empty")
    if not first_name:
        raise bad_request("first_name is empty")
    contact = {"phone_number": phone, "first_name": first_name}
    if call.params.has("last_name"):
        contact["last_name"] = call.params.string("last_name") or ""
    return deliver(call, chat, {"contact": contact, **reply_target(call, chat)}, markup)


@method("sendChatAction")
async def send_chat_action(call: Call) -> bool:
    chat = call.chat()
    action = call.params.string("action")
    if action not in CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    chat.action = action
    chat.action_until = time.time() + ACTION_SECONDS
    chat.record("action")
    return True
