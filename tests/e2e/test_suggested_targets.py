"""The pickers suggest where similar complaints went, through the real bot and the local Bot API server.

Kota Pekalongan's duty keywords (the example registry) point street lights at Dinhub; this city forwards them
to Disperkim. After five such decisions, made in its own pickers, a sixth street light asks about Disperkim
first and says why in the message. A school matter of the province is suggested as a return to it, through
the card's own return, which asks for the reason. Nothing moves without the admin's press."""

from __future__ import annotations

from bot.dev.local_api import LocalBotApi
from tests.conftest import World
from tests.e2e.admin_desk import Desk, fire, seed
from tests.e2e.conftest import RunningBot
from tests.e2e.test_routing_pickers import asked, presses, world, yes
from workflow.definitions import S, T

__all__ = ["world"]  # the example registry's world, as test_routing_pickers builds it

LIGHTS = [
    (
        "Lampu jalan mati di Jl. Sriwijaya",
        "Sudah seminggu lampu jalan mati, jalan gelap tiap malam.",
        "Jl. Sriwijaya",
    ),
    (
        "PJU mati di Gang 5 Kergon",
        "Lampu penerangan jalan di gang kami mati, gelap, warga takut lewat.",
        "Kergon",
    ),
    (
        "Lampu jalan tidak menyala",
        "Tiga tiang lampu jalan di Jl. Dr. Wahidin mati sejak hujan, gelap.",
        "Jl. Wahidin",
    ),
    (
        "Lampu jalan padam di Jl. Merdeka",
        "Lampu jalan sepanjang Jl. Merdeka mati dua minggu, gelap.",
        "Jl. Merdeka",
    ),
    (
        "Penerangan jalan mati di Jl. Pemuda",
        "Lampu jalan mati semua, malam hari gelap dan rawan.",
        "Jl. Pemuda",
    ),
    ("Lampu jalan mati lagi", "Lampu jalan depan masjid mati, jalan gelap dan rawan.", "Jl. Kurinci"),
]
DECIDED = 5  # alike decisions before the office's own choice outweighs the duty words (CONFIDENCE 1.0)


async def test_after_the_city_s_own_decisions_a_similar_one_asks_about_their_agency_first_and_says_why(
    running_bot: RunningBot, local_api: LocalBotApi, world: World
) -> None:
    kota = world.orgs["KOTA-PEKALONGAN"]
    disperkim, dinhub = await orgs(world, "PKL-DISPERKIM", "PKL-DINHUB")
    city = Desk(local_api, world, "city")
    dinhub_why = city.said_plain("admin.pick.why.words", words="lampu jalan", org="Dinhub")
    for n, (subject, chronology, place) in enumerate(LIGHTS[:DECIDED]):
        complaint = await seed(world, subject=subject, chronology=chronology, event_place=place)
        complaint = await fire(world, complaint, "province", T.DISPOSE, target_org_id=kota.id)
        card = await city.open(complaint.tracking_number)
        await city.press_action(card, T.FORWARD)
        if n == 0:
            # Day one: nothing decided yet, the registry's duty words suggest Dinhub, and say so.
            first = await city.settled(card, lambda m: yes(city, dinhub) in m.button_texts)
            assert dinhub_why in (first.text or "")
            assert asked(city, T.FORWARD, dinhub) in (first.text or "")
        await city.send_to(card, disperkim.short_name)
        await city.done(card, T.FORWARD, disperkim.name)

    subject, chronology, place = LIGHTS[DECIDED]
    complaint = await seed(world, subject=subject, chronology=chronology, event_place=place)
    complaint = await fire(world, complaint, "province", T.DISPOSE, target_org_id=kota.id)
    card = await city.open(complaint.tracking_number)
    before = presses(city)
    await city.press_action(card, T.FORWARD)
    question = await city.settled(card, lambda m: yes(city, disperkim) in m.button_texts)
    text = question.text or ""
    assert asked(city, T.FORWARD, disperkim) in text
    # The why is in the message (a phone cuts labels), the office's decisions above the duty words.
    why = city.said_plain("admin.pick.why.history", went=DECIDED, alike=DECIDED, org="Disperkim")
    assert why in text
    assert text.index(why) < text.index(dinhub_why)
    assert dinhub.short_name in question.button_texts
    # Suggested, not applied: the complaint waits for the press.
    waiting = await world.complaints.get(complaint.id)
    assert waiting is not None
    assert waiting.state == S.AT_CITY
    await city.press_text(question, yes(city, disperkim))
    await city.done(card, T.FORWARD, disperkim.name)
    assert presses(city) - before == 2
    assert local_api.requests(ok=False) == []


async def test_a_province_matter_is_suggested_at_the_city_as_a_return_that_asks_the_reason(
    running_bot: RunningBot, local_api: LocalBotApi, world: World
) -> None:
    kota, province = world.orgs["KOTA-PEKALONGAN"], world.orgs["JATENG"]
    complaint = await seed(
        world,
        subject="Pungutan komite sekolah di SMK negeri",
        chronology="Anak saya di SMK diminta sumbangan komite sekolah Rp 1,5 juta, katanya wajib.",
        event_place="SMK Negeri 2 Pekalongan",
    )
    complaint = await fire(world, complaint, "province", T.DISPOSE, target_org_id=kota.id)
    city = Desk(local_api, world, "city")
    card = await city.open(complaint.tracking_number)
    await city.press_action(card, T.FORWARD)
    back = city.said_plain("admin.btn.return_to_province")
    matter = city.said_plain("admin.pick.province_matter", button=back)
    picker = await city.settled(card, lambda m: matter in (m.text or "") and back in m.button_texts)
    text = picker.text or ""
    assert "→ " + city.said_plain("admin.pick.why.province") in text
    assert "smk" in text
    assert "komite sekolah" in text
    # Pressing it is the card's own return: the reason first, then the confirmation, then it moves.
    unmoved = await world.complaints.get(complaint.id)
    assert unmoved is not None
    assert unmoved.state == S.AT_CITY
    await city.press_text(picker, back)
    await city.next_where(lambda m: (m.text or "").startswith("✍️"), "the reason prompt")
    await city.send("Kewenangan Pemprov: SMA/SMK dikelola provinsi.")
    confirmation = await city.next_where(
        lambda m: city.said_plain("admin.btn.confirm") in m.button_texts, "the reason shown back"
    )
    toast = await city.confirm(confirmation)
    await city.done(card, T.RETURN_TO_PROVINCE)
    moved = await world.complaints.get(complaint.id)
    assert moved is not None
    assert (moved.state, moved.current_org_id) == (S.AT_PROVINCE, province.id), toast
    assert local_api.requests(ok=False) == []


async def orgs(world: World, *codes: str) -> list:
    found = []
    for code in codes:
        org = await world.directory.organisation_by_code(code)
        assert org is not None
        found.append(org)
    return found
