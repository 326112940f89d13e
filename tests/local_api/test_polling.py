"""getUpdates long polling: offsets, limits, timeouts and conflicts."""

from __future__ import annotations

import asyncio
import time

from aiogram import Bot

from bot.dev.local_api import LocalBotApi, SimUser
from tests.local_api.helpers import ApiCall


async def test_message_round_trip_through_aiogram(local_api: LocalBotApi, bot: Bot) -> None:
    person = local_api.user(501, "Sari", language_code="id")
    await person.send_text("jalan rusak di depan rumah")
    updates = await bot.get_updates(timeout=1)
    assert len(updates) == 1
    incoming = updates[0].message
    assert incoming is not None
    assert incoming.text == "jalan rusak di depan rumah"
    assert incoming.from_user is not None
    assert incoming.from_user.language_code == "id"
    sent = await bot.send_message(incoming.chat.id, "Terima kasih, laporan diterima")
    reply = await person.wait_for_message()
    assert reply.message_id == sent.message_id
    assert reply.text == "Terima kasih, laporan diterima"
    assert sent.message_id == incoming.message_id + 1


async def test_offset_confirms_and_drops_earlier_updates(local_api: LocalBotApi, call: ApiCall) -> None:
    person = local_api.user(502, "Ani")
    for text in ("satu", "dua", "tiga"):
        await person.send_text(text)
    _, first = await call("getUpdates")
    ids = [update["update_id"] for update in first["result"]]
    assert len(ids) == 3
    _, again = await call("getUpdates")
    assert [update["update_id"] for update in again["result"]] == ids
    _, rest = await call("getUpdates", offset=ids[1])
    assert [update["message"]["text"] for update in rest["result"]] == ["dua", "tiga"]
    _, after = await call("getUpdates", offset=ids[2] + 1)
    assert after["result"] == []
    _, still_empty = await call("getUpdates")
    assert still_empty["result"] == []


async def test_negative_offset_keeps_only_the_last_updates(local_api: LocalBotApi, call: ApiCall) -> None:
    person = local_api.user(503, "Dewi")
    for text in ("a", "b", "c", "d"):
        await person.send_text(text)
    _, tail = await call("getUpdates", offset=-2)
    assert [update["message"]["text"] for update in tail["result"]] == ["c", "d"]
    _, everything = await call("getUpdates")
    assert [update["message"]["text"] for update in everything["result"]] == ["c", "d"]


async def test_limit_is_clamped_to_1_to_100(local_api: LocalBotApi, call: ApiCall) -> None:
    person = local_api.user(504, "Eko")
    for index in range(3):
        await person.send_text(f"pesan {index}")
    _, limited = await call("getUpdates", limit=2)
    assert len(limited["result"]) == 2
    _, zero = await call("getUpdates", limit=0)
    assert len(zero["result"]) == 1
    _, huge = await call("getUpdates", limit=1000)
    assert len(huge["result"]) == 3


async def test_timeout_waits_until_an_update_arrives(local_api: LocalBotApi, call: ApiCall) -> None:
    person = local_api.user(505, "Fajar")

    async def write_later() -> None:
        await asyncio.sleep(0.2)
        await person.send_text("akhirnya")

    started = time.monotonic()
    writer = asyncio.create_task(write_later())
    _, body = await call("getUpdates", timeout=5)
    await writer
    elapsed = time.monotonic() - started
    assert [update["message"]["text"] for update in body["result"]] == ["akhirnya"]
    assert 0.15 < elapsed < 2


async def test_timeout_expires_with_an_empty_list(call: ApiCall) -> None:
    started = time.monotonic()
    _, body = await call("getUpdates", timeout=1)
    assert body == {"ok": True, "result": []}
    assert time.monotonic() - started >= 0.9


async def test_second_getupdates_terminates_the_first(call: ApiCall) -> None:
    first = asyncio.create_task(call("getUpdates", timeout=5))
    await asyncio.sleep(0.2)
    second = asyncio.create_task(call("getUpdates", timeout=1))
    status, body = await first
    assert status == 409
    assert body["description"] == (
        "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"
    )
    assert (await second)[0] == 200


async def test_getupdates_refused_while_webhook_is_set(call: ApiCall) -> None:
    await call("setWebhook", url="http://127.0.0.1:9/hook")
    status, body = await call("getUpdates")
    assert status == 409
    assert body["description"] == (
        "Conflict: can't use getUpdates method while webhook is active; "
        "use deleteWebhook to delete the webhook first"
    )
    await call("deleteWebhook")
    assert (await call("getUpdates"))[0] == 200


async def test_setting_a_webhook_ends_a_waiting_poll(call: ApiCall) -> None:
    poll = asyncio.create_task(call("getUpdates", timeout=5))
    await asyncio.sleep(0.1)
    await call("setWebhook", url="http://127.0.0.1:9/hook")
    status, body = await poll
    assert status == 409
    assert "webhook is active" in body["description"]


async def test_allowed_updates_filters_future_updates(
    local_api: LocalBotApi, call: ApiCall, user: SimUser
) -> None:
    await call("getUpdates", offset=-1, allowed_updates=["callback_query"])
    _, body = await call("getUpdates", offset=-1)
    last_id = body["result"][0]["update_id"]
    await user.send_text("diabaikan")
    _, sent = await call(
        "sendMessage",
        chat_id=user.id,
        text="pilih",
        reply_markup={"inline_keyboard": [[{"text": "Ya", "callback_data": "yes"}]]},
    )
    await user.press_button(sent["result"]["message_id"], "yes")
    _, body = await call("getUpdates", offset=last_id + 1)
    assert [list(update)[1] for update in body["result"]] == ["callback_query"]


async def test_default_updates_include_my_chat_member(
    local_api: LocalBotApi, call: ApiCall, user: SimUser
) -> None:
    await user.block()
    _, body = await call("getUpdates")
    member = body["result"][-1]["my_chat_member"]
    assert member["new_chat_member"]["status"] == "kicked"
    assert member["old_chat_member"]["status"] == "member"
