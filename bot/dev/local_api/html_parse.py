"""Parser for Telegram's HTML formatting subset, producing plain text and UTF-16 based entities.

Error wording and the tolerated quirks (optional ``;`` after an entity, lower-cased tag names,
unquoted attribute tokens) follow Telegram's server. One deliberate extra strictness: a bare ``&``
that starts no known entity is refused, because a bot that forgets to escape ``&`` will also
forget ``<`` sooner or later.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from bot.dev.local_api.utf16 import utf16_len

SUPPORTED_TAGS = frozenset(
    {
        "a",
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "span",
        "tg-spoiler",
        "tg-emoji",
        "code",
        "pre",
        "blockquote",
    }
)
SIMPLE_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
}
NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
SPACES = " \t\r\n\f\v"
_TOKEN = re.compile(r"[A-Za-z0-9.\-]*")
_USER_LINK = re.compile(r"tg://user\?id=(\d+)$", re.IGNORECASE)
_KNOWN_SCHEMES = ("http", "https", "tg", "ton", "tonsite", "ftp")


class HtmlParseError(Exception):
    """Carries the detail Telegram puts after "can't parse entities: "."""


@dataclass
class _OpenTag:
    name: str
    argument: str
    offset: int
    out_index: int


def parse_html(source: str) -> tuple[str, list[dict[str, Any]]]:
    return _Parser(source).run()


def normalize_url(url: str) -> str | None:
    """Telegram's acceptance of a link target; ``None`` means the link entity is silently dropped."""
    url = url.strip()
    if not url or any(ch in url for ch in SPACES):
        return None
    match = re.match(r"([A-Za-z][A-Za-z0-9+.\-]*)://", url)
    if match is None:
        if "." not in url or url.startswith((".", "/")):
            return None
        url = "http://" + url
    elif match.group(1).lower() not in _KNOWN_SCHEMES:
        return None
    if re.fullmatch(r"https?://[^/?#]+", url, flags=re.IGNORECASE):
        url += "/"
    return url


class _Parser:
    def __init__(self, source: str) -> None:
        self.src = source
        self.pos = 0
        self.out: list[str] = []
        self.offset = 0
        self.stack: list[_OpenTag] = []
        self.entities: list[dict[str, Any]] = []

    def byte_offset(self, index: int) -> int:
        return len(self.src[:index].encode("utf-8"))

    def at(self, index: int) -> str:
        return self.src[index] if index < len(self.src) else ""

    def emit(self, chunk: str) -> None:
        self.out.append(chunk)
        self.offset += utf16_len(chunk)

    def run(self) -> tuple[str, list[dict[str, Any]]]:
        while self.pos < len(self.src):
            char = self.src[self.pos]
            if char == "&":
                self.entity_reference()
            elif char == "<":
                if self.at(self.pos + 1) == "/":
                    self.end_tag()
                else:
                    self.start_tag()
            else:
                self.emit(char)
                self.pos += 1
        if self.stack:
            raise HtmlParseError(f'Can\'t find end tag corresponding to start tag "{self.stack[-1].name}"')
        for entity in self.entities:
            entity.pop("_language", None)
        self.entities.sort(key=lambda entity: (entity["offset"], -entity["length"]))
        return "".join(self.out), self.entities

    def entity_reference(self) -> None:
        decoded, end = decode_entity(self.src, self.pos)
        if decoded is None:
            raise HtmlParseError(
                f'Character "&" at byte offset {self.byte_offset(self.pos)} must be escaped as "&amp;"'
            )
        self.emit(decoded)
        self.pos = end

    def start_tag(self) -> None:
        begin = self.pos
        end = begin + 1
        while end < len(self.src) and self.src[end] not in SPACES and self.src[end] != ">":
            end += 1
        if end >= len(self.src):
            raise HtmlParseError(f"Unclosed start tag at byte offset {self.byte_offset(begin)}")
        name = self.src[begin + 1 : end].lower()
        if name not in SUPPORTED_TAGS:
            raise HtmlParseError(f'Unsupported start tag "{name}" at byte offset {self.byte_offset(begin)}')
        self.pos = end
        argument = self.attributes(name, begin)
        if name == "span" and argument != "spoiler":
            raise HtmlParseError(
                f'Tag "span" must have class "tg-spoiler" at byte offset {self.byte_offset(begin)}'
            )
        self.stack.append(_OpenTag(name, argument, self.offset, len(self.out)))

    def attributes(self, tag: str, begin: int) -> str:
        """Consumes attributes up to and including ``>``; returns the one argument the tag uses."""
        argument = ""
        while True:
            while self.at(self.pos) and self.at(self.pos) in SPACES:
                self.pos += 1
            if not self.at(self.pos):
                raise HtmlParseError(f'Unclosed start tag "{tag}" at byte offset {self.byte_offset(begin)}')
            if self.at(self.pos) == ">":
                self.pos += 1
                return argument
            name_start = self.pos
            while self.at(self.pos) and self.at(self.pos) not in SPACES and self.at(self.pos) not in "=>":
                self.pos += 1
            attribute = self.src[name_start : self.pos].lower()
            while self.at(self.pos) and self.at(self.pos) in SPACES:
                self.pos += 1
            if self.at(self.pos) != "=":
                if tag == "blockquote" and attribute == "expandable":
                    argument = "1"
                    continue
                raise HtmlParseError(
                    f'Expected equal sign in declaration of an attribute of the tag "{tag}" '
                    f"at byte offset {self.byte_offset(begin)}"
                )
            self.pos += 1
            while self.at(self.pos) and self.at(self.pos) in SPACES:
                self.pos += 1
            value = self.attribute_value(tag, begin)
            argument = _argument_for(tag, attribute, value, argument)

    def attribute_value(self, tag: str, begin: int) -> str:
        quote = self.at(self.pos)
        if not quote:
            raise HtmlParseError(f'Unclosed start tag "{tag}" at byte offset {self.byte_offset(begin)}')
        if quote not in "'\"":
            token = _TOKEN.match(self.src, self.pos)
            assert token is not None
            self.pos = token.end()
            if not self.at(self.pos) or (self.at(self.pos) not in SPACES and self.at(self.pos) != ">"):
                at = self.byte_offset(token.start())
                raise HtmlParseError(f"Unexpected end of name token at byte offset {at}")
            return token.group().lower()
        self.pos += 1
        value: list[str] = []
        while self.at(self.pos) and self.at(self.pos) != quote:
            if self.at(self.pos) == "&":
                decoded, end = decode_entity(self.src, self.pos)
                if decoded is not None:
                    value.append(decoded)
                    self.pos = end
                    continue
            value.append(self.src[self.pos])
            self.pos += 1
        if not self.at(self.pos):
            raise HtmlParseError(f"Unclosed start tag at byte offset {self.byte_offset(begin)}")
        self.pos += 1
        return "".join(value)

    def end_tag(self) -> None:
        begin = self.pos
        if not self.stack:
            raise HtmlParseError(f"Unexpected end tag at byte offset {self.byte_offset(begin)}")
        end = begin + 2
        while end < len(self.src) and self.src[end] not in SPACES and self.src[end] != ">":
            end += 1
        name = self.src[begin + 2 : end]
        while end < len(self.src) and self.src[end] in SPACES:
            end += 1
        if end >= len(self.src) or self.src[end] != ">":
            raise HtmlParseError(f"Unclosed end tag at byte offset {self.byte_offset(begin)}")
        expected = self.stack[-1].name
        if name and name != expected:
            raise HtmlParseError(
                f'Unmatched end tag at byte offset {self.byte_offset(begin)}, expected "</{expected}>", '
                f'found "</{name}>"'
            )
        self.pos = end + 1
        self.close(self.stack.pop())

    def close(self, tag: _OpenTag) -> None:
        length = self.offset - tag.offset
        if length <= 0:
            return
        span = {"offset": tag.offset, "length": length}
        previous = self.entities[-1] if self.entities else None
        same_span = previous is not None and previous["offset"] == tag.offset and previous["length"] == length
        if tag.name in SIMPLE_TYPES:
            self.entities.append({"type": SIMPLE_TYPES[tag.name], **span})
        elif tag.name == "a":
            self.link(tag, span)
        elif tag.name == "code":
            if same_span and previous is not None and previous["type"] == "pre" and tag.argument:
                previous["language"] = tag.argument
            else:
                self.entities.append({"type": "code", **span, "_language": tag.argument})
        elif tag.name == "pre":
            if same_span and previous is not None and previous["type"] == "code" and previous["_language"]:
                previous["type"] = "pre"
                previous["language"] = previous.pop("_language")
            else:
                self.entities.append({"type": "pre", **span})
        elif tag.name == "blockquote":
            self.entities.append({"type": "expandable_blockquote" if tag.argument else "blockquote", **span})
        elif tag.name == "tg-emoji":
            if not tag.argument.isdigit() or int(tag.argument) == 0:
                raise HtmlParseError("Invalid custom emoji identifier specified")
            self.entities.append({"type": "custom_emoji", **span, "custom_emoji_id": tag.argument})

    def link(self, tag: _OpenTag, span: dict[str, int]) -> None:
        target = tag.argument or "".join(self.out[tag.out_index :])
        user = _USER_LINK.match(target.strip())
        if user is not None:
            mentioned = {"id": int(user.group(1)), "is_bot": False, "first_name": ""}
            self.entities.append({"type": "text_mention", **span, "user": mentioned})
            return
        url = normalize_url(target)
        if url is not None:
            self.entities.append({"type": "text_link", **span, "url": url})


def _argument_for(tag: str, attribute: str, value: str, current: str) -> str:
    if tag == "a" and attribute == "href":
        return value
    if tag == "code" and attribute == "class" and value.startswith("language-"):
        return value[len("language-") :]
    if tag == "span" and attribute == "class" and value.startswith("tg-"):
        return value[len("tg-") :]
    if tag == "tg-emoji" and attribute == "emoji-id":
        return value
    if tag == "blockquote" and attribute == "expandable":
        return "1"
    return current


def decode_entity(source: str, index: int) -> tuple[str | None, int]:
    """Decodes ``&name;`` / ``&#NN;`` / ``&#xHH;`` at ``index``; the ``;`` is optional as on Telegram."""
    end = index + 1
    if source[end : end + 1] == "#":
        end += 1
        hexadecimal = source[end : end + 1] in ("x", "X")
        if hexadecimal:
            end += 1
        digits = re.match(r"[0-9A-Fa-f]*" if hexadecimal else r"[0-9]*", source[end:])
        assert digits is not None
        text = digits.group()
        end += len(text)
        if not text or len(text) > 7:
            return None, index
        code = int(text, 16 if hexadecimal else 10)
        if code == 0 or code >= 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            return None, index
        decoded = chr(code)
    else:
        name = re.match(r"[A-Za-z]*", source[end:])
        assert name is not None
        end += len(name.group())
        if name.group() not in NAMED_ENTITIES:
            return None, index
        decoded = NAMED_ENTITIES[name.group()]
    if source[end : end + 1] == ";":
        end += 1
    return decoded, end
