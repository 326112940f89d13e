"""The reporter's side of delivery: a reporter who blocked the bot is reported to the city's admins, and a
result sent as several messages never repeats the part Telegram already has."""

from __future__ import annotations

import asyncio

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.dev.local_api import LocalBotApi, tiny_png
from storage.outbox.notifications import NoticeKind
from tests.conftest import World, draft_for
from tests.e2e.chat import Reporter, visible
from tests.e2e.notifications import (
    STEPS,
    add_extra_admins,
    delivered,
    notifier_for,
    open_chats,
    outbox_rows,
    result_photos,
    take_through,
)
from workflow.complaint import AttachmentDraft, AttachmentKind
from workflow.definitions import T

SEATS = ("province", "province2", "city", "city2", "city3", "opd")


async def take_to_the_result(world: World, files: list[AttachmentDraft]) -> str:
    complaint = await world.complaints.submit(draft_for(world.reporter), world.reporter.as_actor())
    return (await take_through(world, complaint, STEPS, files)).tracking_number


async def test_a_reporter_who_blocked_the_bot_is_reported_to_the_city_admins(
    local_api: LocalBotApi, clean_engine: AsyncEngine, world: World
) -> None:
    await add_extra_admins(world)
    await open_chats(world, local_api, *SEATS)
    assert world.reporter.telegram_id is not None
    await local_api.user(world.reporter.telegram_id).block()
    notifier = notifier_for(local_api, clean_engine, world)
    notifier.start()
    try:
        number = await take_to_the_result(world, [])
        await delivered(clean_engine, None)
    finally:
        await notifier.stop()

    rows = await outbox_rows(clean_engine)
    to_reporter = [row for row in rows if row.kind == NoticeKind.REPORTER_UPDATE]
    assert [row.payload["trigger"] for row in to_reporter] == [
        T.DISPOSE,
        T.FORWARD,
        T.ACCEPT,
        T.SUBMIT_RESULT,
        T.APPROVE,
    ]
    assert {row.status for row in to_reporter} == {"failed"}
    assert all("blocked" in (row.last_error or "") and row.attempts == 1 for row in to_reporter)
    # Only the result is an outcome the reporter must get: the progress notes fail quietly.
    alerts = [row for row in rows if row.kind == NoticeKind.REPORTER_UNREACHABLE]
    assert sorted(row.chat_id for row in alerts) == sorted(
        world.admins[s].telegram_id for s in ("city", "city2", "city3")
    )
    assert {row.payload["failed_row_id"] for row in alerts} == {to_reporter[-1].id}
    for seat in ("city", "city2", "city3"):
        city = Reporter(local_api.user(world.admins[seat].telegram_id))
        expected = city.said(
            "notify.unreachable",
            number=number,
            subject=draft_for(world.reporter).subject,
            name=world.reporter.full_name,
            phone=world.reporter.masked_phone,
            what=city.t.plain("notify.missed.approve"),
        )
        assert expected in city.bot_texts()
        assert world.reporter.phone not in expected
    assert not [
        row
        for row in rows
        if row.chat_id == world.admins["province"].telegram_id and row.kind == NoticeKind.REPORTER_UNREACHABLE
    ]


async def test_a_failed_result_text_is_retried_without_sending_the_photos_again(
    local_api: LocalBotApi, clean_engine: AsyncEngine, world: World
) -> None:
    await add_extra_admins(world)
    await open_chats(world, local_api, *SEATS)
    assert world.reporter.telegram_id is not None
    rina = Reporter(local_api.user(world.reporter.telegram_id))
    document = await local_api.user(world.admins["opd"].telegram_id).send_document(
        tiny_png(4, 4), file_name="berita-acara.pdf", mime_type="application/pdf"
    )
    attachments = [
        *await result_photos(local_api, world, 2),
        AttachmentDraft(document.media["file_id"], AttachmentKind.DOCUMENT, file_name="berita-acara.pdf"),
    ]
    notifier = notifier_for(local_api, clean_engine, world)
    notifier.start()
    try:
        complaint = await world.complaints.submit(draft_for(world.reporter), world.reporter.as_actor())
        complaint = await take_through(world, complaint, STEPS[:-1], attachments)
        await delivered(clean_engine, None)
        # From the approval on, every text fails until the photos and the document are through.
        local_api.set_faults(error_500_share=1.0, methods=frozenset({"sendmessage"}))
        number = (await take_through(world, complaint, STEPS[-1:], [])).tracking_number
        await rina.user.wait_until(
            lambda view: any(m.kind == "document" for m in view.bot_messages()), timeout=15
        )
        await asyncio.sleep(0.3)  # a retry or two of the text fails meanwhile
        local_api.set_faults()
        await delivered(clean_engine, None)
    finally:
        await notifier.stop()

    chat = world.reporter.telegram_id
    assert len(local_api.requests("sendMediaGroup", chat_id=chat, ok=True)) == 1
    assert len(local_api.requests("sendDocument", chat_id=chat, ok=True)) == 1
    texts = local_api.requests("sendMessage", chat_id=chat)
    assert [r.ok for r in texts][-1] is True
    assert any(not r.ok for r in texts), "the text never failed: the test proves nothing"
    kinds = [m.kind for m in rina.user.chat().bot_messages()]
    assert kinds[-4:] == ["photo", "photo", "document", "text"]
    result = rina.user.chat().bot_messages()[-1]
    assert visible(rina.t("notify.reporter.approve_files")) in (result.text or "")
    assert number in (result.text or "")
    (row,) = [
        r
        for r in await outbox_rows(clean_engine)
        if r.kind == NoticeKind.REPORTER_UPDATE and r.payload["trigger"] == T.APPROVE
    ]
    assert row.status == "sent"
    assert row.attempts > 1
    assert set(row.payload["parts"]) == {"photos", "documents"}
