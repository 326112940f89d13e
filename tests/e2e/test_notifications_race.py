"""Two admins of one office press the same button at the same moment: one transition happens; the other is
told who handled it, and their copy of the card is retired with the winner's name on it."""

from __future__ import annotations

import asyncio

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.dev.local_api import LocalBotApi
from bot.ui.cards import did_words
from tests.conftest import World, draft_for
from tests.e2e.conftest import RunningBot
from tests.e2e.notifications import STEPS, AdminChat, delivered, hire_staff, take_through
from workflow.definitions import T


async def race(
    world: World, chats: list[AdminChat], complaint_id: int, number: str, trigger: str
) -> tuple[AdminChat, AdminChat]:
    """Both press `trigger` on their card at the same moment; returns (winner, loser)."""
    before = await world.complaints.get(complaint_id)
    assert before is not None
    cards = [chat.live_card(number) for chat in chats]
    await asyncio.gather(*(chat.press_action(card, trigger) for chat, card in zip(chats, cards, strict=True)))  # type: ignore[arg-type]
    history: list = []
    for _ in range(500):
        history = [
            event for event in await world.complaints.history(complaint_id) if event.version > before.version
        ]
        if history:
            break
        await asyncio.sleep(0.01)
    assert [event.trigger for event in history] == [trigger]  # one transition
    winner = next(chat for chat in chats if chat.admin.full_name == history[0].actor_name)
    return winner, next(chat for chat in chats if chat is not winner)


async def test_two_admins_press_at_once_one_wins_and_the_other_is_told_who(
    notifying_bot: RunningBot, local_api: LocalBotApi, world: World, clean_engine: AsyncEngine
) -> None:
    staff = await hire_staff(world, local_api)
    complaint = await world.complaints.submit(draft_for(world.reporter), world.reporter.as_actor())
    complaint = await take_through(world, complaint, STEPS[:2])
    number = complaint.tracking_number

    for trigger, seats, prepare in (
        (T.ACCEPT, ("opd2", "opd3"), []),
        (T.CONFIRM_RESULT, ("city", "city3"), [("opd", T.SUBMIT_RESULT, {"result": "Sudah ditambal."})]),
        (T.APPROVE, ("province", "province2"), []),
    ):
        complaint = await take_through(world, complaint, prepare)
        await delivered(clean_engine, local_api)
        winner, loser = await race(world, [staff[seat] for seat in seats], complaint.id, number, trigger)
        await delivered(clean_engine, local_api)
        what = did_words(trigger, loser.t)
        told = loser.t.plain("admin.refused.stale_by", name=winner.admin.full_name, what=what, at="@")
        told = told.split("@")[0]
        await loser.user.wait_until(
            lambda view, told=told: any(x["text"].startswith(told) for x in view.toasts)
        )
        # After "accept" the office's next card follows the retired one; otherwise that one is the last.
        retired = loser.cards(number)[-2 if trigger == T.ACCEPT else -1]
        assert loser.action_buttons(retired) == []
        assert loser.handled_line(winner.admin.full_name, "") in (retired.text or "")
        assert what in (retired.text or "")
        complaint = await world.complaints.get(complaint.id)  # type: ignore[assignment]
