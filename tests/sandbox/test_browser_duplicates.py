"""Two neighbours report one dark street in a real browser, on a phone (390×844) and on a desktop: each admin
tier sees the earlier report on the later one's card, by its subject; the city joins them and separates them
again with a reason; the pickers say why they suggest a target; the agency joins them, and the followed card
names the duplicate; the duplicate's reporter is told, receives the result and rates it. The province reads
the same in English. Join and separate are counted in presses.

Screenshots go to test-artifacts/sandbox/ (``30-`` to ``39-``).
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from bot.dev.sandbox import Sandbox
from bot.dev.sandbox.personas import CITY_CODE, OPD_CODE
from bot.dev.sandbox.server import TOKEN
from bot.ui.cards import action_label
from bot.ui.keyboards.menu import MENU_ACTIONS
from bot.ui.texts import Texts, texts_for
from tests.e2e.chat import visible
from tests.sandbox.test_browser import ID, bot_row, browser, live, play, say, shot  # noqa: F401
from tests.sandbox.test_browser_layout import screen  # noqa: F401 - phone and desktop, by name
from tests.sandbox.test_browser_seven_steps import NUMBER, SEATS, at, latest_with, org_label, pick, press
from workflow.calendar import to_wib
from workflow.definitions import S, T

if TYPE_CHECKING:
    from playwright.async_api import Locator, Page

try:
    from playwright.async_api import expect
except ImportError:  # the browser fixture skips, or fails in CI, saying so
    expect = None  # type: ignore[assignment]

EN = texts_for("en")
FIRST = (
    "Lampu jalan mati di Jl. Seruni",
    "Empat lampu PJU di Jl. Seruni tidak menyala sejak dua minggu, jalan gelap dan sering ada pencurian "
    "motor.",
    "Jl. Seruni, Pekalongan Barat",
)
SECOND = (
    "jl seruni gelap lampu2 mati",
    "lampu jln di seruni udh 2 minggu mati semua, kmrn motor tetangga ilang dicuri mlm2",
    "jalan seruni",
)
NEIGHBOUR = ("Bagus Santoso", "3375011203880001", "Jl. Seruni Gg. 3 No. 7")
REASON = "Tiang <b>lain</b> di ujung gang & bukan lampu yang sama."
RESULT = "Empat lampu PJU di Jl. Seruni sudah diganti dan menyala lagi."


async def test_two_reports_of_one_street_joined_separated_joined_and_rated_apart(
    screen: Page,  # noqa: F811
    live: Sandbox,  # noqa: F811
) -> None:
    phone = screen.viewport_size == {"width": 390, "height": 844}
    size = "phone" if phone else "desktop"
    first = await file_as(screen, live, "reporter", FIRST)
    neighbour = await new_reporter(screen)
    second = await file_as(screen, live, neighbour, SECOND, identity=NEIGHBOUR)

    # The province: the later report's card lists the earlier one by its subject, stage and age.
    await at(live, second, S.AT_PROVINCE)
    await play(screen, "province")
    card = await card_row(screen, second)
    await expect(card.locator(".text")).to_contain_text(similar_line(first, "at_province"))
    await expect_whole(card, ID.plain("admin.btn.link", number=first))
    await shot(screen, f"30-duplicates-{size}-province-similar")
    city = await org_label(live, CITY_CODE)
    for number in (first, second):
        card = await card_row(screen, number)
        await press(card, action_label(T.DISPOSE, ID))
        await pick(card, city)
        await at(live, number, S.AT_CITY)

    # The city joins them: two presses, the second naming the complaint it joins.
    await play(screen, "city")
    card = await card_row(screen, second)
    await expect(card.locator(".text")).to_contain_text(similar_line(first, "at_city"))
    before = presses(live, "city")
    await press(card, ID.plain("admin.btn.link", number=first))
    asked = visible(ID("admin.link.ask", number=second, earlier=first)).split("\n")[0]
    await expect(card.locator(".text")).to_contain_text(asked)
    await expect_whole(card, ID.plain("admin.btn.link_yes", earlier=first))
    await shot(screen, f"31-duplicates-{size}-city-join-asked")
    await press(card, ID.plain("admin.btn.link_yes", earlier=first))
    await expect(card.locator(".text")).to_contain_text(ID.plain("admin.did.link_duplicate"))
    assert presses(live, "city") - before == 2
    title = ID.plain("admin.card.state_following", number=first)
    await expect(card.locator(".text")).to_contain_text(title)
    await expect(card.locator(".kb-button")).to_have_text([ID.plain("admin.btn.unlink_duplicate")])
    await shot(screen, f"32-duplicates-{size}-city-joined")

    await play(screen, neighbour)
    told = ID("notify.reporter.link_duplicate", number=second, subject=SECOND[0], earlier=first)
    await expect(bot_row(screen, visible(told).split(".")[0])).to_be_visible()
    await shot(screen, f"33-duplicates-{size}-reporter-told")

    # Separated again: two presses and the reason; the admin is left with one card to act on, the reason
    # shown as written.
    await play(screen, "city")
    card = await card_row(screen, second)
    before = presses(live, "city")
    await press(card, ID.plain("admin.btn.unlink_duplicate"))
    await expect(latest_with(screen, "admin.btn.abort")).to_contain_text(second)
    await say(screen, REASON)
    confirmation = latest_with(screen, "admin.btn.confirm")
    await expect(confirmation).to_contain_text(REASON)
    await press(confirmation, ID.plain("admin.btn.confirm"))
    await expect(card.locator(".text")).to_contain_text(ID.plain("admin.did.unlink_duplicate"))
    await expect(card.locator(".kb-button")).to_have_count(0)
    assert presses(live, "city") - before == 2
    await at(live, second, S.AT_CITY)
    live_cards = screen.locator(".row.bot.has-keyboard", has_text=f"📋 {second}")
    await expect(live_cards).to_have_count(1)
    await expect(live_cards.locator(".text")).to_contain_text(REASON)
    await shot(screen, f"34-duplicates-{size}-city-separated")

    # The forward picker says why it suggests a target; once the first went to DPUPR, so does the second.
    dpupr = await org_label(live, OPD_CODE)
    card = await card_row(screen, first, action_label(T.FORWARD, ID))
    await press(card, action_label(T.FORWARD, ID))
    await expect(card.locator(".text")).to_contain_text(ID.plain("admin.pick.suggested"))
    await pick(card, dpupr)
    await at(live, first, S.AT_OPD)
    card = await card_row(screen, second, action_label(T.FORWARD, ID))
    await press(card, action_label(T.FORWARD, ID))
    went = ID.plain("admin.pick.why.history", went=1, alike=1, org=dpupr)
    await expect(card.locator(".text")).to_contain_text(went)
    await shot(screen, f"35-duplicates-{size}-city-suggested")
    await pick(card, dpupr)
    await at(live, second, S.AT_OPD)

    # The agency joins them; the earlier one's next card names the duplicate that follows it.
    await play(screen, "opd")
    card = await card_row(screen, second)
    await expect(card.locator(".text")).to_contain_text(similar_line(first, "at_opd"))
    await press(card, ID.plain("admin.btn.link", number=first))
    await press(card, ID.plain("admin.btn.link_yes", earlier=first))
    await expect(card.locator(".text")).to_contain_text(ID.plain("admin.did.link_duplicate"))
    await expect(card.locator(".text")).not_to_contain_text(REASON)
    card = await card_row(screen, first, action_label(T.ACCEPT, ID))
    await press(card, action_label(T.ACCEPT, ID))
    card = await card_row(screen, first, action_label(T.SUBMIT_RESULT, ID))
    await expect(card.locator(".text")).to_contain_text(visible(ID("admin.card.joined", numbers=second)))
    await shot(screen, f"36-duplicates-{size}-opd-followed-card")
    await press(card, action_label(T.SUBMIT_RESULT, ID))
    await say(screen, RESULT)
    await press(latest_with(screen, "admin.btn.done"), ID.plain("admin.btn.done"))
    await press(latest_with(screen, "admin.btn.confirm"), ID.plain("admin.btn.confirm"))
    for seat, state, step in (
        ("city", S.RESULT_AT_CITY, T.CONFIRM_RESULT),
        ("province", S.RESULT_AT_PROVINCE, T.APPROVE),
    ):
        await at(live, first, state)
        await play(screen, seat)
        await press(await card_row(screen, first, action_label(step, ID)), action_label(step, ID))

    # The neighbour receives the same result on their own report and rates it apart from Siti.
    await at(live, second, S.RESOLVED)
    await play(screen, neighbour)
    result = screen.locator(".row.bot.has-keyboard", has_text=RESULT).last
    await expect(result).to_contain_text(second)
    await shot(screen, f"37-duplicates-{size}-reporter-result")
    await press(result, "4⭐")
    await expect(
        bot_row(screen, visible(ID("result.comment.ask", stars="⭐" * 4, number=second)))
    ).to_be_visible()
    rated = await at(live, second, S.CLOSED)
    assert rated.rating == 4
    assert (await at(live, first, S.RESOLVED)).rating is None


async def test_the_province_reads_the_similar_list_and_the_join_in_english(
    screen: Page,  # noqa: F811
    live: Sandbox,  # noqa: F811
) -> None:
    size = "phone" if screen.viewport_size == {"width": 390, "height": 844} else "desktop"
    first = await file_as(screen, live, "reporter", FIRST)
    neighbour = await new_reporter(screen)
    second = await file_as(screen, live, neighbour, SECOND, identity=NEIGHBOUR)
    await at(live, second, S.AT_PROVINCE)
    await play(screen, "province")
    card = await card_row(screen, second)  # delivered in Indonesian, before the switch
    await say(screen, "/language")
    await press(bot_row(screen, ID.plain("language.choose")), EN.plain("language.name"))
    await expect_menu_whole(screen, EN)

    # A press redraws the card in the admin's language.
    await press(card, ID.plain("admin.btn.link", number=first))
    await expect(card.locator(".text")).to_contain_text(similar_line(first, "at_province", EN))
    asked = visible(EN("admin.link.ask", number=second, earlier=first)).split("\n")[0]
    await expect(card.locator(".text")).to_contain_text(asked)
    await expect_whole(card, EN.plain("admin.btn.link_yes", earlier=first))
    await shot(screen, f"38-duplicates-{size}-province-english-asked")
    await press(card, EN.plain("admin.btn.abort"))
    await expect_whole(card, EN.plain("admin.btn.link", number=first))
    await expect(card.locator(".kb-button").first).to_have_text(action_label(T.DISPOSE, EN))
    await shot(screen, f"39-duplicates-{size}-province-english-card")
    await say(screen, "/language")
    await press(bot_row(screen, ID.plain("language.choose")), ID.plain("language.name"))
    await expect_menu_whole(screen, ID)


async def expect_menu_whole(chat: Page, t: Texts) -> None:
    """The menu that answers a language switch: every label whole on a phone too."""
    menu = bot_row(chat, t.plain("language.set"))
    for action in MENU_ACTIONS:
        await expect_whole(menu, t.plain(f"btn.menu.{action}"))


# -- what the people do ----------------------------------------------------------------------------------


async def file_as(
    chat: Page,
    sandbox: Sandbox,
    persona: str,
    answers: tuple[str, str, str],
    identity: tuple[str, ...] = (),
) -> str:
    """Files a complaint in the persona's chat: the saved identity, or a new one typed and shared."""
    await play(chat, persona)
    await say(chat, "/new")
    if identity:
        name, nik, address = identity
        await answer(chat, name)
        await answer(chat, nik)
        await chat.locator("#reply-keyboard .kb-button.kb-contact").click()
        await expect(bot_row(chat, visible(ID("ask.address", step=4, total=11)))).to_be_visible()
        await answer(chat, address)
    else:
        await press(latest_with(chat, "btn.identity.use"), ID.plain("btn.identity.use"))
    subject, chronology, place = answers
    happened = to_wib(sandbox.clock.now()).date() - timedelta(days=2)
    for text in (subject, chronology, happened.strftime("%d-%m-%Y"), place):
        await answer(chat, text)
    await chat.click("#share-location")
    await press(latest_with(chat, "btn.attachments.skip"), ID.plain("btn.attachments.skip"))
    await press(latest_with(chat, "btn.no_confidential"), ID.plain("btn.no_confidential"))
    summary = latest_with(chat, "btn.submit")
    await expect(summary).to_contain_text(subject)
    await press(summary, ID.plain("btn.submit"))
    submitted = bot_row(chat, visible(ID("submitted", number="@", deadline="@")).split("\n")[0])
    await expect(submitted).to_be_visible()
    found = NUMBER.search(await submitted.inner_text())
    assert found is not None
    return found.group(0)


async def answer(chat: Page, text: str) -> None:
    before = await chat.locator(".row.bot").count()
    await say(chat, text)
    await expect(chat.locator(".row.bot")).not_to_have_count(before)


async def new_reporter(chat: Page) -> str:
    before = await chat.locator(".persona").count()
    await chat.click("#new-reporter")
    await expect(chat.locator(".persona")).to_have_count(before + 1)
    chosen = chat.locator('.persona[aria-pressed="true"]')
    key = await chosen.get_attribute("data-persona")
    assert key is not None
    assert key.startswith("new-")
    return key


async def card_row(chat: Page, number: str, button: str | None = None) -> Locator:
    """The newest card of `number` that has buttons (this one, if given), followed by its message id through
    later edits."""
    live_card = chat.locator(".row.bot.has-keyboard", has_text=f"📋 {number}")
    if button is not None:
        live_card = live_card.filter(has=chat.get_by_role("button", name=button, exact=True))
    live_card = live_card.last
    await expect(live_card).to_be_visible()
    message_id = await live_card.get_attribute("data-message-id")
    row = chat.locator(f'.row[data-message-id="{message_id}"]')
    await row.scroll_into_view_if_needed()
    return row


def similar_line(number: str, state: str, t: Texts = ID) -> str:
    """The earlier complaint's line on the later one's card, up to its stage (its age is a day's matter)."""
    line = t(
        "admin.similar.line",
        number=number,
        subject=FIRST[0],
        stage=t.plain(f"admin.similar.stage.{state}"),
        age="@",
    )
    return visible(line).split(", @")[0]


async def expect_whole(card: Locator, label: str) -> None:
    """The button is there and its label is shown whole: Telegram's phone apps cut it with "…" otherwise."""
    button = card.get_by_role("button", name=label, exact=True)
    await expect(button).to_be_visible()
    label_box = button.locator(".kb-label")
    # Measured once the emoji font has loaded: a fallback glyph is wider.
    await label_box.evaluate("label => document.fonts.ready")
    widths = await label_box.evaluate("label => [label.scrollWidth, label.clientWidth]")
    assert widths[0] <= widths[1], f"{label!r} is cut on this screen: {widths}"


def presses(sandbox: Sandbox, seat: str) -> int:
    """Every button this persona has pressed so far, as the Bot API server received them."""
    person = SEATS[seat].telegram_id
    return sum(1 for press in sandbox.api.world.bots[TOKEN].callbacks.values() if press.person_id == person)
