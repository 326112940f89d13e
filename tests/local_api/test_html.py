"""parse_mode=HTML: Telegram's tag subset, its error messages, UTF-16 entity offsets."""

from __future__ import annotations

import pytest

from bot.dev.local_api import SimUser
from bot.dev.local_api.html_parse import HtmlParseError, parse_html
from bot.dev.local_api.render import to_html
from tests.local_api.helpers import USER_ID, ApiCall


@pytest.mark.parametrize(
    ("source", "detail"),
    [
        ("<blink>x</blink>", 'Unsupported start tag "blink" at byte offset 0'),
        ("1 < 2", 'Unsupported start tag "" at byte offset 2'),
        ("Tom & Jerry", 'Character "&" at byte offset 4 must be escaped as "&amp;"'),
        ("<b>tebal", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("teks <b", "Unclosed start tag at byte offset 5"),
        ('<span class="merah">x</span>', 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
    ],
)
async def test_bad_html_is_refused(call: ApiCall, user: object, source: str, detail: str) -> None:
    status, body = await call("sendMessage", chat_id=USER_ID, text=source, parse_mode="HTML")
    assert status == 400
    assert body["description"] == f"Bad Request: can't parse entities: {detail}"


def test_byte_offsets_count_utf8_bytes() -> None:
    with pytest.raises(HtmlParseError, match=r"byte offset 6$"):
        parse_html("ééx <x>")


async def test_valid_nested_html_produces_entities(call: ApiCall, user: object) -> None:
    source = (
        '😀 <b>Laporan <i>#12</i></b> &lt;baru&gt; <a href="https://lapor.go.id/x">lihat</a> '
        '<tg-spoiler>rahasia</tg-spoiler> <pre><code class="language-json">{"a": 1}</code></pre> &#33;'
    )
    status, body = await call("sendMessage", chat_id=USER_ID, text=source, parse_mode="html")
    assert status == 200
    message = body["result"]
    assert message["text"] == '😀 Laporan #12 <baru> lihat rahasia {"a": 1} !'
    assert message["entities"] == [
        {"type": "bold", "offset": 3, "length": 11},
        {"type": "italic", "offset": 11, "length": 3},
        {"type": "text_link", "offset": 22, "length": 5, "url": "https://lapor.go.id/x"},
        {"type": "spoiler", "offset": 28, "length": 7},
        {"type": "pre", "offset": 36, "length": 8, "language": "json"},
    ]


def test_all_supported_tags() -> None:
    source = (
        "<strong>a</strong><em>b</em><u>c</u><ins>d</ins><s>e</s><strike>f</strike><del>g</del>"
        '<span class="tg-spoiler">h</span><code>i</code><pre>j</pre><blockquote>k</blockquote>'
        '<blockquote expandable>l</blockquote><tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>'
        '<a href="tg://user?id=42">m</a>'
    )
    text, entities = parse_html(source)
    assert text == "abcdefghijkl👍m"
    assert [entity["type"] for entity in entities] == [
        "bold",
        "italic",
        "underline",
        "underline",
        "strikethrough",
        "strikethrough",
        "strikethrough",
        "spoiler",
        "code",
        "pre",
        "blockquote",
        "expandable_blockquote",
        "custom_emoji",
        "text_mention",
    ]
    assert entities[-2]["custom_emoji_id"] == "5368324170671202286"
    assert entities[-1]["offset"] == 14
    assert entities[-1]["user"]["id"] == 42


def test_entities_and_semicolon_less_references() -> None:
    assert parse_html("&lt;&gt;&amp;&quot;&#65;&#x42;&amp")[0] == '<>&"AB&'


def test_rendering_back_to_html_round_trips() -> None:
    source = '<b>Halo <i>warga</i></b> &amp; <a href="https://x.id/">tautan</a> <code>kode</code>'
    text, entities = parse_html(source)
    assert to_html(text, entities) == source


async def test_markdown_v2_is_refused_clearly(call: ApiCall, user: object) -> None:
    status, body = await call("sendMessage", chat_id=USER_ID, text="*tebal*", parse_mode="MarkdownV2")
    assert status == 400
    assert body["description"].startswith(
        "Bad Request: can't parse entities: parse_mode MarkdownV2 is not supported"
    )


async def test_without_parse_mode_text_is_verbatim(call: ApiCall, user: object) -> None:
    status, body = await call("sendMessage", chat_id=USER_ID, text="<b>mentah</b> & apa adanya")
    assert status == 200
    assert body["result"]["text"] == "<b>mentah</b> & apa adanya"
    assert "entities" not in body["result"]


async def test_explicit_entities_win_over_parse_mode(call: ApiCall, user: object) -> None:
    entities = [{"type": "bold", "offset": 0, "length": 3}]
    status, body = await call(
        "sendMessage", chat_id=USER_ID, text="<b>x", parse_mode="HTML", entities=entities
    )
    assert status == 200
    assert body["result"]["entities"] == entities


async def test_html_in_captions(call: ApiCall, user: SimUser) -> None:
    person_photo = await user.send_photo()
    file_id = person_photo.media[-1]["file_id"]
    status, body = await call(
        "sendPhoto", chat_id=USER_ID, photo=file_id, caption="<i>foto</i>", parse_mode="HTML"
    )
    assert status == 200
    assert body["result"]["caption"] == "foto"
    assert body["result"]["caption_entities"] == [{"type": "italic", "offset": 0, "length": 4}]
    bad_status, bad = await call(
        "sendPhoto", chat_id=USER_ID, photo=file_id, caption="<i>foto", parse_mode="HTML"
    )
    assert bad_status == 400
    assert bad["description"].startswith("Bad Request: can't parse entities:")
