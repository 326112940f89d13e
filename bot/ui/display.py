"""Keeping what the bot sends inside Telegram's limits.

Telegram counts a message's length after parsing the HTML, in UTF-16 code units: 4,096 for a text, 1,024 for
a caption. Long user texts (a chronology may hold 8,000 characters) are shortened for display only — the
stored complaint keeps every character — and the cut is marked with the `shortened` text, which says how much
was left out.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from bot.ui.texts import Html, Texts, escape

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
_TAG = re.compile(r"<[^>]*>")


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def visible_length(rendered: str) -> int:
    """The length Telegram measures for `rendered` HTML (ours: every user value in it is escaped)."""
    return utf16_len(html.unescape(_TAG.sub("", rendered)).strip())


def fit(render: Callable[[Html], Html], long_text: str, t: Texts, limit: int = TEXT_LIMIT) -> Html:
    """`render(value)` with `long_text` as value, shortened (and marked) just enough to fit in `limit`."""
    whole = render(Html(escape(long_text)))
    if visible_length(whole) <= limit:
        return whole

    def shortened(keep: int) -> Html:
        shown = long_text[:keep].rstrip()
        return render(Html(escape(shown) + t("shortened", hidden=len(long_text) - len(shown))))

    # The longest prefix that fits: escaping and UTF-16 make the length non-linear, so search for it.
    low, high = 0, len(long_text)
    while low < high:
        middle = (low + high + 1) // 2
        if visible_length(shortened(middle)) <= limit:
            low = middle
        else:
            high = middle - 1
    return shortened(low)


def split_message(rendered: str, limit: int = TEXT_LIMIT) -> list[str]:
    """Cut an HTML text into messages at line breaks, none over `limit`.

    Each line must be whole HTML (tags closed on the line they open); every text this bot renders is.
    """
    parts: list[str] = []
    current = ""
    for line in rendered.split("\n"):
        candidate = f"{current}\n{line}" if current else line
        if current and visible_length(candidate) > limit:
            parts.append(current)
            current = line
        else:
            current = candidate
    if current.strip():
        parts.append(current)
    return parts


def split_plain(text: str, limit: int) -> list[str]:
    """Cut a user's plain text into pieces of at most `limit` UTF-16 units (Telegram's measure), before a
    line break where one is near, else before a space, else anywhere; every character is kept, in order,
    and no piece but the last ends in white space."""
    pieces: list[str] = []
    rest = text
    while utf16_len(rest) > limit:
        # The longest prefix within the limit (a character outside the BMP counts two).
        end, used = 0, 0
        while end < len(rest) and used + utf16_len(rest[end]) <= limit:
            used += utf16_len(rest[end])
            end += 1
        head = rest[:end]
        cut = max(head.rfind("\n"), head.rfind(" "))
        if cut > end // 2:
            # The break begins the next piece: Telegram trims a message's ends, and a piece's last
            # character must not be lost with them.
            end = cut
        while end > 1 and rest[end - 1].isspace():
            end -= 1
        pieces.append(rest[:end])
        rest = rest[end:]
    if rest or not pieces:
        pieces.append(rest)
    return pieces
