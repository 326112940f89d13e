"""A reporter's erasure request: filed once, to every admin of the handling office, decided once, erasing
what retention erases; complaints, history and reports go on working."""

from __future__ import annotations

import argparse
import asyncio
from datetime import UTC, timedelta

from sqlalchemy import Text, select, type_coerce
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app.cli import data_requests_pending
from storage import models
from storage.data_requests import DataRequests, DecideOutcome, FileOutcome, RequestStatus
from storage.database import session_factory
from storage.outbox.notifications import NoticeKind
from storage.reports.figures import Period, build_report, complaint_rows
from storage.retention import ERASED_NAME
from tests.conftest import World, draft_for
from workflow.calendar import WorkingCalendar, to_wib
from workflow.definitions import T

OFFICE = "KOTA-PKL"
OFFICE_SEATS = ("city", "city2", "officer", "official")


def requests_of(world: World, engine: AsyncEngine) -> DataRequests:
    return DataRequests(session_factory(engine), clock=world.clock)


async def outbox(engine: AsyncEngine) -> list[models.OutboxMessage]:
    async with session_factory(engine)() as session:
        return list(
            (await session.scalars(select(models.OutboxMessage).order_by(models.OutboxMessage.id))).all()
        )


async def test_what_is_held_is_counted_and_encrypted(world: World, clean_engine: AsyncEngine) -> None:
    requests = requests_of(world, clean_engine)
    await world.complaints.submit(draft_for(world.reporter), world.reporter.as_actor())
    held = await requests.holdings(world.reporter.telegram_id or 0)
    assert held is not None
    assert held.reporter.nik == "3375014507900002"
    assert held.encrypted  # the suite runs with a key
    assert [c.tracking_number for c in held.complaints] == ["LG-2026-000001"]
    assert [c.finished for c in held.complaints] == [False]
    assert (held.pending, held.last_decided, held.erased_at) == (None, None, None)
    assert await requests.holdings(424242) is None


async def test_a_request_reaches_every_office_admin_once_and_a_second_says_so(
    world: World, clean_engine: AsyncEngine
) -> None:
    requests = requests_of(world, clean_engine)
    filed = await requests.request_erasure(world.reporter.telegram_id or 0, OFFICE)
    assert filed.outcome is FileOutcome.FILED
    assert filed.admins_told == len(OFFICE_SEATS)
    cards = [row for row in await outbox(clean_engine) if row.kind == NoticeKind.DATA_REQUEST]
    assert sorted(row.chat_id for row in cards) == sorted(world.admins[s].telegram_id for s in OFFICE_SEATS)
    # Only the request's id: no identity is copied where an erasure would not reach it.
    assert all(row.payload == {"request_id": filed.request.id} for row in cards)  # type: ignore[union-attr]

    again = await requests.request_erasure(world.reporter.telegram_id or 0, OFFICE)
    assert again.outcome is FileOutcome.ALREADY_PENDING
    assert again.request is not None
    assert again.request.id == filed.request.id
    assert len(await outbox(clean_engine)) == len(cards)
    # Unknown office, unknown person.
    other = await world.directory.save_reporter(telegram_id=9002, identity=World.reporter_identity_of_other())
    assert (await requests.request_erasure(9002, "NOWHERE")).outcome is FileOutcome.NO_OFFICE
    assert (await requests.request_erasure(424242, OFFICE)).outcome is FileOutcome.NOTHING_HELD
    assert other.id != world.reporter.id


async def test_two_requests_at_once_file_one(world: World, clean_engine: AsyncEngine) -> None:
    requests = requests_of(world, clean_engine)
    results = await asyncio.gather(
        *(requests.request_erasure(world.reporter.telegram_id or 0, OFFICE) for _ in range(4))
    )
    assert sorted(r.outcome for r in results).count(FileOutcome.FILED) == 1
    async with session_factory(clean_engine)() as session:
        assert len((await session.scalars(select(models.DataRequest))).all()) == 1


async def test_erasure_confirmed_erases_like_retention_and_keeps_everything_else(
    world: World, clean_engine: AsyncEngine
) -> None:
    requests = requests_of(world, clean_engine)
    await world.directory.set_language(world.reporter.telegram_id or 0, "id", "Rina")
    await world.directory.set_language(9002, "id", "Slamet")
    assert await requests.telegram_name(world.reporter.telegram_id or 0) == "Rina"
    other = await world.directory.save_reporter(telegram_id=9002, identity=World.reporter_identity_of_other())
    finished = await world.complaints.submit(draft_for(world.reporter), world.reporter.as_actor())
    await world.complaints.fire(
        finished.id, world.actor("province"), T.REJECT, seen_version=1, reason="Bukan."
    )
    still_open = await world.complaints.submit(draft_for(world.reporter), world.reporter.as_actor())
    await world.complaints.submit(draft_for(other), other.as_actor())
    filed = await requests.request_erasure(world.reporter.telegram_id or 0, OFFICE)
    assert filed.request is not None
    world.clock.advance(hours=2)

    city = world.admins["city"]
    decision = await requests.decide(filed.request.id, [city], erase=True)
    assert decision.outcome is DecideOutcome.DONE
    assert decision.request is not None
    assert decision.request.status is RequestStatus.ERASED
    assert (decision.request.decided_at, decision.request.decided_by_name) == (
        world.clock.now,
        city.full_name,
    )

    erased = await world.directory.reporter_by_telegram_id(world.reporter.telegram_id or 0)
    assert erased is not None
    assert erased.erased
    assert (erased.full_name, erased.nik, erased.phone, erased.address) == (ERASED_NAME, "", "", "")
    kept = await world.directory.reporter_by_telegram_id(9002)
    assert kept is not None
    assert (kept.erased, kept.full_name) == (False, "Slamet Riyadi")
    # Nothing of the name is left in the stored events either, nor in the raw columns.
    async with session_factory(clean_engine)() as session:
        names = set(await session.scalars(select(models.ComplaintEvent.actor_name)))
        raw = set(await session.scalars(select(type_coerce(models.Reporter.__table__.c.nik, Text))))
    assert "Rina Marlina" not in names
    assert all("Rina Marlina" not in str(row.payload) for row in await outbox(clean_engine))
    assert await requests.telegram_name(world.reporter.telegram_id or 0) == ""
    assert await requests.telegram_name(9002) == "Slamet"
    assert "3375014507900002" not in raw
    # The complaints, their cards and history, the reporter's own list and the reports go on.
    card = await world.complaints.card(still_open.id)
    assert card is not None
    assert card.reporter.full_name == ERASED_NAME
    assert len(await world.complaints.history(finished.id)) == 2
    assert {c.id for c in await world.complaints.reporter_complaints(erased.id)} == {
        finished.id,
        still_open.id,
    }
    moved = await world.complaints.fire(
        still_open.id, world.actor("province"), T.DISPOSE, seen_version=1, target_org_id=world.orgs[OFFICE].id
    )
    assert moved.complaint.state == "at_city"
    today = to_wib(world.clock.now).date()
    period = Period(today - timedelta(days=30), today)
    report = await build_report(
        world.complaints.sessions, WorkingCalendar(), world.orgs["JATENG"], period, now=world.clock.now
    )
    assert report is not None
    rows = await complaint_rows(
        world.complaints.sessions, WorkingCalendar(), world.orgs["JATENG"], period, now=world.clock.now
    )
    assert len(rows) == 3

    # The audit trail: filed by the reporter, erased by the admin.
    events = await requests.events(filed.request.id)
    assert [(e.action, e.actor_role, e.actor_name) for e in events] == [
        ("requested", "reporter", ""),
        ("erased", "city", city.full_name),
    ]
    # The reporter is told; every other admin's copy is retired.
    rows_out = await outbox(clean_engine)
    told = [row for row in rows_out if row.kind == NoticeKind.DATA_REQUEST_DECIDED]
    assert [row.chat_id for row in told] == [world.reporter.telegram_id]
    retired = [row for row in rows_out if row.kind == NoticeKind.DATA_REQUEST_HANDLED]
    assert len(retired) == len(OFFICE_SEATS)  # no copy was pressed in the bot: all retired by the sender

    held = await requests.holdings(world.reporter.telegram_id or 0)
    assert held is not None
    assert held.erased_at == world.clock.now.astimezone(UTC)
    assert held.last_decided is not None
    assert held.last_decided.status is RequestStatus.ERASED
    # Nothing left to erase: a new request files nothing.
    again = await requests.request_erasure(world.reporter.telegram_id or 0, OFFICE)
    assert again.outcome is FileOutcome.NOTHING_HELD


async def test_refusal_keeps_the_identity_and_a_new_request_may_follow(
    world: World, clean_engine: AsyncEngine
) -> None:
    requests = requests_of(world, clean_engine)
    filed = await requests.request_erasure(world.reporter.telegram_id or 0, OFFICE)
    assert filed.request is not None
    reason = "Laporan Anda sedang dalam proses hukum; data disimpan sampai selesai."
    decision = await requests.decide(filed.request.id, [world.admins["officer"]], erase=False, reason=reason)
    assert decision.outcome is DecideOutcome.DONE
    assert decision.request is not None
    assert (decision.request.status, decision.request.reason) == (RequestStatus.REFUSED, reason)
    kept = await world.directory.reporter_by_telegram_id(world.reporter.telegram_id or 0)
    assert kept is not None
    assert (kept.erased, kept.nik) == (False, "3375014507900002")
    events = await requests.events(filed.request.id)
    assert [(e.action, e.reason) for e in events] == [("requested", None), ("refused", reason)]
    assert (
        await requests.request_erasure(world.reporter.telegram_id or 0, OFFICE)
    ).outcome is FileOutcome.FILED


async def test_decided_once_only_by_the_office(world: World, clean_engine: AsyncEngine) -> None:
    requests = requests_of(world, clean_engine)
    filed = await requests.request_erasure(world.reporter.telegram_id or 0, OFFICE)
    assert filed.request is not None
    request_id = filed.request.id
    # Another office's admin, and a request that does not exist.
    assert (await requests.decide(request_id, [world.admins["opd"]], erase=True)).outcome is (
        DecideOutcome.NOT_YOURS
    )
    assert (
        await requests.decide(999_999, [world.admins["city"]], erase=True)
    ).outcome is DecideOutcome.NOT_FOUND
    # Two admins at once: one wins, the other hears who did.
    first, second = await asyncio.gather(
        requests.decide(request_id, [world.admins["city"]], erase=True),
        requests.decide(request_id, [world.admins["city2"]], erase=False, reason="Tidak."),
    )
    outcomes = sorted([first.outcome, second.outcome])
    assert outcomes == sorted([DecideOutcome.DONE, DecideOutcome.ALREADY_DECIDED])
    loser = first if first.outcome is DecideOutcome.ALREADY_DECIDED else second
    winner = second if loser is first else first
    assert loser.request is not None
    assert winner.request is not None
    assert loser.request.status is winner.request.status
    assert loser.request.decided_by_name == winner.request.decided_by_name
    assert len(await requests.events(request_id)) == 2
    pending = await requests.pending()
    assert pending == []


async def test_an_identity_given_anew_after_an_erasure_is_held_again(
    world: World, clean_engine: AsyncEngine
) -> None:
    requests = requests_of(world, clean_engine)
    filed = await requests.request_erasure(world.reporter.telegram_id or 0, OFFICE)
    assert filed.request is not None
    await requests.decide(filed.request.id, [world.admins["city"]], erase=True)
    again = await world.directory.save_reporter(
        telegram_id=world.reporter.telegram_id, identity=World.reporter_identity_of_other()
    )
    assert not again.erased
    held = await requests.holdings(world.reporter.telegram_id or 0)
    assert held is not None
    assert held.erased_at is None
    assert held.reporter.full_name == "Slamet Riyadi"


async def test_the_operator_lists_what_waits(world: World, clean_engine: AsyncEngine) -> None:
    sessions = session_factory(clean_engine)
    assert await data_requests_pending(sessions, argparse.Namespace()) == "no erasure requests waiting"
    filed = await requests_of(world, clean_engine).request_erasure(world.reporter.telegram_id or 0, OFFICE)
    assert filed.request is not None
    listed = await data_requests_pending(sessions, argparse.Namespace())
    assert listed == f"#{filed.request.id}  requested 2026-11-25 10:00 WIB  office KOTA-PKL  4 active admins"
    assert "Rina" not in listed
