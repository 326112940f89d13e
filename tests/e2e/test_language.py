"""A person switches to English; the choice is remembered across restarts. Both languages say everything."""

from __future__ import annotations

import pytest

from bot.dev.local_api import LocalBotApi
from bot.dev.local_api.html_parse import parse_html
from bot.ui.display import TEXT_LIMIT, fit, utf16_len, visible_length
from bot.ui.texts import TABLES, Html, placeholders, texts_for
from tests.conftest import World
from tests.e2e.chat import Reporter
from tests.e2e.conftest import RunningBot


async def test_switching_to_english_changes_the_texts_and_is_remembered(
    running_bot: RunningBot, local_api: LocalBotApi, world: World
) -> None:
    person = Reporter(local_api.user(7901, "Joko"))
    await person.command("/start")
    await person.expect_key("welcome")
    await person.command("/language")
    picker = await person.expect_key("language.choose")
    await person.press_text(picker, "English")
    person.speaks("en")
    chosen = await person.expect_key("language.set")
    assert person.t.plain("btn.menu.new") in chosen.button_texts
    assert await world.directory.language_of(7901) == "en"

    await running_bot.restart()
    await person.command("/new")
    await person.expect_key("filing.intro")
    await person.expect_prompt("full_name", 1)
    await person.send("J")
    await person.expect_key("bad.full_name", min=3, max=200)
    await person.command("/cancel")
    await person.expect_key("cancel.done")

    await person.command("/language")
    picker = await person.expect_key("language.choose")
    await person.press_text(picker, "Bahasa Indonesia")
    person.speaks("id")
    await person.expect_key("language.set")
    assert await world.directory.language_of(7901) == "id"
    assert local_api.requests(ok=False) == []


def test_both_languages_have_the_same_keys_and_placeholders() -> None:
    indonesian, english = TABLES["id"], TABLES["en"]
    assert indonesian.keys() == english.keys()
    for key in indonesian:
        assert placeholders(indonesian[key]) == placeholders(english[key]), key


@pytest.mark.parametrize("language", sorted(TABLES))
def test_every_text_is_html_telegram_accepts(language: str) -> None:
    t = texts_for(language)
    for key, template in t.table.items():
        rendered = t(key, **dict.fromkeys(placeholders(template), "<x> & y"))
        visible, _ = parse_html(rendered)
        assert "<x> & y" in visible or not placeholders(template), key
        assert utf16_len(visible) <= TEXT_LIMIT


@pytest.mark.parametrize("language", sorted(TABLES))
def test_long_text_is_shortened_with_the_marker_to_fit_exactly(language: str) -> None:
    t = texts_for(language)
    long_text = "😀 a < b & c " * 1000

    def render(value: Html) -> Html:
        return Html(f"<b>{t('label.chronology')}</b>\n{value}")

    shown = fit(render, long_text, t)
    assert visible_length(shown) <= TEXT_LIMIT
    assert visible_length(shown) > TEXT_LIMIT - 20
    assert t.plain("shortened", hidden="").split("{")[0][:10] in parse_html(shown)[0]
    short = fit(render, "a < b", t)
    assert parse_html(short)[0].endswith("a < b")
