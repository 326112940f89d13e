"""Admins routing a complaint with the real registry of Central Java: the usual target in two presses, asked
about by its full name before anything moves, short labels that read apart, the whole list narrowed by
typing, and a city never offered to itself. Each journey counts the presses the admin made."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.dev.local_api import ChatMessage, LocalBotApi
from storage import models
from storage.complaints import ComplaintService
from storage.database import session_factory
from storage.directory import Directory
from storage.registry import import_organisations
from tests.conftest import START, FakeClock, World, draft_for
from tests.e2e.admin_desk import Desk, fire, seed
from tests.e2e.conftest import RunningBot
from workflow.actors import Organisation, Role
from workflow.calendar import WorkingCalendar
from workflow.definitions import S, T
from workflow.identity import Identity

REGISTRY = Path(__file__).resolve().parents[2] / "examples" / "orgs-jateng.yaml"
CODES = (
    "JATENG",
    "KOTA-PEKALONGAN",
    "KAB-PEKALONGAN",
    "KAB-BATANG",
    "PKL-DPUPR",
    "PKL-DLH",
    "PKL-DINKOMINFO",
)
SEATS = [
    ("province", 1001, Role.PROVINCE, "JATENG"),
    ("city", 2001, Role.CITY, "KOTA-PEKALONGAN"),
    ("opd", 3001, Role.OPD, "PKL-DPUPR"),
]
# Rina lives in Kota Pekalongan (NIK region 3375); Slamet in Kabupaten Batang (3325).
RINA = Identity("Rina Marlina", "3375014507900002", "+6281234567801", "Jl. Sriwijaya No. 12")
SLAMET = Identity("Slamet Riyadi", "3325020304850003", "+6285712345602", "Desa Kalisalak RT 03 RW 07")


@pytest.fixture
async def world(clean_engine: AsyncEngine) -> World:
    """This module's world: the example registry (35 cities, Kota Pekalongan's agencies), as deployed."""
    sessions = session_factory(clean_engine)
    clock = FakeClock(START)
    directory = Directory(sessions)
    complaints = ComplaintService(sessions, WorkingCalendar(), clock=clock)
    await import_organisations(sessions, REGISTRY.read_text(encoding="utf-8"))
    orgs: dict[str, Organisation] = {}
    for code in CODES:
        org = await directory.organisation_by_code(code)
        assert org is not None
        orgs[code] = org
    admins = {
        seat: await directory.add_admin(telegram_id=tid, role=role, org_code=org, full_name=f"Admin {seat}")
        for seat, tid, role, org in SEATS
    }
    reporter = await directory.save_reporter(telegram_id=9001, identity=RINA)
    return World(clock, directory, complaints, orgs, admins, reporter)


def presses(desk: Desk) -> int:
    """Every button this admin has pressed so far, as the Bot API server received them."""
    return sum(1 for press in desk.user.bot.callbacks.values() if press.person_id == desk.admin.telegram_id)


def asked(desk: Desk, trigger: str, org: Organisation) -> str:
    return desk.said_plain(f"admin.pick.ask.{trigger}", org=org.name)


def yes(desk: Desk, org: Organisation) -> str:
    return desk.said_plain("admin.btn.send_to", org=org.short_name)


def targets_on(desk: Desk, message: ChatMessage) -> list[str]:
    """The target buttons of a picker, without its navigation."""
    navigation = (desk.said_plain("admin.btn.back"), desk.said_plain("admin.btn.more"))
    return [
        text
        for text in message.button_texts
        if text not in navigation and not text.startswith("◀️") and not text.endswith("▶️")
    ]


def turned_to(number: int) -> Callable[[ChatMessage], bool]:
    """The picker shows page `number`: its "◀️" button leads to the page before."""
    previous = f"◀️ {number - 1}/"
    return lambda message: any(text.startswith(previous) for text in message.button_texts)


async def every_target(desk: Desk, card: ChatMessage) -> list[str]:
    """Open "Lainnya…" on the picker shown on `card` and page through the whole list."""
    await desk.press(card, "admin.btn.more")
    page = await desk.settled(card, lambda m: desk.said_plain("admin.btn.more") not in m.button_texts)
    seen = targets_on(desk, page)
    number = 2
    while True:
        next_label = next((text for text in page.button_texts if text.startswith(f"{number}/")), None)
        if next_label is None:
            return seen
        await desk.press_text(page, next_label)
        page = await desk.settled(card, turned_to(number))
        seen += targets_on(desk, page)
        number += 1


async def test_the_province_sends_to_the_usual_city_in_two_presses_after_seeing_its_full_name(
    running_bot: RunningBot, local_api: LocalBotApi, world: World
) -> None:
    complaint = await seed(world, event_place="Jl. Hayam Wuruk, Pekalongan Timur")
    kota = world.orgs["KOTA-PEKALONGAN"]
    province = Desk(local_api, world, "province")
    card = await province.open(complaint.tracking_number)
    before = presses(province)

    await province.press_action(card, T.DISPOSE)
    # The complaint's own city is asked about at once, by its full name; nothing has moved yet.
    question = await province.settled(card, lambda m: yes(province, kota) in m.button_texts)
    assert asked(province, T.DISPOSE, kota) in (question.text or "")
    assert await province.toast() == province.said_plain(
        "admin.pick.asked", question=asked(province, T.DISPOSE, kota)
    )
    unmoved = await world.complaints.get(complaint.id)
    assert unmoved is not None
    assert (unmoved.state, unmoved.version) == (S.AT_PROVINCE, 1)
    # Its namesake regency is one press away, under a label that cannot be taken for it.
    assert world.orgs["KAB-PEKALONGAN"].short_name in question.button_texts

    await province.press_text(question, yes(province, kota))
    await province.done(card, T.DISPOSE, kota.name)
    assert presses(province) - before == 2
    moved = await world.complaints.get(complaint.id)
    assert moved is not None
    assert (moved.state, moved.current_org_id) == (S.AT_CITY, kota.id)
    assert local_api.requests(ok=False) == []


async def test_a_target_pressed_is_asked_about_and_only_the_confirmation_moves_it(
    running_bot: RunningBot, local_api: LocalBotApi, world: World
) -> None:
    complaint = await seed(world, event_place="Jl. Hayam Wuruk, Pekalongan Timur")
    kab = world.orgs["KAB-PEKALONGAN"]
    province = Desk(local_api, world, "province")
    card = await province.open(complaint.tracking_number)
    await province.press_action(card, T.DISPOSE)
    picker = await province.settled(card, lambda m: kab.short_name in m.button_texts)
    await province.press_text(picker, kab.short_name)
    question = await province.settled(card, lambda m: yes(province, kab) in m.button_texts)
    assert asked(province, T.DISPOSE, kab) in (question.text or "")
    unmoved = await world.complaints.get(complaint.id)
    assert unmoved is not None
    assert (unmoved.state, unmoved.version) == (S.AT_PROVINCE, 1)
    # "Pilih lagi": the city first asked about is still a press away.
    assert world.orgs["KOTA-PEKALONGAN"].short_name in question.button_texts
    await province.press_text(question, yes(province, kab))
    await province.done(card, T.DISPOSE, kab.name)
    moved = await world.complaints.get(complaint.id)
    assert moved is not None
    assert moved.current_org_id == kab.id


async def test_the_place_typed_comes_first_then_the_reporters_own_region(
    running_bot: RunningBot, local_api: LocalBotApi, world: World
) -> None:
    province = Desk(local_api, world, "province")
    # Kajen is a kecamatan of Kabupaten Pekalongan; Rina's NIK is Kota Pekalongan's, offered beside it.
    in_kajen = await seed(world, event_place="Jl. Mandurorejo, depan Pasar Kajen")
    card = await province.open(in_kajen.tracking_number)
    await province.press_action(card, T.DISPOSE)
    question = await province.settled(
        card, lambda m: yes(province, world.orgs["KAB-PEKALONGAN"]) in m.button_texts
    )
    assert world.orgs["KOTA-PEKALONGAN"].short_name in question.button_texts

    # A place the registry does not know: Slamet's NIK says Batang.
    slamet = await world.directory.save_reporter(telegram_id=9002, identity=SLAMET)
    unknown = await world.complaints.submit(
        draft_for(slamet, event_place="Jl. Gajah Mada dekat masjid"), slamet.as_actor()
    )
    card = await province.open(unknown.tracking_number)
    await province.press_action(card, T.DISPOSE)
    await province.settled(card, lambda m: yes(province, world.orgs["KAB-BATANG"]) in m.button_texts)
    assert local_api.requests(ok=False) == []


async def test_every_label_is_short_and_none_looks_like_another(
    running_bot: RunningBot, local_api: LocalBotApi, world: World
) -> None:
    complaint = await seed(world)
    province = Desk(local_api, world, "province")
    card = await province.open(complaint.tracking_number)
    await province.press_action(card, T.DISPOSE)
    await province.settled(card, lambda m: province.said_plain("admin.btn.more") in m.button_texts)
    cities = await every_target(province, card)
    assert len(cities) == 35
    assert len(set(cities)) == 35
    assert max(len(label) for label in cities) <= 24
    assert {"Kota Pekalongan", "Kab. Pekalongan", "Kab. Batang", "Kota Semarang"} <= set(cities)
    assert local_api.requests(ok=False) == []


async def test_the_city_forwards_to_its_usual_agency_in_two_presses_and_never_to_itself(
    running_bot: RunningBot, local_api: LocalBotApi, world: World, clean_engine: AsyncEngine
) -> None:
    # An older registry made the city's own Dinkominfo one of its agencies: the picker must still skip it.
    async with clean_engine.begin() as connection:
        await connection.execute(
            update(models.Organisation)
            .where(models.Organisation.code == "PKL-DINKOMINFO")
            .values(active=True)
        )
    city_seat = world.admins["city"]
    dlh, dpupr = world.orgs["PKL-DLH"], world.orgs["PKL-DPUPR"]
    # The city's habit: DLH twice, DPUPR once.
    for target in (dlh, dpupr, dlh):
        earlier = await seed(world, subject=f"Sebelumnya ke {target.short_name}")
        earlier = await fire(
            world, earlier, "province", T.DISPOSE, target_org_id=world.orgs["KOTA-PEKALONGAN"].id
        )
        await world.complaints.fire(
            earlier.id, city_seat.as_actor(), T.FORWARD, seen_version=earlier.version, target_org_id=target.id
        )
    # Its matter is the environment office's by its words too (rubbish, a smell): habit and suggestion agree.
    complaint = await seed(
        world,
        subject="Sampah menumpuk di pinggir jalan",
        chronology="Sampah rumah tangga menumpuk seminggu, baunya menyengat sampai ke rumah warga.",
    )
    complaint = await fire(
        world, complaint, "province", T.DISPOSE, target_org_id=world.orgs["KOTA-PEKALONGAN"].id
    )
    city = Desk(local_api, world, "city")
    card = await city.open(complaint.tracking_number)
    before = presses(city)

    await city.press_action(card, T.FORWARD)
    question = await city.settled(card, lambda m: yes(city, dlh) in m.button_texts)
    assert asked(city, T.FORWARD, dlh) in (question.text or "")
    assert dpupr.short_name in question.button_texts
    await city.press_text(question, yes(city, dlh))
    await city.done(card, T.FORWARD, dlh.name)
    assert presses(city) - before == 2
    moved = await world.complaints.get(complaint.id)
    assert moved is not None
    assert (moved.state, moved.current_org_id) == (S.AT_OPD, dlh.id)

    # The whole list: its 25 agencies, short, and not the city office itself.
    other = await seed(world, subject="Lampu jalan mati")
    other = await fire(world, other, "province", T.DISPOSE, target_org_id=world.orgs["KOTA-PEKALONGAN"].id)
    card = await city.open(other.tracking_number)
    await city.press_action(card, T.FORWARD)
    await city.settled(card, lambda m: city.said_plain("admin.btn.more") in m.button_texts)
    agencies = await every_target(city, card)
    assert len(agencies) == len(set(agencies)) == 25
    assert max(len(label) for label in agencies) <= 24
    office = world.orgs["PKL-DINKOMINFO"]
    assert office.short_name not in agencies
    assert world.orgs["KOTA-PEKALONGAN"].short_name not in agencies
    assert {"DLH", "DPUPR", "Satpol PP"} <= set(agencies)
    assert local_api.requests(ok=False) == []


async def test_after_a_return_the_target_its_reason_names_is_asked_about_never_the_one_that_returned_it(
    running_bot: RunningBot, local_api: LocalBotApi, world: World
) -> None:
    kota, batang = world.orgs["KOTA-PEKALONGAN"], world.orgs["KAB-BATANG"]
    dlh, dpupr = world.orgs["PKL-DLH"], world.orgs["PKL-DPUPR"]
    complaint = await seed(world, event_place="Jl. Hayam Wuruk, Pekalongan Timur")
    complaint = await fire(world, complaint, "province", T.DISPOSE, target_org_id=kota.id)
    complaint = await fire(
        world,
        complaint,
        "city",
        T.RETURN_TO_PROVINCE,
        reason="Lokasi di wilayah Kabupaten Batang, bukan kewenangan Kota Pekalongan",
    )
    province = Desk(local_api, world, "province")
    card = await province.open(complaint.tracking_number)
    before = presses(province)
    await province.press_action(card, T.DISPOSE)
    question = await province.settled(card, lambda m: yes(province, batang) in m.button_texts)
    # The city that sent it back is not offered again beside it, though the place and the NIK say so.
    assert kota.short_name not in question.button_texts
    await province.press_text(question, yes(province, batang))
    await province.done(card, T.DISPOSE, batang.name)
    assert presses(province) - before == 2

    # The city habitually forwards to DLH; DLH sends it back naming DPUPR.
    for _ in range(2):
        earlier = await seed(world, subject="Sampah")
        earlier = await fire(world, earlier, "province", T.DISPOSE, target_org_id=kota.id)
        await fire(world, earlier, "city", T.FORWARD, target_org_id=dlh.id)
    other = await seed(world, subject="Jalan ambles")
    other = await fire(world, other, "province", T.DISPOSE, target_org_id=kota.id)
    other = await fire(world, other, "city", T.FORWARD, target_org_id=dlh.id)
    await world.directory.add_admin(
        telegram_id=3101, role=Role.OPD, org_code="PKL-DLH", full_name="Admin dlh"
    )
    dlh_actor = (await world.directory.admins_of_user(3101))[0].as_actor()
    other = (
        await world.complaints.fire(
            other.id,
            dlh_actor,
            T.RETURN_TO_CITY,
            seen_version=other.version,
            reason="Perbaikan jalan bukan tugas DLH; mohon diteruskan ke DPUPR.",
        )
    ).complaint
    city = Desk(local_api, world, "city")
    card = await city.open(other.tracking_number)
    before = presses(city)
    await city.press_action(card, T.FORWARD)
    question = await city.settled(card, lambda m: yes(city, dpupr) in m.button_texts)
    assert dlh.short_name not in question.button_texts
    await city.press_text(question, yes(city, dpupr))
    await city.done(card, T.FORWARD, dpupr.name)
    assert presses(city) - before == 2
    assert local_api.requests(ok=False) == []


async def test_typing_a_few_letters_narrows_the_whole_list(
    running_bot: RunningBot, local_api: LocalBotApi, world: World
) -> None:
    complaint = await seed(world)
    batang = world.orgs["KAB-BATANG"]
    province = Desk(local_api, world, "province")
    card = await province.open(complaint.tracking_number)
    before = presses(province)
    await province.press_action(card, T.DISPOSE)
    picker = await province.settled(card, lambda m: province.said_plain("admin.btn.more") in m.button_texts)
    await province.press(picker, "admin.btn.more")
    listed = await province.settled(
        card, lambda m: province.said_plain("admin.btn.more") not in m.button_texts
    )
    # The card says what typing does, where the list is.
    assert (listed.text or "").endswith(province.said_plain("admin.pick.type_hint"))

    await province.send("zzq")
    await province.expect_key("admin.pick.no_match", typed="zzq")
    # A kecamatan finds its regency too.
    await province.send("kajen")
    await province.expect_key("admin.pick.matches", count=1, typed="kajen")
    narrowed = await province.settled(card, lambda m: targets_on(province, m) == ["Kab. Pekalongan"])
    await province.send("batang")
    await province.expect_key("admin.pick.matches", count=1, typed="batang")
    narrowed = await province.settled(card, lambda m: targets_on(province, m) == [batang.short_name])
    await province.press_text(narrowed, batang.short_name)
    question = await province.settled(card, lambda m: yes(province, batang) in m.button_texts)
    assert asked(province, T.DISPOSE, batang) in (question.text or "")
    await province.press_text(question, yes(province, batang))
    await province.done(card, T.DISPOSE, batang.name)
    # Disposisi, Lainnya…, the match, ✅ — and two messages typed.
    assert presses(province) - before == 4
    moved = await world.complaints.get(complaint.id)
    assert moved is not None
    assert moved.current_org_id == batang.id
    assert local_api.requests(ok=False) == []


async def test_a_return_is_a_press_a_reason_and_a_confirmation(
    running_bot: RunningBot, local_api: LocalBotApi, world: World
) -> None:
    complaint = await seed(world)
    complaint = await fire(
        world, complaint, "province", T.DISPOSE, target_org_id=world.orgs["KOTA-PEKALONGAN"].id
    )
    city = Desk(local_api, world, "city")
    card = await city.open(complaint.tracking_number)
    before = presses(city)
    reason = "Lokasi di wilayah Kabupaten Batang, bukan kewenangan Kota Pekalongan"
    confirmation = await city.give_reason(card, T.RETURN_TO_PROVINCE, reason)
    await city.confirm(confirmation)
    await city.done(card, T.RETURN_TO_PROVINCE)
    assert presses(city) - before == 2  # the step, then ✅ — with the reason typed between them
    moved = await world.complaints.get(complaint.id)
    assert moved is not None
    assert moved.state == S.AT_PROVINCE


async def test_a_forged_target_outside_the_offices_own_is_refused(
    running_bot: RunningBot, local_api: LocalBotApi, world: World
) -> None:
    complaint = await seed(world)
    complaint = await fire(
        world, complaint, "province", T.DISPOSE, target_org_id=world.orgs["KOTA-PEKALONGAN"].id
    )
    city = Desk(local_api, world, "city")
    card = await city.open(complaint.tracking_number)
    await city.press_forged(card, f"gt:{complaint.id}:{complaint.version}:fw:{world.orgs['KAB-BATANG'].id}")
    assert await city.toast() == city.said_plain("admin.refused.invalid_target")
    unmoved = await world.complaints.get(complaint.id)
    assert unmoved is not None
    assert (unmoved.state, unmoved.version) == (S.AT_CITY, complaint.version)


async def test_many_matches_show_the_first_page_and_a_list_left_open_closes_when_the_complaint_moves(
    running_bot: RunningBot, local_api: LocalBotApi, world: World
) -> None:
    complaint = await seed(world)
    province = Desk(local_api, world, "province")
    card = await province.open(complaint.tracking_number)
    await province.press_action(card, T.DISPOSE)
    picker = await province.settled(card, lambda m: province.said_plain("admin.btn.more") in m.button_texts)
    await province.press(picker, "admin.btn.more")
    await province.settled(card, lambda m: province.said_plain("admin.btn.more") not in m.button_texts)
    # 29 of the 35 are regencies: the first 8 on the card, and a word to type more.
    await province.send("kab")
    await province.expect_key("admin.pick.matches_more", count=29, typed="kab", shown=8)
    narrowed = await province.settled(
        card, lambda m: len(targets_on(province, m)) == 8 and "Kota Pekalongan" not in m.button_texts
    )
    assert all(label.startswith("Kab. ") for label in targets_on(province, narrowed))
    assert not any(text.endswith("▶️") for text in narrowed.button_texts)

    # Meanwhile the complaint is disposed elsewhere: the letters typed now find a closed list.
    await fire(world, complaint, "province", T.DISPOSE, target_org_id=world.orgs["KAB-BATANG"].id)
    await province.send("bat")
    await province.expect_key("admin.pick.closed")
    assert local_api.requests(ok=False) == []
