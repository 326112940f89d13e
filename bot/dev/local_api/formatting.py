"""Turns a bot's text/caption parameters into the visible text and entities Telegram would store."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.dev.local_api.errors import bad_request
from bot.dev.local_api.html_parse import HtmlParseError, parse_html
from bot.dev.local_api.utf16 import utf16_len

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
_TRIMMED = " \t\r\n"
ENTITY_TYPES = frozenset(
    {
        "mention",
        "hashtag",
        "cashtag",
        "bot_command",
        "url",
        "email",
        "phone_number",
        "bold",
        "italic",
        "underline",
        "strikethrough",
        "spoiler",
        "blockquote",
        "expandable_blockquote",
        "code",
        "pre",
        "text_link",
        "text_mention",
        "custom_emoji",
        "date_time",
    }
)


@dataclass(frozen=True)
class FormattedText:
    text: str
    entities: list[dict[str, Any]] = field(default_factory=list)

    @property
    def length(self) -> int:
        return utf16_len(self.text)


def format_text(text: str, parse_mode: str | None, entities: Any) -> FormattedText:
    """Explicit ``entities`` win over ``parse_mode``, as on Telegram; the result is whitespace-trimmed."""
    if entities is not None:
        parsed = FormattedText(text, _checked_entities(entities))
    elif parse_mode:
        parsed = _parse(text, parse_mode)
    else:
        parsed = FormattedText(text)
    return _trim(parsed)


def _parse(text: str, parse_mode: str) -> FormattedText:
    mode = parse_mode.lower()
    if mode == "html":
        try:
            visible, entities = parse_html(text)
        except HtmlParseError as error:
            raise bad_request(f"can't parse entities: {error}") from None
        return FormattedText(visible, entities)
    if mode in ("markdown", "markdownv2"):
        raise bad_request(
            f"can't parse entities: parse_mode {parse_mode} is not supported by the local Bot API server; "
            "use HTML"
        )
    raise bad_request(f"unsupported parse_mode {parse_mode}")


def _checked_entities(raw: Any) -> list[dict[str, Any]]:
    if not isinstance(raw, list):
        raise bad_request("can't parse entities JSON object")
    checked: list[dict[str, Any]] = []
    for item in raw:
        if not isinstance(item, dict) or not isinstance(item.get("type"), str):
            raise bad_request("can't parse MessageEntity: Can't find field \"type\"")
        offset, length = item.get("offset"), item.get("length")
        if not isinstance(offset, int) or not isinstance(length, int) or offset < 0 or length < 0:
            raise bad_request('can\'t parse MessageEntity: Field "offset" or "length" must be a valid Number')
        if item["type"] not in ENTITY_TYPES:
            raise bad_request("can't parse MessageEntity: Unsupported type specified")
        if item["type"] == "text_link" and not item.get("url"):
            raise bad_request('can\'t parse MessageEntity: Field "url" must be of type String')
        if length:
            checked.append(dict(item))
    checked.sort(key=lambda entity: (entity["offset"], -entity["length"]))
    return checked


def _trim(parsed: FormattedText) -> FormattedText:
    """Telegram strips leading/trailing whitespace and clips the entities accordingly."""
    stripped_left = parsed.text.lstrip(_TRIMMED)
    text = stripped_left.rstrip(_TRIMMED)
    if text == parsed.text:
        return _clip(parsed)
    shift = utf16_len(parsed.text) - utf16_len(stripped_left)
    moved = [{**entity, "offset": entity["offset"] - shift} for entity in parsed.entities]
    return _clip(FormattedText(text, moved))


def _clip(parsed: FormattedText) -> FormattedText:
    size = parsed.length
    entities: list[dict[str, Any]] = []
    for entity in parsed.entities:
        start = max(entity["offset"], 0)
        end = min(entity["offset"] + entity["length"], size)
        if end > start:
            entities.append({**entity, "offset": start, "length": end - start})
    return FormattedText(parsed.text, entities)


def check_text(parsed: FormattedText, *, too_long: str = "message is too long") -> None:
    if not parsed.text:
        raise bad_request("message text is empty")
    if parsed.length > TEXT_LIMIT:
        raise bad_request(too_long)


def check_caption(parsed: FormattedText) -> None:
    if parsed.length > CAPTION_LIMIT:
        raise bad_request("message caption is too long")
