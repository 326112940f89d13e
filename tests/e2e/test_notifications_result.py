"""Step 7 in the reporter's chat: confirm receipt (then the stars are asked), or rate with or without a
comment; a result already closed or someone else's result changes nothing and says so."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.dev.local_api import ChatMessage, LocalBotApi
from bot.ui.callbacks import ResultCb
from storage.views import ComplaintInfo
from tests.conftest import World, draft_for
from tests.e2e.admin_desk import forge_press
from tests.e2e.chat import Reporter
from tests.e2e.conftest import RunningBot
from tests.e2e.notifications import STEPS, delivered, open_chats, take_through
from workflow.actors import Actor, Role
from workflow.definitions import S, T
from workflow.identity import Identity


async def resolved(world: World, subject: str) -> ComplaintInfo:
    complaint = await world.complaints.submit(
        draft_for(world.reporter, subject=subject), world.reporter.as_actor()
    )
    return await take_through(world, complaint, STEPS)


def result_of(rina: Reporter, complaint: ComplaintInfo) -> ChatMessage:
    title = rina.said("notify.reporter.approve", number=complaint.tracking_number, subject="", result="")
    return next(m for m in rina.user.chat().bot_messages() if (m.text or "").startswith(title.split("\n")[0]))


async def toast_says(person: Reporter, key: str) -> None:
    await person.user.wait_until(
        lambda view: any(toast["text"] == person.t.plain(key) for toast in view.toasts)
    )


async def test_the_reporter_confirms_rates_and_comments_and_stale_or_foreign_presses_change_nothing(
    notifying_bot: RunningBot, local_api: LocalBotApi, world: World, clean_engine: AsyncEngine
) -> None:
    assert world.reporter.telegram_id is not None
    rina = Reporter(local_api.user(world.reporter.telegram_id, "Rina"))
    hadi_info = await world.directory.save_reporter(
        telegram_id=7701, identity=Identity("Hadi", "3375010101900003", "+6281234567897", "Jl. Seruni 2")
    )
    hadi = Reporter(local_api.user(7701, "Hadi"))
    await open_chats(world, local_api, "province", "province2", "city", "city2", "opd")
    await hadi.command("/start")
    await hadi.expect_key("welcome")
    received, skipped, closed_meanwhile, commented = [
        await resolved(world, subject) for subject in ("Lampu mati", "Sampah", "Parit", "Trotoar")
    ]
    await delivered(clean_engine, local_api)

    # "Received": closed at once, and the stars are asked (not pressed here: the rating stays empty).
    await rina.press(result_of(rina, received), "btn.result.received")
    stars_asked = await rina.expect_key("result.thanks", number=received.tracking_number)
    assert stars_asked.button_texts == [f"{n}⭐" for n in range(1, 6)]
    # A rating, then "Skip" for the comment.
    await rina.press_text(result_of(rina, skipped), "5⭐")
    prompt = await rina.expect_key("result.comment.ask", stars="⭐" * 5, number=skipped.tracking_number)
    await rina.press(prompt, "btn.result.skip")
    await toast_says(rina, "result.comment.skipped")
    # Closed by the system in the meantime (an officer may no longer answer for a reporter in the bot):
    # a late "received" changes nothing.
    await world.complaints.fire(
        closed_meanwhile.id, Actor(Role.SYSTEM), T.AUTO_CLOSE, seen_version=closed_meanwhile.version
    )
    await rina.press(result_of(rina, closed_meanwhile), "btn.result.received")
    await toast_says(rina, "result.stale")
    # Hadi's modified client presses Rina's button: refused, nothing changes.
    forged = ResultCb(c=commented.id, v=commented.version, n=1).pack()
    forge_press(local_api, 7701, hadi.user.last_bot_message().message_id, forged)  # type: ignore[union-attr]
    await toast_says(hadi, "result.foreign")
    # A rating with a comment.
    await rina.press_text(result_of(rina, commented), "2⭐")
    await rina.expect_key("result.comment.ask", stars="⭐⭐", number=commented.tracking_number)
    await rina.send("Perbaikannya belum rapi, tapi sudah bisa dilewati.")
    await rina.expect_key("result.comment.saved")

    await rina.user.wait_until(
        lambda view: all(
            not result_of(rina, c).buttons for c in (received, skipped, closed_meanwhile, commented)
        )
    )
    after = {c.id: await world.complaints.get(c.id) for c in (received, skipped, closed_meanwhile, commented)}
    assert {c.state for c in after.values() if c} == {S.CLOSED}
    assert [after[c.id].rating for c in (received, skipped, closed_meanwhile, commented)] == [
        None,
        5,
        None,
        2,
    ]  # type: ignore[union-attr]
    comments = [after[c.id].rating_comment for c in (skipped, commented)]  # type: ignore[union-attr]
    assert comments == [None, "Perbaikannya belum rapi, tapi sudah bisa dilewati."]
    assert hadi_info.id != world.reporter.id
