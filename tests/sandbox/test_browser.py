"""The page in a real browser: Playwright driving Debian's Chromium against a running sandbox.

Screenshots of the key moments go to test-artifacts/sandbox/. Without Chromium or Playwright the tests are
skipped, except in CI (CI=true), where they must run.
"""

from __future__ import annotations

import importlib.util
import json
import os
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import aiohttp
import pytest

from bot.dev.local_api import tiny_png
from bot.dev.sandbox import Sandbox, SandboxClock
from bot.dev.sandbox.personas import REPORTER
from bot.dev.sandbox.server import TOKEN
from bot.ui.service_desk import STANDARD
from bot.ui.texts import texts_for
from tests.e2e.chat import visible
from tests.sandbox.conftest import TEST_RATE_LIMITS
from workflow.calendar import WorkingCalendar, to_wib

if TYPE_CHECKING:
    from playwright.async_api import Browser, Page

try:
    from playwright.async_api import async_playwright, expect
except ImportError:  # the browser fixture skips, or fails in CI, saying so
    async_playwright = expect = None  # type: ignore[assignment]

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "sandbox"
WAIT_MS = 10_000
ID = texts_for("id")
XSS_SCRIPT = "<script>window.__pwned=1</script>"
XSS_IMG = '<img src=x onerror="window.__pwned=1">'
DAYS = ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"]
MONTHS = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September"]
MONTHS += ["Oktober", "November", "Desember"]


def missing_browser() -> str | None:
    if importlib.util.find_spec("playwright") is None:
        return "Playwright is not installed (pip install playwright)"
    if not CHROMIUM.exists():
        return f"Chromium is not at {CHROMIUM} (apt-get install chromium)"
    return None


@pytest.fixture(scope="module")
async def browser() -> AsyncIterator[Browser]:
    reason = missing_browser()
    if reason is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must run the browser tests: {reason}")
        pytest.skip(f"browser tests skipped: {reason}")
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        await launched.close()


@pytest.fixture
async def live(tmp_path: Path) -> AsyncIterator[Sandbox]:
    """On the real time, as a person would use it."""
    clock = SandboxClock(WorkingCalendar())
    async with Sandbox(
        port=0, database=tmp_path / "sandbox.sqlite3", clock=clock, rate_limits=TEST_RATE_LIMITS
    ) as running:
        yield running


@pytest.fixture
async def page(browser: Browser, live: Sandbox) -> AsyncIterator[Page]:
    expect.set_options(timeout=WAIT_MS)
    context = await browser.new_context(viewport={"width": 1200, "height": 820})
    opened = await context.new_page()
    problems: list[str] = []
    opened.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    opened.on(
        "console",
        lambda message: (
            problems.append(f"console {message.type}: {message.text}") if message.type == "error" else None
        ),
    )
    await opened.goto(live.url)
    await opened.wait_for_selector("body[data-ready=true]", timeout=WAIT_MS)
    yield opened
    await context.close()
    assert problems == [], "the page logged errors (a policy violation shows up here too)"


async def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


async def play(page: Page, persona_key: str) -> None:
    persona = page.locator(f'.persona[data-persona="{persona_key}"]')
    await persona.click()
    await expect(persona).to_have_attribute("aria-pressed", "true")


async def say(page: Page, text: str) -> None:
    await page.fill("#text", text)
    await page.press("#text", "Enter")


def bot_row(page: Page, text: str) -> Any:
    return page.locator(".row.bot", has_text=text).last


async def bot_api(http: aiohttp.ClientSession, sandbox: Sandbox, method: str, **params: Any) -> Any:
    async with http.post(f"{sandbox.api.base_url}/bot{TOKEN}/{method}", json=params) as response:
        body = await response.json()
    assert body["ok"], body
    return body["result"]


async def test_a_reporter_starts_presses_a_menu_button_and_reads_the_answer(page: Page) -> None:
    await play(page, "reporter")
    await say(page, "/start")
    welcome = bot_row(page, "LaporGub! — Kota Pekalongan")
    await expect(welcome.locator(".text b").first).to_have_text("LaporGub! — Kota Pekalongan")
    await expect(welcome.locator(".inline-keyboard .kb-button").first).to_have_text(ID.plain("btn.menu.new"))
    await expect(page.locator("#as-name")).to_have_text(REPORTER.name)
    await shot(page, "01-reporter-welcome")

    await welcome.locator(".kb-button", has_text=ID.plain("btn.menu.contacts")).click()
    contacts = STANDARD.office_name  # /kontak starts with the configured office (defaults: the standard)
    await expect(bot_row(page, contacts)).to_be_visible()
    await shot(page, "02-reporter-contacts")


async def test_a_new_reporter_shares_the_contact_from_the_reply_keyboard(page: Page) -> None:
    await play(page, "new-1")
    await say(page, "/new")
    await expect(bot_row(page, visible(ID("ask.full_name", step=1, total=11)))).to_be_visible()
    await say(page, "Slamet Riyadi")
    await say(page, "3375020304850003")
    keyboard = page.locator("#reply-keyboard")
    share = keyboard.locator(".kb-button.kb-contact")
    await expect(share).to_have_text(ID.plain("btn.share_contact"))
    await shot(page, "03-new-reporter-reply-keyboard")

    await share.click()
    await expect(page.locator(".row.user .file-card", has_text="Warga Baru 1")).to_be_visible()
    await expect(bot_row(page, visible(ID("ask.address", step=4, total=11)))).to_be_visible()


async def test_html_in_messages_shows_as_text_and_never_runs(
    page: Page, live: Sandbox, http: aiohttp.ClientSession
) -> None:
    await play(page, "reporter")
    await say(page, f"{XSS_SCRIPT} {XSS_IMG}")
    own = page.locator(".row.user .text").last
    await expect(own).to_have_text(f"{XSS_SCRIPT} {XSS_IMG}")
    await expect(bot_row(page, visible(ID("menu.prompt")))).to_be_visible()

    chat_id = REPORTER.telegram_id
    await bot_api(http, live, "sendMessage", chat_id=chat_id, text=f"Plain: {XSS_SCRIPT}{XSS_IMG}")
    formatted = (
        "<b>tebal &lt;script&gt;window.__pwned=1&lt;/script&gt;</b> <i>miring</i> <u>garis</u> <s>coret</s> "
        '<code>kode</code> <tg-spoiler>rahasia</tg-spoiler> <a href="https://laporgub.jatengprov.go.id">'
        "tautan</a>\n<pre><code class=\"language-python\">print('&lt;img src=x onerror=alert(1)&gt;')</code>"
        '</pre><blockquote>kutipan &lt;img src=x onerror="window.__pwned=1"&gt;</blockquote>'
    )
    await bot_api(http, live, "sendMessage", chat_id=chat_id, text=formatted, parse_mode="HTML")
    await bot_api(
        http,
        live,
        "sendMessage",
        chat_id=chat_id,
        text="bad link",
        entities=json.dumps(
            [{"type": "text_link", "offset": 0, "length": 3, "url": "javascript:window.__pwned=1"}]
        ),
    )

    plain = bot_row(page, "Plain:")
    await expect(plain.locator(".text")).to_have_text(f"Plain: {XSS_SCRIPT}{XSS_IMG}")
    rich = bot_row(page, "tebal")
    await expect(rich.locator(".text b")).to_have_text("tebal <script>window.__pwned=1</script>")
    await expect(rich.locator(".text i")).to_have_text("miring")
    await expect(rich.locator(".text u")).to_have_text("garis")
    await expect(rich.locator(".text s")).to_have_text("coret")
    await expect(rich.locator(".text > code")).to_have_text("kode")
    await expect(rich.locator(".text pre code")).to_have_text("print('<img src=x onerror=alert(1)>')")
    await expect(rich.locator(".text blockquote")).to_have_text(
        'kutipan <img src=x onerror="window.__pwned=1">'
    )
    link = rich.locator(".text a")
    await expect(link).to_have_attribute("href", "https://laporgub.jatengprov.go.id/")
    await expect(link).to_have_attribute("rel", "noopener noreferrer")
    spoiler = rich.locator(".text .spoiler")
    await expect(spoiler).not_to_have_class("spoiler revealed")
    await spoiler.click()
    await expect(spoiler).to_have_class("spoiler revealed")
    await expect(bot_row(page, "bad link")).to_be_visible()
    await expect(bot_row(page, "bad link").locator("a")).to_have_count(0)
    await bot_row(page, "bad link").locator(".text").click()

    assert await page.locator("#messages script, #messages img:not(.photo img)").count() == 0
    assert await page.locator('#messages img[src="x"]').count() == 0
    assert await page.evaluate("typeof window.__pwned") == "undefined"
    await shot(page, "04-html-shown-as-text")


async def test_edits_deletions_and_callback_alerts_appear_as_they_happen(
    page: Page, live: Sandbox, http: aiohttp.ClientSession
) -> None:
    await play(page, "reporter")
    await say(page, "/start")
    await expect(bot_row(page, "LaporGub! — Kota Pekalongan")).to_be_visible()
    chat_id = REPORTER.telegram_id
    sent = await bot_api(
        http,
        live,
        "sendMessage",
        chat_id=chat_id,
        text="Status: <b>diterima</b>",
        parse_mode="HTML",
        reply_markup=json.dumps(
            {"inline_keyboard": [[{"text": "Tombol lama", "callback_data": "sandbox:old"}]]}
        ),
    )
    await expect(bot_row(page, "Status: diterima")).to_be_visible()

    await bot_api(
        http,
        live,
        "editMessageText",
        chat_id=chat_id,
        message_id=sent["message_id"],
        text="Status: <b>didisposisikan</b>",
        parse_mode="HTML",
        reply_markup=json.dumps(
            {"inline_keyboard": [[{"text": "Tombol lama", "callback_data": "sandbox:old"}]]}
        ),
    )
    edited = bot_row(page, "Status: didisposisikan")
    await expect(edited.locator(".edited")).to_be_visible()
    await expect(page.locator(".row.bot", has_text="Status: diterima")).to_have_count(0)

    # No handler knows this button: the bot answers it as expired, with an alert.
    await edited.locator(".kb-button", has_text="Tombol lama").click()
    await expect(page.locator("#alert")).to_be_visible()
    await expect(page.locator("#alert-text")).to_have_text(ID.plain("button.expired"))
    await shot(page, "05-edit-and-alert")
    await page.locator("#alert button").click()

    await bot_api(http, live, "deleteMessage", chat_id=chat_id, message_id=sent["message_id"])
    await expect(page.locator(f'.row[data-message-id="{sent["message_id"]}"]')).to_have_count(0)


async def test_photo_document_and_location_from_the_page(page: Page, tmp_path: Path) -> None:
    await play(page, "reporter")
    photo = tmp_path / "jalan-berlubang.png"
    photo.write_bytes(tiny_png(64, 48, (120, 90, 60)))
    await page.fill("#text", "Foto lubang di Jl. Hayam Wuruk")
    await page.set_input_files("#photo-input", str(photo))
    sent_photo = page.locator(".row.user", has=page.locator(".photo img")).last
    await expect(sent_photo.locator(".text")).to_have_text("Foto lubang di Jl. Hayam Wuruk")
    assert await sent_photo.locator(".photo img").evaluate("image => image.naturalWidth") == 64
    await shot(page, "06-photo-with-caption")

    document = tmp_path / "surat-pengantar.pdf"
    document.write_bytes(b"%PDF-1.4\n% sandbox\n")
    await page.set_input_files("#document-input", str(document))
    await expect(page.locator(".row.user .file-card", has_text="surat-pengantar.pdf")).to_be_visible()

    await page.click("#share-location")
    await expect(page.locator(".row.user .file-card", has_text="-6.88860, 109.67530")).to_be_visible()
    await page.click("#share-contact")
    await expect(page.locator(".row.user .file-card", has_text=REPORTER.phone)).to_be_visible()
    await shot(page, "07-document-location-contact")


async def test_the_clock_jumps_a_working_day_from_the_page(page: Page, live: Sandbox) -> None:
    today = to_wib(live.clock.now()).date()
    expected = live.clock.calendar.add_working_days(today, 1)
    await expect(page.locator("#clock-date")).to_have_text(indonesian(today))
    await page.click('[data-jump="1"]')
    await expect(page.locator("#clock-date")).to_have_text(indonesian(expected))
    assert to_wib(live.clock.now()).date() == expected
    await shot(page, "08-clock-after-one-working-day")


async def test_an_admin_persona_on_a_phone_sized_screen(page: Page) -> None:
    await page.set_viewport_size({"width": 390, "height": 844})
    await play(page, "province")
    await expect(page.locator("#as-name")).to_have_text("Budi (Admin Pemprov)")
    await say(page, "/start")
    # What an admin's /start shows belongs to the admin tiers; here: the bot answers this persona.
    await expect(page.locator(".row.bot")).not_to_have_count(0)
    await page.click("#menu-button")
    await expect(page.locator(".command-item", has_text="/help")).to_be_visible()
    await shot(page, "09-phone-province-admin-commands")
    answers = await page.locator(".row.bot").count()
    await page.locator(".command-item", has_text="/help").click()
    await expect(page.locator(".command-menu")).to_be_hidden()
    await expect(page.locator(".row.user .text").last).to_have_text("/help")
    await expect(page.locator(".row.bot")).not_to_have_count(answers)


def indonesian(day: date) -> str:
    return f"{DAYS[day.weekday()]}, {day.day} {MONTHS[day.month - 1]} {day.year}"
