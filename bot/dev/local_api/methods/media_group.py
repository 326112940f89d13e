"""sendMediaGroup: 2–10 photos/videos (or documents, or audios) posted as one album."""

from __future__ import annotations

import secrets
from typing import Any

from bot.dev.local_api.errors import bad_request
from bot.dev.local_api.formatting import check_caption, format_text
from bot.dev.local_api.methods import inputs
from bot.dev.local_api.methods.base import Call, method
from bot.dev.local_api.methods.common import caption_dict, deliver, reply_target

_VISUAL = frozenset({"photo", "video"})
_KINDS = frozenset({"photo", "video", "document", "audio"})


@method("sendMediaGroup", counted=True)
async def send_media_group(call: Call) -> list[dict[str, Any]]:
    chat = call.chat()
    media = call.params.decoded("media", "can't parse media JSON object")
    if media is None:
        raise bad_request('parameter "media" is required')
    if not isinstance(media, list) or not all(isinstance(item, dict) for item in media):
        raise bad_request("can't parse media JSON object")
    if not 2 <= len(media) <= 10:
        raise bad_request("media group must include 2-10 items")
    kinds = {item.get("type") for item in media}
    if not kinds <= _KINDS:
        raise bad_request("can't parse InputMedia: unsupported media type")
    if len(kinds) > 1 and not kinds <= _VISUAL:
        raise bad_request(f"{(kinds - _VISUAL).pop()} can't be mixed with other media types")
    prepared: list[dict[str, Any]] = []
    for item in media:
        formatted = format_text(
            item.get("caption") or "", item.get("parse_mode"), item.get("caption_entities")
        )
        check_caption(formatted)
        source = await inputs.resolve(call, item.get("media"), item["type"])
        prepared.append(
            {
                "kind": item["type"],
                "source": source,
                "caption": caption_dict(formatted.text, formatted.entities),
            }
        )
    group_id = str(10**17 + secrets.randbelow(9 * 10**17))
    reply = reply_target(call, chat)
    messages = []
    for entry in prepared:
        content = {entry["kind"]: inputs.store(call, entry["source"], entry["kind"]), **entry["caption"]}
        messages.append(deliver(call, chat, {"media_group_id": group_id, **content, **reply}, None))
    return messages
