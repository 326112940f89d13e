"""The seven steps with three admins in every office: each tier gets its card with exactly the buttons it
may press, the copies of the colleagues who did not act are retired, the reporter hears of each milestone
and finally receives the result with its photos, confirms it and rates it."""

from __future__ import annotations

import time

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.dev.local_api import LocalBotApi
from bot.ui.cards import did_words
from storage.outbox.notifications import NoticeKind
from tests.conftest import World
from tests.e2e.chat import Reporter, visible
from tests.e2e.conftest import RunningBot
from tests.e2e.notifications import Staff, act, delivered, hire_staff, outbox_rows
from tests.e2e.scripts import file_complaint
from workflow.definitions import S, T

RESULT = "Lubang sudah ditambal dengan aspal hotmix pada 26 November 2026 & rambu dipasang <sementara>."
COMMENT = "Cepat & rapi, terima kasih!"


async def test_a_complaint_travels_all_seven_steps_and_everyone_hears_what_they_must(
    notifying_bot: RunningBot, local_api: LocalBotApi, world: World, clean_engine: AsyncEngine
) -> None:
    started = time.monotonic()
    staff = await hire_staff(world, local_api)
    siti = Reporter(local_api.user(8801, "Siti"))
    await file_complaint(siti)
    reporter = await world.directory.reporter_by_telegram_id(siti.id)
    assert reporter is not None
    (complaint,) = await world.complaints.reporter_complaints(reporter.id)
    number = complaint.tracking_number

    # 2: the province. Every province admin has the card with the province's buttons.
    await _cards_arrive(world, staff, "province", number, clean_engine, local_api)
    await act(world, staff["province2"], number, T.DISPOSE, target=world.orgs["KOTA-PKL"].name)
    await _handled(
        world, staff, "province", "province2", number, T.DISPOSE, "KOTA-PKL", clean_engine, local_api
    )
    await siti.expect_key(
        "notify.reporter.dispose", number=number, subject=complaint.subject, org=world.orgs["KOTA-PKL"].name
    )

    # 3: the city forwards it to the agency; the reporter is told where it went.
    await _cards_arrive(world, staff, "city", number, clean_engine, local_api)
    await act(world, staff["city3"], number, T.FORWARD, target=world.orgs["PKL-DPUPR"].name)
    await _handled(world, staff, "city", "city3", number, T.FORWARD, "PKL-DPUPR", clean_engine, local_api)
    await siti.expect_key(
        "notify.reporter.forward", number=number, subject=complaint.subject, org=world.orgs["PKL-DPUPR"].name
    )

    # 4: the agency accepts (and is given the next card at once), then submits the result with two photos.
    await _cards_arrive(world, staff, "opd", number, clean_engine, local_api)
    await act(world, staff["opd"], number, T.ACCEPT)
    await _handled(world, staff, "opd", "opd", number, T.ACCEPT, None, clean_engine, local_api)
    await siti.expect_key(
        "notify.reporter.accept", number=number, subject=complaint.subject, org=world.orgs["PKL-DPUPR"].name
    )
    await _cards_arrive(world, staff, "opd", number, clean_engine, local_api)
    await act(world, staff["opd2"], number, T.SUBMIT_RESULT, result=RESULT, photos=2)
    await _handled(world, staff, "opd", "opd2", number, T.SUBMIT_RESULT, None, clean_engine, local_api)
    await siti.expect_key("notify.reporter.submit_result", number=number, subject=complaint.subject)

    # 5 and 6: the city confirms, the province approves.
    await _cards_arrive(world, staff, "city", number, clean_engine, local_api)
    await act(world, staff["city2"], number, T.CONFIRM_RESULT)
    await _handled(world, staff, "city", "city2", number, T.CONFIRM_RESULT, None, clean_engine, local_api)
    await _cards_arrive(world, staff, "province", number, clean_engine, local_api)
    await act(world, staff["province3"], number, T.APPROVE)
    await _handled(world, staff, "province", "province3", number, T.APPROVE, None, clean_engine, local_api)

    # 7: the reporter gets the photos, then the result with its buttons; rates it 4 with a comment.
    photos = await siti.next_where(lambda m: m.kind == "photo", "the result's photos")
    album = [m for m in siti.user.chat().bot_messages() if m.media_group_id == photos.media_group_id]
    assert len(album) == 2
    result = await siti.next_where(lambda m: RESULT in (m.text or ""), "the result")
    assert result.message_id > album[-1].message_id
    assert result.button_texts == [siti.t.plain("btn.result.received")] + [f"{n}⭐" for n in range(1, 6)]
    assert "<sementara>" in (result.text or "")
    await siti.press_text(result, "4⭐")
    await siti.expect_key("result.comment.ask", stars="⭐⭐⭐⭐", number=number)
    await siti.send(COMMENT)
    await siti.expect_key("result.comment.saved")
    await siti.user.wait_until(lambda view: not (view.message(result.message_id) or result).buttons)

    closed = await world.complaints.get(complaint.id)
    assert closed is not None
    assert (closed.state, closed.rating) == (S.CLOSED, 4)
    assert closed.rating_comment == COMMENT
    await delivered(clean_engine, local_api)
    rows = await outbox_rows(clean_engine)
    assert {row.status for row in rows} == {"sent"}
    # Each copy of every card was edited once: the acting admin's by their press, which the outbox leaves
    # alone, so not even a "message is not modified" was refused.
    assert local_api.requests(ok=False) == []
    reporter_rows = [row for row in rows if row.kind == NoticeKind.REPORTER_UPDATE]
    assert [row.payload["trigger"] for row in reporter_rows] == [
        T.DISPOSE,
        T.FORWARD,
        T.ACCEPT,
        T.SUBMIT_RESULT,
        T.APPROVE,
    ]
    print(f"seven steps, 9 admins and the reporter, end to end: {time.monotonic() - started:.2f}s")


async def _cards_arrive(
    world: World, staff: Staff, tier: str, number: str, engine: AsyncEngine, api: LocalBotApi
) -> None:
    await delivered(engine, api)
    complaint = await world.complaints.by_tracking_number(number)
    assert complaint is not None
    for chat in staff.office(tier):
        card = chat.live_card(number)
        assert card is not None, f"{chat.admin.full_name} has no live card of {number}"
        assert chat.action_buttons(card) == chat.expected_buttons(complaint)
        assert chat.expected_buttons(complaint), "a card was sent to someone who may do nothing"


async def _handled(
    world: World,
    staff: Staff,
    tier: str,
    actor_seat: str,
    number: str,
    trigger: str,
    target_code: str | None,
    engine: AsyncEngine,
    api: LocalBotApi,
) -> None:
    """Every copy of the card the office had is retired: the colleagues read who handled it; the actor is
    told it is done."""
    await delivered(engine, api)
    actor = world.admins[actor_seat]
    for chat in staff.office(tier):
        retired = chat.cards(number)[-2 if trigger == T.ACCEPT else -1]
        assert chat.action_buttons(retired) == []
        what = did_words(trigger, chat.t, world.orgs[target_code].name if target_code else "")
        if chat.admin.id == actor.id:
            assert visible(chat.t("admin.card.done", what=what, name=actor.full_name, at="")).rstrip(
                ", "
            ) in (retired.text or "")
            # The toast and this edited card are the whole confirmation: no third message says it again.
            done = chat.said("notify.done", number=number, subject="@", what=what).split("@")[0]
            assert not any((m.text or "").startswith(done) for m in chat.user.chat().bot_messages())
        else:
            assert chat.handled_line(actor.full_name, "") in (retired.text or "")
            assert what in (retired.text or "")
