"""Ratings are never lost: a star is stored when it is pressed, "received" leads to the stars, a comment is
added later to the stored rating, and /rekap and the exports count them (rollups and live rows alike)."""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.dev.local_api import LocalBotApi
from bot.ui.callbacks import RateCb
from storage.reports.figures import Period, build_report, complaint_rows
from tests.conftest import World, draft_for
from tests.e2e.admin_desk import forge_press
from tests.e2e.chat import Reporter
from tests.e2e.conftest import RunningBot
from tests.e2e.notifications import STEPS, delivered, open_chats, take_through
from tests.e2e.test_notifications_result import result_of, toast_says
from workflow.actors import Actor, Role
from workflow.calendar import WorkingCalendar
from workflow.definitions import S, T

NOVEMBER = Period(date(2026, 11, 1), date(2026, 11, 30))


async def test_stars_are_stored_at_the_press_and_counted_in_the_report(
    notifying_bot: RunningBot, local_api: LocalBotApi, world: World, clean_engine: AsyncEngine
) -> None:
    assert world.reporter.telegram_id is not None
    rina = Reporter(local_api.user(world.reporter.telegram_id, "Rina"))
    await open_chats(world, local_api, "province", "province2", "city", "city2", "opd")
    starred, received, late = [
        await take_through(
            world,
            await world.complaints.submit(draft_for(world.reporter, subject=s), world.reporter.as_actor()),
            STEPS,
        )
        for s in ("Lampu mati", "Sampah", "Parit")
    ]
    await delivered(clean_engine, local_api)

    # A star, and nothing more: no comment, no Skip. The rating is already stored and the complaint closed.
    await rina.press_text(result_of(rina, starred), "3⭐")
    await rina.expect_key("result.comment.ask", stars="⭐" * 3, number=starred.tracking_number)
    after = await world.complaints.get(starred.id)
    assert after is not None
    assert (after.state, after.rating, after.rating_comment) == (S.CLOSED, 3, None)

    # "Received" closes at once and asks for the stars; the star pressed there is stored at its press.
    await rina.press(result_of(rina, received), "btn.result.received")
    ask = await rina.expect_key("result.thanks", number=received.tracking_number)
    closed = await world.complaints.get(received.id)
    assert closed is not None
    assert (closed.state, closed.rating) == (S.CLOSED, None)
    await rina.press_text(ask, "5⭐")
    comment_ask = await rina.expect_key("result.comment.ask", stars="⭐" * 5, number=received.tracking_number)
    rated = await world.complaints.get(received.id)
    assert rated is not None
    assert rated.rating == 5
    # The comment, written afterwards, is added to the stored rating.
    await rina.send("Cepat dan rapi.")
    await rina.expect_key("result.comment.saved")
    # Its "Lewati" is gone once the comment is written: nothing left to press that would say otherwise.
    await rina.user.wait_until(lambda view: not view.message(comment_ask.message_id).buttons)  # type: ignore[union-attr]
    # A second star for the same complaint (a modified client: the buttons are gone) changes nothing.
    forge_press(local_api, rina.id, ask.message_id, RateCb(c=received.id, n=1).pack())
    await toast_says(rina, "result.already_rated")
    final = await world.complaints.get(received.id)
    assert final is not None
    assert (final.rating, final.rating_comment) == (5, "Cepat dan rapi.")

    # Closed by the system before she pressed anything: her star is still kept, at its press.
    await world.complaints.fire(late.id, Actor(Role.SYSTEM), T.AUTO_CLOSE, seen_version=late.version)
    await rina.press_text(result_of(rina, late), "4⭐")
    await rina.expect_key("result.comment.ask", stars="⭐" * 4, number=late.tracking_number)
    kept = await world.complaints.get(late.id)
    assert kept is not None
    assert (kept.state, kept.rating) == (S.CLOSED, 4)

    # /rekap reads the province's finished complaints from the rollups; the live reading agrees.
    province = world.orgs["JATENG"]
    calendar = WorkingCalendar()
    for from_rollups in (True, False):
        report = await build_report(
            world.complaints.sessions,
            calendar,
            province,
            NOVEMBER,
            now=world.clock(),
            from_rollups=from_rollups,
        )
        assert report.ratings.count == 3, from_rollups
        assert {stars: n for stars, n in report.ratings.distribution.items() if n} == {3: 1, 4: 1, 5: 1}
        assert report.ratings.mean == 4.0
    # The exports (XLSX/CSV rows) carry each complaint's rating.
    rows = await complaint_rows(world.complaints.sessions, calendar, province, NOVEMBER, now=world.clock())
    assert sorted(row.rating for row in rows if row.rating is not None) == [3, 4, 5]
