"""Who is who, each tier's queue, the card's contents and the 35-city picker."""

from __future__ import annotations

from datetime import timedelta

from bot.dev.local_api import LocalBotApi
from bot.dev.local_api.chat_view import ChatMessage
from tests.conftest import START, World
from tests.e2e.admin_desk import Desk, down_to, seed
from tests.e2e.chat import Reporter
from tests.e2e.conftest import RunningBot
from tests.e2e.scripts import Answers, file_complaint
from workflow.actors import OrgKind, Role
from workflow.calendar import WorkingCalendar
from workflow.definitions import S, T


async def test_an_admin_gets_the_menu_of_their_role_and_can_switch_to_the_reporter_menu_and_back(
    running_bot: RunningBot, local_api: LocalBotApi, world: World
) -> None:
    await seed(world)
    city = Desk(local_api, world, "city")
    await city.command("/start")
    menu = await city.next_where(lambda m: (m.text or "").startswith("🏛"), "the admin menu")
    assert city.said_plain("admin.role.city") in (menu.text or "")
    assert "Dinkominfo Kota Pekalongan" in (menu.text or "")
    await city.press(menu, "admin.btn.reporter_menu")
    reporter_menu = await city.expect_key("admin.reporter_menu")
    await city.press(reporter_menu, "btn.menu.new")
    await city.expect_key("filing.intro")
    await city.command("/cancel")
    await city.expect_key("cancel.done")
    await city.press(reporter_menu, "admin.btn.admin_menu")
    again = await city.next_where(lambda m: (m.text or "").startswith("🏛"), "the admin menu")
    assert again.button_texts[0] == city.said_plain("admin.btn.queue", count=0)

    rina = Reporter(local_api.user(9001, "Rina"))
    await rina.command("/start")
    await rina.expect_key("welcome")
    await rina.command("/antrian")
    await rina.expect_key("admin.only")
    assert local_api.requests(ok=False) == []


async def test_the_queue_is_the_organisations_own_most_urgent_first_in_pages(
    running_bot: RunningBot, local_api: LocalBotApi, world: World
) -> None:
    # Filed newest first, so the most urgent deadline belongs to the highest id: the order is the deadline's.
    numbers = []
    calendar = WorkingCalendar()
    filed_at = START
    for index in range(12):
        world.clock.now = filed_at
        numbers.append((await seed(world, subject=f"Aduan {index:02d} " + "x" * 80)).tracking_number)
        filed_at -= timedelta(days=1)
        while not calendar.is_working_day(filed_at.date()):
            filed_at -= timedelta(days=1)
    world.clock.now = START
    expected = list(reversed(numbers))
    province, batang = Desk(local_api, world, "province"), Desk(local_api, world, "batang")

    first = await province.queue()
    shown = [button["text"].split(" ")[1] for button in first.buttons if button["text"][0].isdigit()]
    assert shown == expected[:10]
    text = first.text or ""
    assert province.said_plain("admin.due.overdue", days=8) in text
    assert province.said_plain("admin.due.today") in text
    assert "Aduan 11 " + "x" * 40 in text
    assert "x" * 80 not in text
    await province.press(first, "admin.btn.next")
    second = await province.settled(first, lambda m: expected[10] in (m.text or ""))
    assert [b["text"].split(" ")[1] for b in second.buttons if b["text"][0].isdigit()] == expected[10:]
    assert second.button_texts[-1] == province.said_plain("admin.btn.prev")
    assert province.said_plain("admin.due.left", days=2) in (second.text or "")
    await province.press(second, "admin.btn.prev")
    await province.settled(first, lambda m: expected[0] in (m.text or ""))

    complaint = await world.complaints.by_tracking_number(expected[0])
    assert complaint is not None
    await down_to(world, complaint, T.DISPOSE)
    city, city2 = Desk(local_api, world, "city"), Desk(local_api, world, "city2")
    for desk in (city, city2):
        listing = await desk.queue()
        assert expected[0] in (listing.text or "")
        assert len([b for b in listing.buttons if b["text"][0].isdigit()]) == 1
    assert (await batang.queue()).text == batang.said("admin.queue.empty", org=world.orgs["KAB-BATANG"].name)
    assert expected[0] not in ((await province.queue()).text or "")
    assert local_api.requests(ok=False) == []


async def test_the_card_shows_the_complaint_and_its_files_and_hides_a_confidential_identity_from_the_opd(
    running_bot: RunningBot, local_api: LocalBotApi, world: World
) -> None:
    siti = Reporter(local_api.user(7702, "Siti"))
    await file_complaint(siti, Answers(confidential=True, photos=2))
    complaint = await world.complaints.by_tracking_number("LG-2026-000001")
    assert complaint is not None
    province, opd = Desk(local_api, world, "province"), Desk(local_api, world, "opd")

    card = await province.open(complaint.tracking_number)
    text = card.text or ""
    for expected in (
        "Siti Aminah",
        "3375••••••••0002",
        province.said_plain("admin.card.confidential_note"),
        province.said_plain("admin.channel.telegram"),
        "25 November 2026 10.00 WIB",
        "Jumat, 27 November 2026",
        province.said_plain("admin.due.left", days=2),
        "20 November 2026, Jl. Hayam Wuruk, Pekalongan Timur",
        "Sejak dua minggu lalu",
        "-6.20000, 106.81667",
    ):
        assert expected in text
    assert "3375014507900002" not in text
    assert any(entity.get("url", "").startswith("https://maps.google.com/") for entity in card.entities)
    await province.press(card, "admin.btn.files", count=2)
    photos = await province.next_where(lambda m: m.kind == "photo", "the complaint's photos")
    assert photos.text == province.said_plain("admin.files.caption", number=complaint.tracking_number)

    await down_to(world, complaint, T.DISPOSE, T.FORWARD)
    card = await opd.open(complaint.tracking_number)
    text = card.text or ""
    assert opd.said("admin.card.reporter_hidden") in text
    assert "Siti" not in text
    assert "0002" not in text
    assert "Sriwijaya" not in text
    assert "Sejak dua minggu lalu" in text
    assert local_api.requests(ok=False) == []


async def test_the_province_pages_through_35_cities_to_dispose(
    running_bot: RunningBot, local_api: LocalBotApi, world: World
) -> None:
    for index in range(33):
        await world.directory.add_organisation(
            code=f"KAB-{index:02d}",
            name=f"Kabupaten Uji {index:02d}",
            kind=OrgKind.CITY,
            parent_code="JATENG",
        )
    assert len(await world.directory.children(world.orgs["JATENG"].id)) == 35
    complaint = await seed(world)
    province = Desk(local_api, world, "province")
    card = await province.open(complaint.tracking_number)
    await province.press_action(card, T.DISPOSE)
    # The likely city is asked about first; the whole list is behind "Lainnya…".
    asked = await province.settled(card, lambda m: province.said_plain("admin.btn.more") in m.button_texts)
    await province.toast()
    await province.press(asked, "admin.btn.more")
    assert await province.toast() == province.said_plain("admin.pick.all", page=1, pages=5)
    page = await province.settled(card, lambda m: "Diskominfo Kabupaten Batang" in m.button_texts)
    seen = set()
    for number in range(2, 6):
        targets = [text for text in page.button_texts if not text.startswith(("◀️", "↩️")) and "▶️" not in text]
        assert len(targets) == 8
        seen |= set(targets)
        await province.press(page, "admin.btn.page_next", page=number, pages=5)
        page = await province.settled(
            card,
            lambda m, n=number: (
                province.said_plain("admin.btn.page_prev", page=n - 1, pages=5) in m.button_texts
            ),
        )
    last = [text for text in page.button_texts if not text.startswith(("◀️", "↩️"))]
    assert len(last) == 3
    assert len(seen | set(last)) == 35
    await province.send_to(card, "Kabupaten Uji 32")
    await province.done(card, T.DISPOSE, "Kabupaten Uji 32")
    moved = await world.complaints.get(complaint.id)
    target = await world.directory.organisation_by_code("KAB-32")
    assert moved is not None
    assert target is not None
    assert (moved.state, moved.current_org_id) == (S.AT_CITY, target.id)
    assert local_api.requests(ok=False) == []


async def test_back_from_the_picker_shows_the_card_again_and_nothing_changes(
    running_bot: RunningBot, local_api: LocalBotApi, world: World
) -> None:
    complaint = await seed(world)
    province = Desk(local_api, world, "province")
    card = await province.open(complaint.tracking_number)
    await province.press_action(card, T.DISPOSE)
    picker = await province.settled(card, lambda m: province.said_plain("admin.btn.back") in m.button_texts)
    await province.press(picker, "admin.btn.back")
    await province.settled(card, lambda m: province.said_plain("admin.btn.dispose") in m.button_texts)
    unchanged = await world.complaints.get(complaint.id)
    assert unchanged is not None
    assert (unchanged.state, unchanged.version) == (S.AT_PROVINCE, 1)


async def test_a_person_with_two_seats_gets_each_seats_queue_and_pages_the_one_pressed(
    running_bot: RunningBot, local_api: LocalBotApi, world: World
) -> None:
    # The province admin also sits for Kota Pekalongan's Dinkominfo (covering for a colleague).
    province = world.admins["province"]
    city_seat = await world.directory.add_admin(
        telegram_id=province.telegram_id, role=Role.CITY, org_code="KOTA-PKL", full_name=province.full_name
    )
    at_province = [await seed(world, subject=f"Di provinsi {index}") for index in range(2)]
    at_city = [await seed(world, subject=f"Di kota {index:02d}") for index in range(11)]
    for complaint in at_city:
        await down_to(world, complaint, T.DISPOSE)
    desk = Desk(local_api, world, "province")

    await desk.command("/antrian")
    titles = ("📥", world.orgs["JATENG"].name, world.orgs["KOTA-PKL"].name)
    province_queue = await desk.next_where(lambda m: _queue_of(m, titles[1]), "the province's queue")
    city_queue = await desk.next_where(lambda m: _queue_of(m, titles[2]), "the city's queue")
    assert _numbers(province_queue) == sorted(c.tracking_number for c in at_province)
    assert len(_numbers(city_queue)) == 10
    assert province_queue.button_texts[-1] != desk.said_plain("admin.btn.next")

    # "Next" under the city's queue pages the city's queue, not the province's.
    await desk.press(city_queue, "admin.btn.next")
    second = await desk.settled(city_queue, lambda m: len(_numbers(m)) == 1)
    assert set(_numbers(second)) <= {c.tracking_number for c in at_city}
    assert (await desk.user.wait_for_toast(timeout=10.0))["text"] in ("", None)

    # A page of a seat that is not theirs (another admin's seat id) is refused; nothing is shown.
    await desk.press_forged(second, f"gq:{world.admins['batang'].id}:0")
    assert await desk.toast() == desk.said_plain("admin.refused.not_admin")
    # Once the city seat is gone, its queue's page buttons are refused the same way.
    await world.directory.deactivate_admin(city_seat.id)
    await desk.press(second, "admin.btn.prev")
    assert await desk.toast() == desk.said_plain("admin.refused.not_admin")


def _queue_of(message: ChatMessage, org_name: str) -> bool:
    return (message.text or "").startswith("📥") and org_name in (message.text or "")


def _numbers(queue: ChatMessage) -> list[str]:
    return sorted(b["text"].split(" ")[1] for b in queue.buttons if b["text"][0].isdigit())
