"""An office's final decisions read from the event log, and the suggestion they give, on both databases."""

from __future__ import annotations

from storage.routing_history import RoutingHistory, past_decisions
from tests.conftest import World, draft_for
from workflow.definitions import T
from workflow.suggestions import RETURN_TO_PROVINCE, PastDecision, suggest_targets

RUBBISH = [
    (
        "Sampah menumpuk di TPS Kraton",
        "Sampah tidak diangkut seminggu, bau busuk sampai rumah warga.",
        "TPS Kraton",
    ),
    ("Tumpukan sampah di pinggir kali", "Warga buang sampah di bantaran, baunya menyengat.", "Kali Loji"),
    ("Sampah pasar belum diangkut", "Sampah sisa pasar menumpuk dan bau sejak kemarin.", "Pasar Banjarsari"),
]
POTHOLES = [
    ("Jalan berlubang besar", "Aspal rusak dan berlubang, motor sering jatuh.", "Jl. Hayam Wuruk"),
    ("Jalan rusak parah", "Lubang di tengah jalan makin lebar setelah hujan.", "Jl. Sriwijaya"),
]
SCHOOL = ("Pungutan di SMA negeri", "Komite sekolah SMA meminta sumbangan wajib.", "SMA Negeri 1")


async def file(world: World, subject: str, chronology: str, place: str) -> int:
    draft = draft_for(world.reporter, subject=subject, chronology=chronology, event_place=place)
    complaint = await world.complaints.submit(draft, world.reporter.as_actor())
    return complaint.id


async def move(world: World, complaint_id: int, seat: str, trigger: str, **extra: object) -> None:
    current = await world.complaints.get(complaint_id)
    assert current is not None
    await world.complaints.fire(
        complaint_id, world.actor(seat), trigger, seen_version=current.version, **extra
    )


async def to_city(world: World, complaint_id: int) -> None:
    await move(world, complaint_id, "province", T.DISPOSE, target_org_id=world.orgs["KOTA-PKL"].id)


async def decide(world: World) -> list[PastDecision]:
    """The city decides a few complaints, with a return from an agency and one to the province; the same
    decisions written by hand, newest first, as the office's history should read."""
    dlh, dpupr = world.orgs["PKL-DLH"], world.orgs["PKL-DPUPR"]
    expected: list[PastDecision] = []
    for subject, chronology, place in RUBBISH:
        c = await file(world, subject, chronology, place)
        await to_city(world, c)
        await move(world, c, "city", T.FORWARD, target_org_id=dlh.id)
        expected.append(PastDecision(f"{subject}. {chronology}", place, "PKL-DLH"))
    # Rubbish sent to public works first: returned from there, then to the environment office.
    subject, chronology, place = ("Sampah di saluran", "Saluran penuh sampah plastik, bau.", "Jl. Progo")
    c = await file(world, subject, chronology, place)
    await to_city(world, c)
    await move(world, c, "city", T.FORWARD, target_org_id=dpupr.id)
    await move(world, c, "opd", T.RETURN_TO_CITY, reason="Sampah, bukan saluran rusak.")
    await move(world, c, "city", T.FORWARD, target_org_id=dlh.id)
    expected.append(PastDecision(f"{subject}. {chronology}", place, "PKL-DLH", ("PKL-DPUPR",)))
    for subject, chronology, place in POTHOLES:
        c = await file(world, subject, chronology, place)
        await to_city(world, c)
        await move(world, c, "city", T.FORWARD, target_org_id=dpupr.id)
        expected.append(PastDecision(f"{subject}. {chronology}", place, "PKL-DPUPR"))
    subject, chronology, place = SCHOOL
    c = await file(world, subject, chronology, place)
    await to_city(world, c)
    await move(world, c, "city", T.RETURN_TO_PROVINCE, reason="Kewenangan provinsi (SMA).")
    expected.append(PastDecision(f"{subject}. {chronology}", place, RETURN_TO_PROVINCE))
    # Returned to the province and disposed back: the return did not stand, and nothing final yet.
    c = await file(world, "Jalan rusak lagi", "Lubang belum ditambal.", "Jl. Merdeka")
    await to_city(world, c)
    await move(world, c, "city", T.RETURN_TO_PROVINCE, reason="Jalan nasional?")
    await to_city(world, c)
    # Still at the city, never moved by it: not a decision.
    await to_city(world, await file(world, "Lampu jalan mati", "Gelap sejak seminggu.", "Jl. Pemuda"))
    return expected[::-1]


async def test_the_office_s_final_decisions_newest_first_returns_counted_against(world: World) -> None:
    expected = await decide(world)
    async with world.directory.sessions() as session:
        history = await past_decisions(session, world.orgs["KOTA-PKL"].id)
        assert history == expected
        # The latest two complaints it moved: the school matter, and one sent back to it (no final yet).
        assert await past_decisions(session, world.orgs["KOTA-PKL"].id, limit=2) == expected[:1]
        # The province's own: each went to Kota Pekalongan, except the school matter it got back and has not
        # disposed again; the one returned and disposed back counts against the city once.
        province = await past_decisions(session, world.orgs["JATENG"].id)
    assert [d.final for d in province] == ["KOTA-PKL"] * 8
    assert [d.text.split(".")[0] for d in province if d.returned_from] == ["Jalan rusak lagi"]
    assert not any(d.text.startswith("Pungutan") for d in province)


async def test_the_same_suggestion_from_the_database_as_from_the_decisions_themselves(world: World) -> None:
    """What the bot suggests reads the database; it must equal the pure function on the same decisions, so
    that SQLite and PostgreSQL (this test runs on each) give the same answer."""
    expected = await decide(world)
    keywords = {"PKL-DLH": ("sampah", "bau"), "PKL-DPUPR": ("lubang", "aspal", "saluran")}
    async with world.directory.sessions() as session:
        history = await past_decisions(session, world.orgs["KOTA-PKL"].id)
    for text, place in [
        ("Sampah menumpuk dan bau di dekat pasar", "Pasar Banjarsari"),
        ("Jalan berlubang di depan sekolah", "Jl. Sriwijaya"),
        ("Sumbangan komite sekolah SMA", "SMA Negeri 3"),
    ]:
        from_db = suggest_targets(text, place, history, keywords)
        assert from_db == suggest_targets(text, place, expected, keywords)
        assert from_db, text
    top = suggest_targets("Sampah menumpuk dan bau di dekat pasar", "Pasar", history, keywords)[0]
    assert (top.org_code, top.went) == ("PKL-DLH", top.alike)
    school = suggest_targets("Sumbangan komite sekolah SMA", "SMA Negeri 3", history, keywords)
    assert school[0].org_code == RETURN_TO_PROVINCE


async def test_kept_per_office_until_it_decides_or_a_while_passes(world: World) -> None:
    now = [0.0]
    kept = RoutingHistory(world.directory.sessions, ttl=30.0, clock=lambda: now[0])
    city = world.orgs["KOTA-PKL"].id
    assert (await kept.of(city)).history == ()
    subject, chronology, place = RUBBISH[0]
    c = await file(world, subject, chronology, place)
    await to_city(world, c)
    await move(world, c, "city", T.FORWARD, target_org_id=world.orgs["PKL-DLH"].id)
    assert (await kept.of(city)).history == ()  # kept: another process's decision shows after the TTL
    now[0] = 31.0
    # Expired: this picker still gets the old copy at once, and a fresh one is read beside it.
    assert (await kept.of(city)).history == ()
    await kept.settled()
    assert [d.final for d in (await kept.of(city)).history] == ["PKL-DLH"]
    c = await file(world, *POTHOLES[0])
    await to_city(world, c)
    await move(world, c, "city", T.FORWARD, target_org_id=world.orgs["PKL-DPUPR"].id)
    # The picker that moved it records the decision: counted at once, without reading the log.
    subject, chronology, place = POTHOLES[0]
    kept.record(city, PastDecision(f"{subject}. {chronology}", place, "PKL-DPUPR"))
    assert [d.final for d in (await kept.of(city)).history] == ["PKL-DPUPR", "PKL-DLH"]
    # The agency sends it back: the log is read afresh and the return counts against it.
    await move(world, c, "opd", T.RETURN_TO_CITY, reason="Bukan kewenangan kami.")
    kept.forget(None, city)
    assert [(d.final, d.returned_from) for d in (await kept.of(city)).history] == [("PKL-DLH", ())]


async def test_a_decision_recorded_while_the_log_is_read_is_not_lost(world: World) -> None:
    now = [0.0]
    kept = RoutingHistory(world.directory.sessions, ttl=30.0, clock=lambda: now[0])
    city = world.orgs["KOTA-PKL"].id
    assert (await kept.of(city)).history == ()
    now[0] = 31.0
    assert (await kept.of(city)).history == ()  # a read of the log begins beside this picker
    subject, chronology, place = POTHOLES[0]
    kept.record(city, PastDecision(f"{subject}. {chronology}", place, "PKL-DPUPR"))
    await kept.settled()  # the read began before the decision: it must not replace the copy holding it
    assert [d.final for d in (await kept.of(city)).history] == ["PKL-DPUPR"]
