"""What an officer is given to pass on to a complainant off Telegram, through the bot (local Bot API server,
polling and webhook, SQLite and PostgreSQL): the result's photos with the task, how to pass things on by the
complainant's channel, /link in the first word they get; and nothing said twice or for nothing."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.dev.local_api import ChatMessage, LocalBotApi
from storage.relays import Relays
from tests.conftest import World
from tests.e2e.chat import visible
from tests.e2e.notifications import STEPS, AdminChat, delivered, result_photos, take_through
from tests.e2e.officer_desk import desk_bot, record, tracking_number_in
from tests.e2e.test_service_complaints import GRIEVANCE_AT_DESK, RESPONSE, _desk
from workflow.channels import Channel, ExternalSystem
from workflow.definitions import ST, ComplaintKind, S

__all__ = ["desk_bot"]  # the fixture, used by name below


def _after(officer: AdminChat, message: ChatMessage) -> list[ChatMessage]:
    return [m for m in officer.user.chat().bot_messages() if m.message_id > message.message_id]


def _prefix(officer: AdminChat, key: str, **values: object) -> str:
    return visible(officer.t(key, **values)).split("@")[0]


@pytest.mark.usefixtures("desk_bot")
async def test_a_phoned_in_complaint_s_tasks_carry_the_link_the_result_photos_and_how_to_pass_them_on(
    local_api: LocalBotApi, world: World, clean_engine: AsyncEngine
) -> None:
    officer = await _desk(local_api, world, "officer")
    confirmation = await record(
        officer,
        channel=Channel.TELEPHONE,
        system=ExternalSystem.SP4N_LAPOR,
        number="SP4N-8812731",
        contact="081234561234",
    )
    number = tracking_number_in(confirmation)
    complaint = await world.complaints.by_tracking_number(number)
    assert complaint is not None
    link = visible(officer.t("relay.link", number=number, digits="1234"))
    first = await officer.next_where(lambda m: link in (m.text or ""), "the first task, naming /link")
    assert visible(officer.t("relay.how.telephone", contact="+6281234561234")) in (first.text or "")
    await delivered(clean_engine, local_api)
    # No "done" message after the recording: the confirmation said it all.
    done = _prefix(officer, "notify.done", number=number, subject="@", what="")
    assert not [m for m in _after(officer, confirmation) if (m.text or "").startswith(done)]

    photos = await result_photos(local_api, world, 2)
    resolved = await take_through(world, complaint, STEPS, files=photos)
    assert resolved.state == S.RESOLVED
    caption = officer.t.plain("relay.files_caption", name="Karsinah", number=number)
    sent = await officer.next_where(lambda m: m.kind == "photo" and m.text == caption, "the result's photos")
    task = await officer.next_where(
        lambda m: number in (m.text or "") and STEPS[3][2]["result"] in (m.text or ""), "the result's task"
    )
    assert task.message_id > sent.message_id
    media = [m for m in officer.user.chat().bot_messages() if m.kind == "photo"]
    assert len(media) == 2
    assert {m.media_group_id for m in media} == {sent.media_group_id}
    assert visible(officer.t("relay.files.other")) in (task.text or "")


@pytest.mark.usefixtures("desk_bot")
async def test_a_counter_complaint_is_delivered_in_person_at_recording(
    local_api: LocalBotApi, world: World, clean_engine: AsyncEngine
) -> None:
    officer = await _desk(local_api, world, "officer")
    counter = await record(
        officer, kind=ComplaintKind.SERVICE, channel=Channel.DIRECT, answers=GRIEVANCE_AT_DESK
    )
    number = tracking_number_in(counter)
    complaint = await world.complaints.by_tracking_number(number)
    assert complaint is not None
    await delivered(clean_engine, local_api)
    # The visitor was told at the counter: no task to press "delivered" on, and no empty "done"; only the
    # card to respond from.
    after = _after(officer, counter)
    assert [m for m in after if officer.t.plain("relay.btn.delivered") in m.button_texts] == []
    assert [(m.text or "").split("\n")[0].split(" · ")[0] for m in after] == [f"📋 {number}"]
    pending = await Relays(world.complaints.sessions, world.complaints).pending(world.admins["officer"])
    assert [relay for relay in pending if relay.complaint_id == complaint.id] == []

    # The response reaches them later by their phone, or at the counter if they come back: both are said.
    await world.complaints.fire(
        complaint.id, world.actor("officer"), ST.RESPOND, seen_version=complaint.version, result=RESPONSE
    )
    task = await officer.next_where(
        lambda m: RESPONSE in (m.text or "") and officer.t.plain("relay.btn.delivered") in m.button_texts,
        "the response's task",
    )
    text = task.text or ""
    assert visible(officer.t("relay.how.telephone", contact="+6281234561234")) in text
    assert visible(officer.t("relay.how.direct")) in text
