"""Renders text plus entities back to Telegram-style HTML, for people-side views (browser chat page)."""

from __future__ import annotations

import html
import itertools
from typing import Any

_TAGS: dict[str, tuple[str, str]] = {
    "bold": ("<b>", "</b>"),
    "italic": ("<i>", "</i>"),
    "underline": ("<u>", "</u>"),
    "strikethrough": ("<s>", "</s>"),
    "spoiler": ("<tg-spoiler>", "</tg-spoiler>"),
    "code": ("<code>", "</code>"),
    "blockquote": ("<blockquote>", "</blockquote>"),
    "expandable_blockquote": ("<blockquote expandable>", "</blockquote>"),
}


def _tags(entity: dict[str, Any]) -> tuple[str, str] | None:
    kind = entity.get("type")
    if kind in _TAGS:
        return _TAGS[kind]
    if kind == "pre":
        language = entity.get("language")
        if language:
            return f'<pre><code class="language-{html.escape(language)}">', "</code></pre>"
        return "<pre>", "</pre>"
    if kind == "text_link":
        return f'<a href="{html.escape(str(entity.get("url", "")))}">', "</a>"
    if kind == "text_mention":
        return f'<a href="tg://user?id={entity.get("user", {}).get("id", 0)}">', "</a>"
    if kind == "custom_emoji":
        return f'<tg-emoji emoji-id="{html.escape(str(entity.get("custom_emoji_id", "")))}">', "</tg-emoji>"
    return None


def to_html(text: str, entities: list[dict[str, Any]] | None) -> str:
    """Overlapping entities are closed and reopened so the output always nests correctly."""
    units = text.encode("utf-16-le")
    size = len(units) // 2
    formatted = [(e, tags) for e in entities or [] if (tags := _tags(e)) is not None]
    formatted.sort(key=lambda item: (item[0]["offset"], -item[0]["length"]))
    boundaries = sorted(
        {0, size} | {e["offset"] for e, _ in formatted} | {e["offset"] + e["length"] for e, _ in formatted}
    )
    out: list[str] = []
    open_stack: list[tuple[dict[str, Any], tuple[str, str]]] = []
    for start, end in itertools.pairwise(boundaries):
        wanted = [(e, t) for e, t in formatted if e["offset"] <= start and e["offset"] + e["length"] >= end]
        keep = 0
        while keep < len(open_stack) and keep < len(wanted) and open_stack[keep][0] is wanted[keep][0]:
            keep += 1
        for _, (_, closing) in reversed(open_stack[keep:]):
            out.append(closing)
        open_stack = open_stack[:keep]
        for item in wanted[keep:]:
            out.append(item[1][0])
            open_stack.append(item)
        chunk = units[start * 2 : end * 2].decode("utf-16-le", errors="replace")
        out.append(html.escape(chunk, quote=False))
    for _, (_, closing) in reversed(open_stack):
        out.append(closing)
    return "".join(out)
