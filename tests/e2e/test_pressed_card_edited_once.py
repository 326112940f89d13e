"""The card an admin pressed is edited once, by the bot as it answers the press: the transition writes no
outbox row to retire that copy again (Telegram would refuse the same edit as "message is not modified", and
the refused request would still spend the admin's per-chat rate). Every other copy of the card, a
colleague's or another one in the admin's own chat, is still retired by the outbox sender, once.

A press goes four ways: at once, through the target picker (which takes the card's place in the same
message), and after a prompt for a reason or a result (the prompt is another message; the card is the one
edited on confirm)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.dev.local_api import LocalBotApi
from bot.dev.local_api.records import RequestRecord
from bot.notices.delivery import MESSAGE_NOT_MODIFIED
from bot.ui.cards import did_words
from storage import models
from storage.database import session_factory
from storage.outbox.notifications import NoticeKind
from tests.conftest import World, draft_for
from tests.e2e.chat import visible
from tests.e2e.conftest import RunningBot
from tests.e2e.notifications import WAIT_S, AdminChat, Staff, act, delivered, hire_staff
from workflow.definitions import T

NOT_OURS = "Lokasi di Kabupaten Batang, bukan kewenangan Kota Pekalongan."


def text_edits(api: LocalBotApi, chat_id: int, message_id: int) -> list[RequestRecord]:
    """The bot's requests to edit the text of one message into a handled card, with no buttons left
    (whoever in the bot sent them). A picker's question ("❓ Disposisi ke …?") edits the card too, before
    anything is handled, and keeps its buttons: not counted."""
    return [
        record
        for record in api.requests("editMessageText", chat_id=chat_id)
        if int(record.params.get("message_id", 0)) == message_id and not _buttons(record.params)
    ]


def _buttons(params: dict[str, Any]) -> bool:
    markup = params.get("reply_markup")
    if isinstance(markup, str):
        markup = json.loads(markup)
    return bool(markup and any(markup.get("inline_keyboard") or []))


def not_modified(api: LocalBotApi) -> list[RequestRecord]:
    return [record for record in api.requests(ok=False) if MESSAGE_NOT_MODIFIED in (record.description or "")]


async def rows_of(
    engine: AsyncEngine, complaint_id: int, kind: str, version: int
) -> list[models.OutboxMessage]:
    row = models.OutboxMessage
    async with session_factory(engine)() as session:
        query = select(row).where(
            row.complaint_id == complaint_id, row.kind == kind, row.complaint_version == version
        )
        return list(await session.scalars(query.order_by(row.id)))


def done_words(chat: AdminChat, actor: AdminChat, what: str) -> str:
    """The actor's "done by you" footer without its time."""
    return visible(chat.t("admin.card.done", what=what, name=actor.admin.full_name, at="")).rstrip(", ")


async def press_and_check(
    world: World,
    staff: Staff,
    engine: AsyncEngine,
    api: LocalBotApi,
    actor: AdminChat,
    number: str,
    trigger: str,
    *,
    target_code: str | None = None,
    **answers: str,
) -> None:
    """`actor` presses `trigger` on their card (and answers what it asks); then each copy of the card the
    office had was edited exactly once: the actor's by the press, every colleague's by the outbox."""
    await delivered(engine, api)
    before = await world.complaints.by_tracking_number(number)
    assert before is not None
    pressed = actor.live_card(number)
    assert pressed is not None
    target = world.orgs[target_code].name if target_code else None
    moved = await act(world, actor, number, trigger, target=target, **answers)  # type: ignore[arg-type]
    what = did_words(trigger, actor.t, target or "")
    done = done_words(actor, actor, what)
    await actor.user.wait_until(
        lambda view: done in ((view.message(pressed.message_id) or pressed).text or ""), timeout=WAIT_S
    )
    await delivered(engine, api)

    copies = await rows_of(engine, before.id, NoticeKind.TASK, before.version)
    office = {chat.admin.telegram_id: chat for chat in staff.office(actor.admin.org.kind)}
    assert sorted(row.chat_id for row in copies) == sorted(office)
    assert (actor.admin.telegram_id, pressed.message_id) in {
        (r.chat_id, r.telegram_message_id) for r in copies
    }
    for copy in copies:
        assert copy.telegram_message_id is not None
        edits = text_edits(api, copy.chat_id, copy.telegram_message_id)
        assert [edit.ok for edit in edits] == [True], (office[copy.chat_id].admin.full_name, edits)
        chat = office[copy.chat_id]
        card = chat.user.chat().message(copy.telegram_message_id)
        assert card is not None
        shown = card.text or ""
        assert chat.action_buttons(card) == []
        if chat is actor:
            assert done in shown
        else:
            assert chat.handled_line(actor.admin.full_name, "") in shown
            assert what in shown
    # The outbox retires the colleagues' copies and leaves the pressed one to the bot.
    retiring = await rows_of(engine, before.id, NoticeKind.CARD_HANDLED, moved.version)
    assert sorted(row.chat_id for row in retiring) == sorted(set(office) - {actor.admin.telegram_id})
    assert not_modified(api) == []


async def test_each_copy_of_a_pressed_card_is_edited_once_whichever_way_the_press_goes(
    notifying_bot: RunningBot, local_api: LocalBotApi, world: World, clean_engine: AsyncEngine
) -> None:
    staff = await hire_staff(world, local_api)
    complaint = await world.complaints.submit(draft_for(world.reporter), world.reporter.as_actor())
    number = complaint.tracking_number
    check = (world, staff, clean_engine, local_api)

    # The picker: the target list replaces the card's buttons in the same message, then picking acts.
    await press_and_check(*check, staff["province2"], number, T.DISPOSE, target_code="KOTA-PKL")
    # A reason: asked for in a prompt, confirmed in another message; the card is the one edited.
    await press_and_check(*check, staff["city"], number, T.RETURN_TO_PROVINCE, reason=NOT_OURS)
    await press_and_check(*check, staff["province3"], number, T.DISPOSE, target_code="KOTA-PKL")
    await press_and_check(*check, staff["city2"], number, T.FORWARD, target_code="PKL-DPUPR")
    # At once: the button acts, the card says so.
    await press_and_check(*check, staff["opd3"], number, T.ACCEPT)
    # A result: its text, its files (none), then the confirmation.
    await press_and_check(*check, staff["opd"], number, T.SUBMIT_RESULT, result="Saluran sudah dikeruk.")


async def test_the_admins_other_copy_of_the_card_is_still_retired_by_the_outbox(
    notifying_bot: RunningBot, local_api: LocalBotApi, world: World, clean_engine: AsyncEngine
) -> None:
    staff = await hire_staff(world, local_api)
    complaint = await world.complaints.submit(draft_for(world.reporter), world.reporter.as_actor())
    number = complaint.tracking_number
    await delivered(clean_engine, local_api)
    province = staff["province"]
    (sent,) = province.cards(number)

    # The admin opens the same card from their queue: a second copy, sent by the bot itself, and presses it.
    await province.command("/antrian")
    queue = await province.next_where(lambda m: (m.text or "").startswith("📥"), "the queue")
    opener = next(button for button in queue.buttons if button["text"].endswith(number))
    await province.user.press_button(queue, opener["callback_data"])
    await province.user.wait_until(lambda _: len(province.cards(number)) == 2, timeout=WAIT_S)
    opened = province.cards(number)[-1]
    await province.press_action(opened, T.REJECT)
    await province.next_where(lambda m: m.button(province.t.plain("admin.btn.abort")) is not None, "reason")
    await province.send("Bukan pengaduan LaporGub.")
    confirm = await province.next_where(
        lambda m: m.button(province.t.plain("admin.btn.confirm")) is not None, "the confirmation"
    )
    await province.user.press_button(confirm, province.t.plain("admin.btn.confirm"))

    done = done_words(province, province, did_words(T.REJECT, province.t))
    await province.user.wait_until(
        lambda view: all(done in ((view.message(m.message_id) or m).text or "") for m in (sent, opened)),
        timeout=WAIT_S,
    )
    await delivered(clean_engine, local_api)
    chat_id = province.admin.telegram_id
    # The pressed copy by the bot, the copy the outbox delivered by the sender: once each, in the same words.
    assert [edit.ok for edit in text_edits(local_api, chat_id, opened.message_id)] == [True]
    assert [edit.ok for edit in text_edits(local_api, chat_id, sent.message_id)] == [True]
    for colleague in (staff["province2"], staff["province3"]):
        (copy,) = colleague.cards(number)
        assert [edit.ok for edit in text_edits(local_api, colleague.admin.telegram_id, copy.message_id)] == [
            True
        ]
        assert colleague.action_buttons(colleague.user.chat().message(copy.message_id) or copy) == []
    assert not_modified(local_api) == []
