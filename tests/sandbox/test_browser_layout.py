"""The page as a person sees it, on a phone (390×844) and on a desktop: the newest message stays in view
(a reply keyboard opening, a photo loading late), the clock and the personas leave the phone its chat, and
inline buttons are one line cut with "…", as Telegram's phone apps draw them.

Screenshots go to test-artifacts/sandbox/ (``20-`` to ``29-``).
"""

from __future__ import annotations

import asyncio
import inspect
import json
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import aiohttp
import pytest

from bot.dev.local_api import tiny_png
from bot.dev.sandbox import Sandbox
from bot.dev.sandbox.personas import REPORTER
from tests.e2e.chat import visible
from tests.sandbox.test_browser import (  # noqa: F401 - the fixtures are shared by name
    ID,
    WAIT_MS,
    bot_api,
    bot_row,
    browser,
    live,
    page,
    play,
    say,
    shot,
)

if TYPE_CHECKING:
    from playwright.async_api import Browser, Page

try:
    from playwright.async_api import expect
except ImportError:  # the browser fixture skips, or fails in CI, saying so
    expect = None  # type: ignore[assignment]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1200, "height": 820}
LONG_LABEL = "Dinas Komunikasi dan Informatika Kabupaten Pekalongan"


async def opened(browser: Browser, live: Sandbox, viewport: dict[str, int]) -> AsyncIterator[Page]:  # noqa: F811
    expect.set_options(timeout=WAIT_MS)
    phone = viewport == PHONE
    context = await browser.new_context(
        viewport=viewport, device_scale_factor=2 if phone else 1, is_mobile=phone, has_touch=phone
    )
    tab = await context.new_page()
    problems: list[str] = []
    tab.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    tab.on(
        "console",
        lambda message: problems.append(f"console: {message.text}") if message.type == "error" else None,
    )
    await tab.goto(live.url)
    await tab.wait_for_selector("body[data-ready=true]", timeout=WAIT_MS)
    yield tab
    await context.close()
    assert problems == [], "the page logged errors"


@pytest.fixture
async def phone(browser: Browser, live: Sandbox) -> AsyncIterator[Page]:  # noqa: F811
    async for tab in opened(browser, live, PHONE):
        yield tab


@pytest.fixture(params=["phone", "desktop"])
async def screen(request: pytest.FixtureRequest, browser: Browser, live: Sandbox) -> AsyncIterator[Page]:  # noqa: F811
    async for tab in opened(browser, live, PHONE if request.param == "phone" else DESKTOP):
        yield tab


async def in_view(tab: Page, selector: str) -> dict[str, float]:
    """Where the last element matching `selector` is against the visible part of the message list."""
    return await tab.evaluate(
        """(selector) => {
            const list = document.getElementById("messages").getBoundingClientRect();
            const nodes = document.querySelectorAll(selector);
            const box = nodes[nodes.length - 1].getBoundingClientRect();
            return {top: box.top, bottom: box.bottom, listTop: list.top, listBottom: list.bottom};
        }""",
        selector,
    )


async def eventually(check: Callable[[], Any]) -> None:
    for _ in range(WAIT_MS // 50):
        outcome = check()
        if await outcome if inspect.isawaitable(outcome) else outcome:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("never happened")


def fully_visible(where: dict[str, float]) -> bool:
    return where["top"] >= where["listTop"] - 1 and where["bottom"] <= where["listBottom"] + 1


async def test_the_question_stays_in_view_when_a_reply_keyboard_opens(phone: Page) -> None:
    await play(phone, "new-1")
    await say(phone, "/new")
    await expect(bot_row(phone, visible(ID("ask.full_name", step=1, total=11)))).to_be_visible()
    await say(phone, "Slamet Riyadi")
    await say(phone, "3375020304850003")
    question = bot_row(phone, visible(ID("ask.phone", step=3, total=11)))
    await expect(question).to_be_visible()
    await expect(phone.locator("#reply-keyboard .kb-contact")).to_be_visible()
    await asyncio.sleep(0.3)  # let the layout settle as a person's eye would
    await shot(phone, "20-phone-reply-keyboard-question-in-view")
    where = await in_view(phone, ".row.bot")
    assert fully_visible(where), where
    # The keyboard is part of the page below the chat, not over it: the question is not under it.
    keyboard = await phone.locator("#reply-keyboard").bounding_box()
    assert keyboard is not None
    assert where["bottom"] <= keyboard["y"], (where, keyboard)
    # Its labels are one line too, as on a phone.
    label = phone.locator("#reply-keyboard .kb-contact .kb-label")
    assert await label.evaluate("label => getComputedStyle(label).whiteSpace") == "nowrap"
    # Hiding and showing the keyboard (⌨) keeps the question in view as well.
    await phone.click("#keyboard-toggle")
    await expect(phone.locator("#reply-keyboard")).to_be_hidden()
    await phone.click("#keyboard-toggle")
    await expect(phone.locator("#reply-keyboard")).to_be_visible()
    await asyncio.sleep(0.3)
    assert fully_visible(await in_view(phone, ".row.bot"))


async def test_a_photo_that_loads_late_does_not_push_the_newest_message_away(
    phone: Page,
    live: Sandbox,  # noqa: F811
    tmp_path: Path,
) -> None:
    await play(phone, "reporter")
    await say(phone, "/start")
    await expect(bot_row(phone, "LaporGub! — Kota Pekalongan")).to_be_visible()
    held: list[Any] = []

    async def hold(route: Any) -> None:
        held.append(route)

    await phone.route("**/sim/files/**", hold)
    photo = tmp_path / "tall.png"
    photo.write_bytes(tiny_png(300, 600, (90, 120, 160)))
    await phone.set_input_files("#photo-input", str(photo))
    await expect(phone.locator(".row.user .photo img")).to_have_count(1)
    async with aiohttp.ClientSession() as http:
        await bot_api(http, live, "sendMessage", chat_id=REPORTER.telegram_id, text="Pesan terbaru")
    await expect(bot_row(phone, "Pesan terbaru")).to_be_visible()
    await eventually(lambda: len(held) > 0)
    for route in held:
        await route.continue_()
    await phone.unroute("**/sim/files/**")
    image = phone.locator(".row.user .photo img")
    await eventually(lambda: image.evaluate("image => image.complete && image.naturalWidth === 300"))

    async def newest_in_view() -> bool:
        return fully_visible(await in_view(phone, ".row.bot"))

    # The list scrolls back once the photo's height is known; a busy machine takes longer than a glance.
    await eventually(newest_in_view)
    await shot(phone, "21-phone-photo-loaded-late")
    where = await in_view(phone, ".row.bot")
    assert fully_visible(where), where


async def test_the_phone_keeps_its_height_for_the_chat(phone: Page, live: Sandbox) -> None:  # noqa: F811
    await play(phone, "reporter")
    await say(phone, "/start")
    await expect(bot_row(phone, "LaporGub! — Kota Pekalongan")).to_be_visible()
    await shot(phone, "22-phone-compact-clock-and-personas")
    sidebar = await phone.locator(".sidebar").bounding_box()
    messages = await phone.locator("#messages").bounding_box()
    assert sidebar is not None
    assert messages is not None
    assert sidebar["height"] <= 0.15 * PHONE["height"], sidebar  # was about a third
    assert messages["height"] >= 0.5 * PHONE["height"], messages
    # The time and the date are still there at a glance; the jumps are one press away.
    await expect(phone.locator("#clock-time")).to_be_visible()
    await expect(phone.locator('[data-jump="1"]')).to_be_hidden()
    await phone.click("#clock-toggle")
    await expect(phone.locator('[data-jump="1"]')).to_be_visible()
    await shot(phone, "23-phone-clock-opened")
    before = await phone.locator("#clock-date").text_content()
    await phone.click('[data-jump="1"]')
    await expect(phone.locator("#clock-date")).not_to_have_text(before or "")
    await expect(phone.locator('[data-jump="1"]')).to_be_hidden()  # it folds again after a jump
    # Every persona is still reachable in the strip.
    await play(phone, "province")
    await expect(phone.locator("#as-name")).to_have_text("Budi (Admin Pemprov)")


async def test_the_desktop_shows_the_clock_open(page: Page) -> None:  # noqa: F811
    await expect(page.locator('[data-jump="1"]')).to_be_visible()
    await expect(page.locator("#clock-toggle")).to_be_hidden()
    await shot(page, "25-desktop-clock-open")


async def test_inline_button_labels_are_one_line_cut_with_an_ellipsis(
    screen: Page,
    live: Sandbox,  # noqa: F811
) -> None:
    await play(screen, "reporter")
    keyboard = {
        "inline_keyboard": [
            [{"text": LONG_LABEL, "callback_data": "sandbox:long"}],
            [
                {"text": "Kota Pekalongan", "callback_data": "sandbox:a"},
                {"text": LONG_LABEL, "callback_data": "b"},
            ],
            [{"text": f"{LONG_LABEL} {LONG_LABEL}", "url": "https://laporgub.jatengprov.go.id"}],
        ]
    }
    async with aiohttp.ClientSession() as http:
        await bot_api(
            http,
            live,
            "sendMessage",
            chat_id=REPORTER.telegram_id,
            text="Pilih tujuan:",
            reply_markup=json.dumps(keyboard),
        )
    row = bot_row(screen, "Pilih tujuan:")
    await expect(row.locator(".kb-button")).to_have_count(4)
    width = await screen.evaluate("innerWidth")
    await shot(screen, f"24-inline-labels-{'phone' if width < 760 else 'desktop'}")
    buttons = await row.locator(".kb-button").evaluate_all(
        """(buttons) => buttons.map((button) => {
            const style = getComputedStyle(button);
            const label = button.querySelector(".kb-label") || button;
            return {
                text: button.textContent,
                whiteSpace: getComputedStyle(label).whiteSpace,
                textOverflow: getComputedStyle(label).textOverflow,
                cut: label.scrollWidth > label.clientWidth,
                height: button.getBoundingClientRect().height,
                lineHeight: parseFloat(style.lineHeight) || 1.4 * parseFloat(style.fontSize),
            };
        })"""
    )
    for button in buttons:
        assert button["whiteSpace"] == "nowrap", button
        assert button["textOverflow"] == "ellipsis", button
    heights = {round(button["height"]) for button in buttons}
    assert len(heights) == 1, buttons  # one line each, however long the label
    short = next(button for button in buttons if button["text"] == "Kota Pekalongan")
    assert not short["cut"], short
    long_in_pair = buttons[2]
    assert long_in_pair["text"] == LONG_LABEL
    assert long_in_pair["cut"], long_in_pair  # half a row cannot hold it: it is cut, as on a phone
    url = buttons[3]
    assert url["cut"], url
    assert url["text"].endswith("↗")
