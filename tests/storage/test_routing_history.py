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
    kept.record(city, PastDecision(f"{subject}. {chronology}", place, "PKL-DPUPR"), complaint_id=c)
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
    c = await file(world, subject, chronology, place)
    await to_city(world, c)
    await move(world, c, "city", T.FORWARD, target_org_id=world.orgs["PKL-DPUPR"].id)
    kept.record(city, PastDecision(f"{subject}. {chronology}", place, "PKL-DPUPR"), complaint_id=c)
    await kept.settled()  # the read began before the decision: it must not replace the copy holding it
    assert [d.final for d in (await kept.of(city)).history] == ["PKL-DPUPR"]


async def test_caught_up_from_the_log_as_a_whole_read_would_find_it(world: World) -> None:
    """After its first reads an office is only caught up (the moves since): the same history as a whole read,
    a return counted against the target it came back from."""
    now = [0.0]
    kept = RoutingHistory(world.directory.sessions, ttl=30.0, clock=lambda: now[0], in_flight=5.0)
    city = world.orgs["KOTA-PKL"].id
    assert (await kept.of(city)).history == ()
    now[0] = 10.0
    kept.forget(city)
    assert (await kept.of(city)).history == ()  # whole again: no read ended 5 s before the first
    expected = await decide(world)
    now[0] = 20.0
    kept.forget(city)
    assert list((await kept.of(city)).history) == expected
    # Another process's forward, then the agency sends it back: both caught up, the return counted.
    c = await file(
        world, "Saluran tersumbat sampah", "Sampah plastik menyumbat saluran, banjir.", "Jl. Progo"
    )
    await to_city(world, c)
    await move(world, c, "city", T.FORWARD, target_org_id=world.orgs["PKL-DPUPR"].id)
    now[0] = 31.0
    kept.forget(city)
    assert (await kept.of(city)).history[0].final == "PKL-DPUPR"
    await move(world, c, "opd", T.RETURN_TO_CITY, reason="Sampah, bukan saluran rusak.")
    now[0] = 40.0
    kept.forget(city)
    assert (await kept.of(city)).history == tuple(expected)  # sent back: nothing final for it yet
    await move(world, c, "city", T.FORWARD, target_org_id=world.orgs["PKL-DLH"].id)
    now[0] = 50.0
    kept.forget(city)
    history = (await kept.of(city)).history
    assert (history[0].final, history[0].returned_from) == ("PKL-DLH", ("PKL-DPUPR",))
    async with world.directory.sessions() as session:
        assert list(history) == await past_decisions(session, city)
    assert kept._kept[city].whole_at == 10.0  # the last four were catch-ups


async def test_a_decision_recorded_in_a_transaction_counts_once_it_commits(world: World) -> None:
    kept = RoutingHistory(world.directory.sessions)
    city = world.orgs["KOTA-PKL"].id
    assert (await kept.of(city)).history == ()
    decision = PastDecision("Jalan berlubang. Aspal rusak.", "Jl. Sriwijaya", "PKL-DPUPR")
    async with world.directory.sessions() as session:
        await session.begin()
        kept.record(city, decision, complaint_id=1, session=session)
        assert (await kept.of(city)).history == ()
        await session.rollback()
        await session.commit()  # a later commit of the same session does not bring it back
    assert (await kept.of(city)).history == ()
    async with world.directory.sessions() as session:
        await session.begin()
        kept.record(city, decision, complaint_id=2, session=session)
        assert (await kept.of(city)).history == ()
        await session.commit()
    assert (await kept.of(city)).history == (decision,)
