"""Admin chats kept short and whole: the compact card, whole reasons, prompts that act on their own
complaint only, overdue notices that open the card, and the working days a card counts."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

from bot.dev.local_api import LocalBotApi, tiny_png
from bot.ui.admin_callbacks import AbortCb, ChronologyCb, ConfirmCb, HistoryCb, ResultDoneCb
from storage.database import session_factory
from storage.scheduler import run_scheduler_once
from tests.conftest import World
from tests.e2e.admin_desk import Desk, down_to, seed
from tests.e2e.chat import Reporter
from tests.e2e.conftest import RunningBot
from tests.e2e.notifications import delivered, notifier_for
from workflow.calendar import WIB, WorkingCalendar
from workflow.definitions import S, T


async def test_a_complaint_received_after_office_hours_counts_the_target_days_not_one_more(
    running_bot: RunningBot, local_api: LocalBotApi, world: World
) -> None:
    # Friday 4 December 2026, 17.00 WIB: received after close, so the receipt day is Monday 7 and the
    # deadline the end of Wednesday 9. That evening the card once said "sisa 3 hari kerja" (Mon, Tue, Wed).
    world.clock.now = datetime(2026, 12, 4, 17, tzinfo=WIB)
    complaint = await seed(world)
    world.clock.now = datetime(2026, 12, 4, 19, tzinfo=WIB)
    province = Desk(local_api, world, "province")
    card = await province.open(complaint.tracking_number)
    assert province.said_plain("admin.due.left", days=2) in (card.text or "")
    assert "Rabu, 9 Desember 2026" in (card.text or "")
    queue = await province.queue()
    assert province.said_plain("admin.due.left", days=2) in (queue.text or "")
    assert province.said_plain("admin.due.left", days=3) not in (queue.text or "")


async def test_an_overdue_notice_opens_the_card_it_speaks_of(
    running_bot: RunningBot, local_api: LocalBotApi, world: World
) -> None:
    province = Desk(local_api, world, "province")
    await province.command("/start")
    await province.next_where(lambda m: (m.text or "").startswith("🏛"), "the admin menu")
    # Monday 21 December 2026: filed at 09:00, disposed at 09:30; the city's 2 office hours end at 11:30.
    world.clock.now = datetime(2026, 12, 21, 9, tzinfo=WIB).astimezone(UTC)
    complaint = await seed(world)
    world.clock.now = datetime(2026, 12, 21, 9, 30, tzinfo=WIB).astimezone(UTC)
    await down_to(world, complaint, T.DISPOSE)
    world.clock.now = datetime(2026, 12, 21, 11, 31, tzinfo=WIB).astimezone(UTC)
    await run_scheduler_once(session_factory(running_bot.engine), WorkingCalendar(), world.clock)
    # The sender on the scenario's clock: its rows are due at the scenario's time, not today's.
    notifier = notifier_for(local_api, running_bot.engine, world, outbox_clock=world.clock)
    notifier.start()
    try:
        await delivered(running_bot.engine, local_api)
    finally:
        await notifier.stop()

    number = complaint.tracking_number
    notice = await province.next_where(
        lambda m: (m.text or "").startswith("🚨") and number in (m.text or ""), "the overdue notice"
    )
    assert notice.button_texts == [province.said_plain("admin.btn.open_card")]
    await province.press(notice, "admin.btn.open_card")
    card = await province.card(number)
    assert province.said_plain(f"admin.state.laporgub.{S.AT_CITY}") in (card.text or "")
    # The city holds it: the province reads the card, with no step of its own to press.
    assert card.button_texts == []
    # (The city's admins never started the bot here, so their cards could not go out.)
    assert [r for r in local_api.requests(ok=False) if r.params.get("chat_id") == str(province.id)] == []


async def test_a_prompt_takes_the_cards_buttons_and_its_own_old_buttons_act_on_nothing_else(
    running_bot: RunningBot, local_api: LocalBotApi, world: World
) -> None:
    first = await down_to(world, await seed(world), T.DISPOSE)
    second = await down_to(world, await seed(world), T.DISPOSE)
    city = Desk(local_api, world, "city")
    card = await city.open(first.tracking_number)
    buttons = card.button_texts
    assert city.said_plain("admin.btn.return_to_province") in buttons

    # The prompt opens: the card's buttons come off, so no second action can start beside it.
    await city.press_action(card, T.RETURN_TO_PROVINCE)
    prompt = await city.next_where(lambda m: (m.text or "").startswith("✍️"), "the reason prompt")
    assert prompt.button_texts == [city.said_plain("admin.btn.abort")]
    await city.settled(card, lambda m: m.buttons == [])

    # The admin turns to another card: the first prompt is given up, its card usable again.
    other = await city.open(second.tracking_number)
    await city.press_action(other, T.RETURN_TO_PROVINCE)
    await city.next_where(
        lambda m: (m.text or "").startswith("✍️") and m.message_id != prompt.message_id, "the second prompt"
    )
    await city.settled(prompt, lambda m: m.buttons == [])
    await city.settled(card, lambda m: m.button_texts == buttons)
    await city.send("Lokasi di Kabupaten Batang")
    confirmation = await city.next_where(
        lambda m: "Lokasi di Kabupaten Batang" in (m.text or "") and bool(m.buttons), "the reason shown back"
    )
    # Replayed, the first prompt's cancel and a confirm naming the first complaint act on nothing.
    await city.press_forged(prompt, AbortCb(c=first.id, v=first.version).pack())
    assert await city.toast() == city.said_plain("admin.prompt.other")
    await city.press_forged(prompt, ConfirmCb(c=first.id, v=first.version).pack())
    assert await city.toast() == city.said_plain("admin.prompt.other")
    # The one being written is still whole, and confirming it moves only the second complaint.
    assert await city.confirm(confirmation) == city.said_plain(
        "admin.toast.done", what=city.said_plain("admin.did.return_to_province")
    )
    await city.done(other, T.RETURN_TO_PROVINCE)
    await city.settled(confirmation, lambda m: m.buttons == [])
    moved, untouched = await world.complaints.get(second.id), await world.complaints.get(first.id)
    assert moved is not None
    assert untouched is not None
    assert (moved.state, untouched.state, untouched.version) == (S.AT_PROVINCE, S.AT_CITY, first.version)
    # Its confirm pressed again (a double tap replayed) is refused: the prompt is over.
    await city.press_forged(confirmation, ConfirmCb(c=second.id, v=second.version).pack())
    assert await city.toast() == city.said_plain("button.expired")

    # Cancelled, a prompt gives the card its buttons back and keeps none of its own.
    await city.press_action(card, T.RETURN_TO_PROVINCE)
    prompt = await city.next_where(
        lambda m: (m.text or "").startswith("✍️") and bool(m.buttons), "the reason prompt again"
    )
    await city.settled(card, lambda m: m.buttons == [])
    await city.press(prompt, "admin.btn.abort")
    await city.expect_key("admin.aborted")
    await city.settled(prompt, lambda m: m.buttons == [])
    await city.settled(card, lambda m: m.button_texts == buttons)
    assert local_api.requests(ok=False) == []


async def test_only_the_newest_message_of_a_result_prompt_has_buttons(
    running_bot: RunningBot, local_api: LocalBotApi, world: World
) -> None:
    complaint = await down_to(world, await seed(world), T.DISPOSE, T.FORWARD, T.ACCEPT)
    opd = Desk(local_api, world, "opd")
    card = await opd.open(complaint.tracking_number)
    await opd.press_action(card, T.SUBMIT_RESULT)
    prompt = await opd.next_where(lambda m: (m.text or "").startswith("📝"), "the result prompt")
    await opd.send("Sudah diperbaiki.")
    files = await opd.next_where(lambda m: (m.text or "").startswith("📎"), "the files prompt")
    await opd.settled(prompt, lambda m: m.buttons == [])
    await opd.user.send_photo(tiny_png(3, 3))
    added = await opd.expect_key("admin.result.file_added", count=1, max=5)
    await opd.settled(files, lambda m: m.buttons == [])
    assert added.button_texts == [opd.said_plain("admin.btn.done"), opd.said_plain("admin.btn.abort")]
    # The files prompt's "Selesai", replayed, is refused: only the newest message speaks for the prompt.
    await opd.press_forged(files, ResultDoneCb(c=complaint.id + 1, v=complaint.version).pack())
    assert await opd.toast() == opd.said_plain("admin.prompt.other")
    await opd.press(added, "admin.btn.done")
    confirmation = await opd.next_where(lambda m: "Sudah diperbaiki." in (m.text or ""), "the result")
    await opd.settled(added, lambda m: m.buttons == [])
    await opd.press(confirmation, "admin.btn.abort")
    await opd.expect_key("admin.aborted")
    await opd.settled(card, lambda m: m.button_texts == [opd.said_plain("admin.btn.submit_result")])
    assert local_api.requests(ok=False) == []


def _words(count: int, seed: str) -> str:
    """Text like a person's: words of varied length, some lines, and characters that HTML escapes."""
    words = [f"{seed}{index % 97}" + ("<&>" if index % 53 == 0 else "") for index in range(count)]
    return "".join(word + ("\n" if index % 40 == 39 else " ") for index, word in enumerate(words)).strip()


async def test_the_latest_reason_is_whole_near_the_top_and_the_rest_is_a_button_away(
    running_bot: RunningBot, local_api: LocalBotApi, world: World
) -> None:
    chronology = _words(1000, "kronologi")[:7900]
    complaint = await down_to(world, await seed(world, chronology=chronology), T.DISPOSE)
    number = complaint.tracking_number
    first_reason = ("Alasan pertama, " + _words(200, "jalan"))[:1000]
    second_reason = ("Alasan kedua, " + _words(200, "batas"))[:1000]
    assert len(first_reason) == len(second_reason) == 1000
    city, province = Desk(local_api, world, "city"), Desk(local_api, world, "province")

    # The city returns it with a reason of the full 1,000 characters the prompt allows, from Telegram.
    confirmation = await city.give_reason(await city.open(number), T.RETURN_TO_PROVINCE, first_reason)
    await city.confirm(confirmation)
    card = await province.open(number)
    text = card.text or ""
    assert len(text.encode("utf-16-le")) // 2 <= 4096
    assert first_reason in text
    lines = text.split("\n")
    # What, when and where, stage and deadline first; then the reason; the reporter on one line after it.
    assert lines[0] == f"📋 {number} · {province.said_plain(f'admin.state.laporgub.{S.AT_PROVINCE}')}"
    assert province.said_plain("admin.due.left", days=2) in lines[1]
    assert text.index(first_reason) < text.index(world.reporter.full_name) < text.index("kronologi0")
    assert province.said_plain("shortened", hidden=1).split("1")[0] not in text
    assert province.said_plain("admin.btn.chronology") in card.button_texts
    assert not any(label.startswith("🕘") for label in card.button_texts)
    # Nothing is said of what is not there: no location shared, no files.
    assert not any(line.startswith(("Lokasi:", "Lampiran:")) for line in lines)

    # The whole chronology, in as many messages as it takes, every character in order.
    await province.press(card, "admin.btn.chronology")
    parts = []
    for index in (1, 2):
        prefix = f"📄 Kronologi {number} ({index}/2)"
        parts.append(await province.next_where(lambda m, p=prefix: (m.text or "").startswith(p), prefix))
    assert all(len((part.text or "").encode("utf-16-le")) // 2 <= 4096 for part in parts)
    assert "".join((part.text or "").split("\n", 1)[1] for part in parts) == chronology

    # Disposed again and returned again: the card shows the newest reason whole, the first behind a button.
    await down_to(world, complaint, T.DISPOSE)
    confirmation = await city.give_reason(await city.open(number), T.RETURN_TO_PROVINCE, second_reason)
    await city.confirm(confirmation)
    card = await province.open(number)
    assert second_reason in (card.text or "")
    assert first_reason not in (card.text or "")
    await province.press(card, "admin.btn.history", count=1)
    history = await province.next_where(
        lambda m: (m.text or "").startswith(f"🕘 Riwayat {number}"), "the complaint's history"
    )
    assert first_reason in (history.text or "")
    assert second_reason in (history.text or "")
    assert province.said_plain("admin.did.dispose", org=world.orgs["KOTA-PKL"].name) in (history.text or "")
    assert local_api.requests(ok=False) == []


def chat_commands(local_api: LocalBotApi, chat_id: int) -> list[str]:
    key = json.dumps([{"chat_id": chat_id, "type": "chat"}, ""], sort_keys=True)
    return [command["command"] for command in local_api.world.find_bot().commands.get(key, [])]


async def test_the_command_menu_follows_the_seat_from_the_invite_to_its_removal(
    running_bot: RunningBot, local_api: LocalBotApi, world: World
) -> None:
    city = Desk(local_api, world, "city")
    await city.command("/start")
    menu = await city.next_where(lambda m: (m.text or "").startswith("🏛"), "the admin menu")
    assert {"invite", "admins", "queue"} <= set(chat_commands(local_api, city.id))
    # Invites and the seats below are in the admin menu too, not only behind "/".
    await city.press(menu, "admin.btn.invite")
    choose = await city.expect_key("invite.choose")
    dlh = world.orgs["PKL-DLH"].name
    await city.press_text(
        choose, city.said_plain("invite.btn", role=city.said_plain("admin.role.opd"), org=dlh)
    )
    link = await city.next_where(lambda m: "?start=" in (m.text or ""), "the invite link")
    found = re.search(r"\?start=([A-Za-z0-9_-]+)", link.text or "")
    assert found is not None

    newcomer = Reporter(local_api.user(7001, "Dewi"))
    await newcomer.command("/start")
    await newcomer.expect_key("welcome")
    assert chat_commands(local_api, 7001) == []
    await newcomer.command("/start", found.group(1))
    await newcomer.expect_key("invite.welcome", role=newcomer.t.plain("admin.role.opd"), org=dlh)
    await running_bot.until_handled()
    # Seated: the "/" menu is the OPD admin's at once, without a /start of their own.
    listed = chat_commands(local_api, 7001)
    assert "queue" in listed
    assert "invite" not in listed

    await city.press(menu, "admin.btn.admins")
    seats = await city.expect_starting(city.said("seats.title"))
    await city.press(seats, "seats.btn.deactivate", name="Dewi")
    assert await city.toast() == city.said_plain("seats.deactivated", name="Dewi")
    await running_bot.until_handled()
    # Unseated: back to the reporter's menu.
    assert chat_commands(local_api, 7001) == []
    assert local_api.requests(ok=False) == []


async def test_a_colleagues_retired_card_reads_the_reason_once_and_whole(
    notifying_bot: RunningBot, local_api: LocalBotApi, world: World
) -> None:
    city, city2 = Desk(local_api, world, "city"), Desk(local_api, world, "city2")
    for desk in (city, city2):
        await desk.command("/start")
        await desk.next_where(lambda m: (m.text or "").startswith("🏛"), "the admin menu")
    complaint = await down_to(world, await seed(world), T.DISPOSE)
    number = complaint.tracking_number
    copy = await city2.card(number)
    reason = ("Lokasi di Kabupaten Batang: " + _words(200, "batang"))[:1000]
    confirmation = await city.give_reason(await city.card(number), T.RETURN_TO_PROVINCE, reason)
    await city.confirm(confirmation)
    retired = await city2.settled(copy, lambda m: not m.buttons and "Admin city" in (m.text or ""))
    text = retired.text or ""
    assert text.count(reason) == 1
    assert text.count(reason[:300]) == 1  # not again, cut, in the "handled by" footer
    assert len(text.encode("utf-16-le")) // 2 <= 4096
    # The acting admin's card says it is done; no third message says it again.
    await delivered(notifying_bot.engine, local_api)
    done = city.said("notify.done", number=number, subject="@", what="@").split("@")[0]
    assert not any((m.text or "").startswith(done) for m in city.user.chat().bot_messages())


async def test_another_organisation_reads_neither_the_history_nor_the_chronology(
    running_bot: RunningBot, local_api: LocalBotApi, world: World
) -> None:
    complaint = await down_to(world, await seed(world), T.DISPOSE)
    batang = Desk(local_api, world, "batang")
    listing = await batang.queue()
    for payload in (HistoryCb(c=complaint.id), ChronologyCb(c=complaint.id)):
        await batang.press_forged(listing, payload.pack())
        assert await batang.toast() == batang.said_plain("admin.refused.not_permitted")
    # Beyond any id (refused at the button-data edge) and an id of no complaint.
    for payload in ("gh:9223372036854775807", ChronologyCb(c=10**6).pack()):
        await batang.press_forged(listing, payload)
        assert await batang.toast() == batang.said_plain("admin.refused.forged")
    assert [m.text for m in batang.user.chat().bot_messages()] == [listing.text]
