"""Entities Telegram detects by itself in a person's text (commands, links, mentions, hashtags, emails)."""

from __future__ import annotations

import re
from typing import Any

from bot.dev.local_api.utf16 import utf16_len

# Bare domains only with common TLDs, so that "Jl.Merdeka" in an address is not taken for a link.
_TLDS = "com|org|net|id|io|co|info|biz|gov|edu|me|app|dev|xyz|ru|uk|de"
_PATTERNS = (
    ("bot_command", re.compile(r"(?<![\w/])/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![\w/])")),
    ("email", re.compile(r"(?<![\w.@])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}")),
    ("url", re.compile(r"(?<![\w@])https?://[^\s/$.?#][^\s]*", re.IGNORECASE)),
    ("url", re.compile(rf"(?<![\w@/.])(?:[\w-]+\.)+(?:{_TLDS})(?::\d+)?(?:/[^\s]*)?(?![\w])", re.IGNORECASE)),
    ("mention", re.compile(r"(?<![\w@])@[A-Za-z][A-Za-z0-9_]{4,31}")),
    ("hashtag", re.compile(r"(?<![\w#])#\w*[^\W\d]\w*")),
)


def detect_entities(text: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    taken: list[range] = []
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            span = range(match.start(), match.end())
            if any(span.start < other.stop and other.start < span.stop for other in taken):
                continue
            taken.append(span)
            offset = utf16_len(text[: match.start()])
            found.append({"type": kind, "offset": offset, "length": utf16_len(match.group())})
    found.sort(key=lambda entity: entity["offset"])
    return found
