"""The seven steps in a real browser, as the personas: Siti files in the chat, each admin presses the buttons
of the card the outbox brought them, and Siti receives the result and rates it.

Screenshots of the key moments go to test-artifacts/sandbox/ (``10-`` to ``19-``).
"""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from bot.dev.sandbox import Sandbox
from bot.dev.sandbox.personas import ADMINS, CITY_CODE, OPD_CODE
from bot.ui.cards import action_label
from storage.views import ComplaintInfo
from tests.e2e.chat import visible
from tests.sandbox.test_browser import (  # noqa: F401 - the fixtures are shared by name
    ID,
    bot_row,
    browser,
    live,
    page,
    play,
    say,
    shot,
)
from workflow.calendar import to_wib
from workflow.definitions import S, T
from workflow.engine import workflow_for

if TYPE_CHECKING:
    from playwright.async_api import Locator, Page

try:
    from playwright.async_api import expect
except ImportError:  # the browser fixture skips, or fails in CI, saying so
    expect = None  # type: ignore[assignment]

SEATS = {persona.key: persona for persona in ADMINS}
NUMBER = re.compile(r"LG-\d{4}-\d{6}")
SUBJECT = "Saluran air tersumbat di Jl. Dr. Sutomo"
RESULT = "Saluran sudah dibersihkan & sampah diangkut <hari ini>."
COMMENT = "Terima kasih, cepat sekali!"


async def test_the_seven_steps_through_the_page_as_each_persona(page: Page, live: Sandbox) -> None:  # noqa: F811
    # 1: Siti files, reusing her saved identity.
    await play(page, "reporter")
    await say(page, "/new")
    await press(latest_with(page, "btn.identity.use"), ID.plain("btn.identity.use"))
    today = to_wib(live.clock.now()).date()
    for answer in (
        SUBJECT,
        "Setiap hujan air meluap ke jalan karena saluran penuh sampah dan lumpur.",
        (today - timedelta(days=2)).strftime("%d-%m-%Y"),
        "Jl. Dr. Sutomo, Pekalongan Barat",
    ):
        before = await page.locator(".row.bot").count()
        await say(page, answer)
        await expect(page.locator(".row.bot")).not_to_have_count(before)
    await page.click("#share-location")
    await press(latest_with(page, "btn.attachments.skip"), ID.plain("btn.attachments.skip"))
    await press(latest_with(page, "btn.no_confidential"), ID.plain("btn.no_confidential"))
    summary = latest_with(page, "btn.submit")
    await expect(summary).to_contain_text(SUBJECT)
    await press(summary, ID.plain("btn.submit"))
    submitted = bot_row(page, visible(ID("submitted", number="@", deadline="@")).split("\n")[0])
    await expect(submitted).to_be_visible()
    found = NUMBER.search(await submitted.inner_text())
    assert found is not None
    number = found.group(0)
    await shot(page, "10-seven-steps-1-reporter-filed")

    # 2: the province's card has exactly the province's steps; disposing opens the city picker.
    complaint = await at(live, number, S.AT_PROVINCE)
    await play(page, "province")
    card = await live_card(page, live, "province", complaint)
    await shot(page, "11-seven-steps-2-province-card")
    city = await org_name(live, CITY_CODE)
    await press(card, action_label(T.DISPOSE, ID))
    await pick(card, await org_label(live, CITY_CODE))
    await done(card, T.DISPOSE, city)
    await shot(page, "12-seven-steps-2-province-disposed")

    # 3: the city forwards it to the agency.
    complaint = await at(live, number, S.AT_CITY)
    await play(page, "city")
    assert await page.locator("#toasts .toast").count() == 0, "Budi's toasts stay with Budi"
    card = await live_card(page, live, "city", complaint)
    opd = await org_name(live, OPD_CODE)
    await press(card, action_label(T.FORWARD, ID))
    await pick(card, await org_label(live, OPD_CODE))
    await done(card, T.FORWARD, opd)
    await shot(page, "13-seven-steps-3-city-forwarded")

    # 4: the agency accepts, gets the next card at once, writes its result (HTML-looking text) and sends it.
    complaint = await at(live, number, S.AT_OPD)
    await play(page, "opd")
    card = await live_card(page, live, "opd", complaint)
    await press(card, action_label(T.ACCEPT, ID))
    await done(card, T.ACCEPT)
    complaint = await at(live, number, S.IN_FOLLOW_UP)
    card = await live_card(page, live, "opd", complaint)
    await press(card, action_label(T.SUBMIT_RESULT, ID))
    await expect(latest_with(page, "admin.btn.abort")).to_contain_text(number)
    await say(page, RESULT)
    await press(latest_with(page, "admin.btn.done"), ID.plain("admin.btn.done"))
    confirmation = latest_with(page, "admin.btn.confirm")
    await expect(confirmation).to_contain_text(RESULT)
    await shot(page, "14-seven-steps-4-opd-result-to-confirm")
    await press(confirmation, ID.plain("admin.btn.confirm"))
    await done(card, T.SUBMIT_RESULT)

    # 5: the city confirms the result it now sees on the card.
    complaint = await at(live, number, S.RESULT_AT_CITY)
    await play(page, "city")
    card = await live_card(page, live, "city", complaint)
    await expect(card).to_contain_text(RESULT)
    await shot(page, "15-seven-steps-5-city-result-card")
    await press(card, action_label(T.CONFIRM_RESULT, ID))
    await done(card, T.CONFIRM_RESULT)

    # 6: the province approves: the result goes to Siti.
    complaint = await at(live, number, S.RESULT_AT_PROVINCE)
    await play(page, "province")
    card = await live_card(page, live, "province", complaint)
    await press(card, action_label(T.APPROVE, ID))
    await done(card, T.APPROVE)
    await shot(page, "16-seven-steps-6-province-approved")

    # 7: Siti has heard of each milestone, reads the result as text (never markup) and rates it.
    await at(live, number, S.RESOLVED)
    await play(page, "reporter")
    assert await page.locator("#toasts .toast").count() == 0
    await expect(page.locator(".row.bot", has_text=f"telah diteruskan ke {opd}")).to_be_visible()
    result = page.locator(".row.bot.has-keyboard", has_text=RESULT).last
    await expect(result.locator(".text")).to_contain_text(RESULT)
    await expect(result.get_by_role("button", name="5⭐", exact=True)).to_be_visible()
    await expect(
        result.get_by_role("button", name=ID.plain("btn.result.received"), exact=True)
    ).to_be_visible()
    await shot(page, "17-seven-steps-7-reporter-result")
    await press(result, "5⭐")
    await expect(
        bot_row(page, visible(ID("result.comment.ask", stars="⭐" * 5, number=number)))
    ).to_be_visible()
    await say(page, COMMENT)
    await expect(bot_row(page, visible(ID("result.comment.saved")))).to_be_visible()
    await shot(page, "18-seven-steps-7-reporter-rated")

    closed = await at(live, number, S.CLOSED)
    assert closed.rating == 5
    assert await page.evaluate("typeof window.__pwned") == "undefined"


# -- what a persona sees and presses ---------------------------------------------------------------------


async def press(row: Locator, label: str) -> None:
    await row.get_by_role("button", name=label, exact=True).click()


def latest_with(screen: Page, button_key: str) -> Locator:
    """The newest bot message carrying a button (a prompt, a confirmation)."""
    button = screen.get_by_role("button", name=ID.plain(button_key), exact=True)
    return screen.locator(".row.bot.has-keyboard").filter(has=button).last


async def live_card(screen: Page, sandbox: Sandbox, seat: str, complaint: ComplaintInfo) -> Locator:
    """The card of `complaint` in the persona's chat, with exactly the steps the workflow allows them (and
    the attachments button)."""
    assert sandbox.services is not None
    [admin] = await sandbox.services.directory.admins_of_user(SEATS[seat].telegram_id)
    steps = workflow_for(complaint.kind).allowed_triggers(admin.as_actor(), complaint.snapshot())
    labels = [action_label(step.trigger, ID) for step in steps]
    assert labels, f"{seat} may do nothing with {complaint.tracking_number}"
    first = screen.get_by_role("button", name=labels[0], exact=True)
    card = screen.locator(".row.bot.has-keyboard", has_text=f"📋 {complaint.tracking_number}").filter(
        has=first
    )
    await expect(card).to_have_count(1)
    message_id = await card.get_attribute("data-message-id")
    row = screen.locator(f'.row[data-message-id="{message_id}"]')
    shown = [text.strip() for text in await row.locator(".kb-button").all_inner_texts()]
    files = ID.plain("admin.btn.files", count=0).split("(")[0]
    assert [text for text in shown if not text.startswith(files)] == labels
    await row.scroll_into_view_if_needed()
    return row


async def pick(card: Locator, target: str) -> None:
    """The picker asks about the likely target at once; another is one press away, or in the whole list
    ("Lainnya…", a page at a time). Pressing one asks about it by its full name; ✅ sends it."""
    await expect(card.get_by_role("button", name=ID.plain("admin.btn.back"), exact=True)).to_be_visible()
    yes = card.get_by_role("button", name=ID.plain("admin.btn.send_to", org=target), exact=True)
    if not await yes.count():
        await choose(card, target)
    await expect(yes).to_be_visible()
    await yes.click()


async def choose(card: Locator, target: str) -> None:
    choice = card.get_by_role("button", name=target, exact=True)
    if await choice.count():
        await choice.click()
        return
    more = card.get_by_role("button", name=ID.plain("admin.btn.more"), exact=True)
    if await more.count():  # likely targets first; with none (no history yet) the whole list is open already
        await more.click()
        await expect(more).to_have_count(0)
    for _ in range(20):
        if await choice.count():
            await choice.click()
            return
        following = card.locator(".kb-button", has_text="▶️")
        page_of = re.match(r"(\d+)/(\d+)", (await following.inner_text()).strip())
        assert page_of is not None
        await following.click()
        shown, pages = int(page_of.group(1)), int(page_of.group(2))
        previous = ID.plain("admin.btn.page_prev", page=shown - 1, pages=pages)
        await expect(card.get_by_role("button", name=previous, exact=True)).to_be_visible()
    raise AssertionError(f"{target} is not among the choices")


async def done(card: Locator, trigger: str, org: str = "") -> None:
    """The pressed card says what was done and has lost its buttons."""
    await expect(card.locator(".text")).to_contain_text(ID.plain(f"admin.did.{trigger}", org=org))
    await expect(card.locator(".kb-button")).to_have_count(0)


# -- the database, to know a step took -------------------------------------------------------------------


async def at(sandbox: Sandbox, number: str, state: str) -> ComplaintInfo:
    assert sandbox.services is not None
    complaints = sandbox.services.complaints

    async def current() -> Any:
        return await complaints.by_tracking_number(number)

    for _ in range(500):
        complaint = await current()
        if complaint is not None and complaint.state == state:
            return complaint
        await asyncio.sleep(0.02)
    raise AssertionError(f"{number} never reached {state}: {complaint.state if complaint else None}")


async def org_label(sandbox: Sandbox, code: str) -> str:
    """What a picker's button says for it: its short name."""
    assert sandbox.services is not None
    org = await sandbox.services.directory.organisation_by_code(code)
    assert org is not None
    return org.label


async def org_name(sandbox: Sandbox, code: str) -> str:
    assert sandbox.services is not None
    org = await sandbox.services.directory.organisation_by_code(code)
    assert org is not None
    return org.name
