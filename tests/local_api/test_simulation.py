"""The person's side: what they can send, what they see, and waiting for the bot without sleeping."""

from __future__ import annotations

import asyncio

import pytest

from bot.dev.local_api import LocalBotApi, SimulationError, SimUser
from tests.local_api.helpers import USER_ID, ApiCall


async def test_command_contact_location_sticker_voice_updates(local_api: LocalBotApi, call: ApiCall) -> None:
    person = local_api.user(
        701, "Kartika", last_name="Sari", username="kartika", phone_number="+628123456789"
    )
    await person.send_command("lapor", args="jalan rusak")
    await person.send_contact()
    await person.send_contact("081111", first_name="Tetangga", own=False)
    await person.send_location(-6.9, 107.6)
    await person.send_sticker()
    await person.send_voice(duration=3)
    _, body = await call("getUpdates")
    messages = [update["message"] for update in body["result"]]
    assert messages[0]["text"] == "/lapor jalan rusak"
    assert messages[0]["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]
    assert messages[1]["contact"] == {
        "phone_number": "+628123456789",
        "first_name": "Kartika",
        "last_name": "Sari",
        "user_id": 701,
    }
    assert "user_id" not in messages[2]["contact"]
    assert messages[3]["location"] == {"latitude": -6.9, "longitude": 107.6}
    assert messages[4]["sticker"]["emoji"] == "👍"
    assert messages[5]["voice"]["duration"] == 3
    assert messages[0]["from"]["username"] == "kartika"


async def test_default_phone_has_no_plus_like_some_telegram_apps(local_api: LocalBotApi) -> None:
    person = local_api.user(702, "Lina")
    shared = await person.send_contact()
    assert shared.media["phone_number"].isdigit()


async def test_text_entities_are_detected(user: SimUser) -> None:
    message = await user.send_text("lihat https://lapor.go.id/a dan /status")
    assert [entity["type"] for entity in message.entities] == ["url", "bot_command"]


async def test_reply_keyboard_buttons(call: ApiCall, user: SimUser) -> None:
    markup = {
        "keyboard": [
            [{"text": "Bagikan nomor", "request_contact": True}],
            [{"text": "Kirim lokasi", "request_location": True}],
            ["Batal"],
        ]
    }
    await call("sendMessage", chat_id=USER_ID, text="menu", reply_markup=markup)
    contact = await user.press_reply_button("Bagikan nomor")
    assert contact.media["user_id"] == USER_ID
    location = await user.press_reply_button("Kirim lokasi")
    assert location.kind == "location"
    cancel = await user.press_reply_button("Batal")
    assert cancel.text == "Batal"
    with pytest.raises(SimulationError, match="no reply-keyboard button"):
        await user.press_reply_button("Tidak ada")


async def test_one_time_keyboard_hides_after_use(call: ApiCall, user: SimUser) -> None:
    await call(
        "sendMessage",
        chat_id=USER_ID,
        text="ya?",
        reply_markup={"keyboard": [["Ya"]], "one_time_keyboard": True},
    )
    await user.press_reply_button("Ya")
    assert user.chat().reply_keyboard is None


async def test_wait_for_message_catches_fast_and_later_replies(call: ApiCall, user: SimUser) -> None:
    await call("sendMessage", chat_id=USER_ID, text="sudah ada")

    async def later() -> None:
        await asyncio.sleep(0.1)
        await call("sendMessage", chat_id=USER_ID, text="<b>nanti</b>", parse_mode="HTML")

    task = asyncio.create_task(later())
    assert (await user.wait_for_message()).text == "sudah ada"
    second = await user.wait_for_message(lambda message: "nanti" in (message.text or ""))
    assert second.html == "<b>nanti</b>"
    await task
    with pytest.raises(TimeoutError, match=r"waited 0\.1s for a new bot message"):
        await user.wait_for_message(timeout=0.1)


async def test_chat_view_reflects_edits_and_deletions(call: ApiCall, user: SimUser) -> None:
    _, first = await call("sendMessage", chat_id=USER_ID, text="satu")
    _, second = await call(
        "sendMessage",
        chat_id=USER_ID,
        text="dua",
        reply_markup={"inline_keyboard": [[{"text": "ok", "callback_data": "ok"}]]},
    )
    await call(
        "editMessageText", chat_id=USER_ID, message_id=first["result"]["message_id"], text="satu (diubah)"
    )
    await call("deleteMessage", chat_id=USER_ID, message_id=second["result"]["message_id"])
    view = user.chat()
    assert [(m.sender, m.text) for m in view.messages] == [("user", "/start"), ("bot", "satu (diubah)")]
    assert view.messages[1].edit_date is not None
    assert view.to_json()["messages"][1]["html"] == "satu (diubah)"
    assert view.version == 5  # /start, two sends, one edit, one delete


async def test_chat_action_is_visible_briefly(call: ApiCall, user: SimUser) -> None:
    assert (await call("sendChatAction", chat_id=USER_ID, action="typing"))[0] == 200
    assert user.chat().action == "typing"
    await call("sendMessage", chat_id=USER_ID, text="selesai mengetik")
    assert user.chat().action is None
    status, body = await call("sendChatAction", chat_id=USER_ID, action="dancing")
    assert (status, body["description"]) == (400, "Bad Request: wrong parameter action in request")


async def test_person_edits_their_message(call: ApiCall, user: SimUser) -> None:
    own = await user.send_text("alamat salah")
    await user.edit_text(own, "alamat benar")
    _, body = await call("getUpdates")
    assert body["result"][-1]["edited_message"]["text"] == "alamat benar"


async def test_wait_idle_returns_once_updates_are_taken(
    local_api: LocalBotApi, call: ApiCall, user: SimUser
) -> None:
    with pytest.raises(TimeoutError):
        await local_api.wait_idle(timeout=0.2)
    await call("getUpdates")
    await local_api.wait_idle(timeout=1)


async def test_delivered_lists_messages_per_chat_in_order(
    local_api: LocalBotApi, call: ApiCall, user: SimUser
) -> None:
    other = local_api.user(703, "Maya")
    await other.send_text("halo")
    for text in ("a", "b"):
        await call("sendMessage", chat_id=USER_ID, text=text)
        await call("sendMessage", chat_id=other.id, text=text.upper())
    assert [m["text"] for m in local_api.delivered(USER_ID)] == ["a", "b"]
    assert [m["text"] for m in local_api.delivered(other.id)] == ["A", "B"]


async def test_multiple_bots_have_separate_chats(local_api: LocalBotApi, call: ApiCall) -> None:
    local_api.add_bot("777:second-token", "admin_bot", "Admin")
    person_main = local_api.user(704, "Nur")
    person_admin = local_api.user(704, "Nur", bot="admin_bot")
    await person_admin.send_text("untuk admin")
    assert (await call("sendMessage", chat_id=704, text="x"))[1][
        "description"
    ] == "Bad Request: chat not found"
    status, _ = await call("sendMessage", token="777:second-token", chat_id=704, text="dari admin")
    assert status == 200
    assert person_main.chat().messages == []
    assert [m.text for m in person_admin.chat().messages] == ["untuk admin", "dari admin"]
