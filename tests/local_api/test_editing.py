"""Edits and deletions: Telegram's refusals, and the person's view of the result."""

from __future__ import annotations

from typing import Any

from bot.dev.local_api import SimUser
from bot.dev.local_api.errors import MESSAGE_NOT_MODIFIED
from tests.local_api.helpers import USER_ID, ApiCall

MARKUP = {"inline_keyboard": [[{"text": "Ya", "callback_data": "yes"}]]}


async def sent(call: ApiCall, **params: Any) -> dict[str, Any]:
    status, body = await call("sendMessage", chat_id=USER_ID, **params)
    assert status == 200, body
    return body["result"]


async def test_identical_edit_is_refused(call: ApiCall, user: SimUser) -> None:
    message = await sent(call, text="<b>status</b>", parse_mode="HTML", reply_markup=MARKUP)
    status, body = await call(
        "editMessageText",
        chat_id=USER_ID,
        message_id=message["message_id"],
        text="<b>status</b>",
        parse_mode="HTML",
        reply_markup=MARKUP,
    )
    assert (status, body["description"]) == (400, f"Bad Request: {MESSAGE_NOT_MODIFIED}")


async def test_edit_changes_text_and_is_visible(call: ApiCall, user: SimUser) -> None:
    message = await sent(call, text="diproses", reply_markup=MARKUP)
    status, body = await call(
        "editMessageText",
        chat_id=USER_ID,
        message_id=message["message_id"],
        text="<i>selesai</i>",
        parse_mode="HTML",
        reply_markup=MARKUP,
    )
    assert status == 200
    assert body["result"]["text"] == "selesai"
    assert isinstance(body["result"]["edit_date"], int)
    edited = await user.wait_for_edit(message["message_id"])
    assert edited.html == "<i>selesai</i>"
    assert edited.button_texts == ["Ya"]
    assert [m.text for m in user.chat().bot_messages()] == ["selesai"]


async def test_edit_without_markup_removes_the_inline_keyboard(call: ApiCall, user: SimUser) -> None:
    message = await sent(call, text="pilih", reply_markup=MARKUP)
    status, body = await call(
        "editMessageText", chat_id=USER_ID, message_id=message["message_id"], text="dipilih"
    )
    assert status == 200
    assert "reply_markup" not in body["result"]
    assert user.chat().message(message["message_id"]).inline_keyboard is None  # type: ignore[union-attr]


async def test_only_markup_change_is_a_modification(call: ApiCall, user: SimUser) -> None:
    message = await sent(call, text="pilih", reply_markup=MARKUP)
    status, _ = await call("editMessageText", chat_id=USER_ID, message_id=message["message_id"], text="pilih")
    assert status == 200


async def test_editing_a_missing_message_is_refused(call: ApiCall, user: SimUser) -> None:
    status, body = await call("editMessageText", chat_id=USER_ID, message_id=999, text="x")
    assert (status, body["description"]) == (400, "Bad Request: message to edit not found")


async def test_editing_the_persons_message_is_refused(call: ApiCall, user: SimUser) -> None:
    own = await user.send_text("pesan saya")
    status, body = await call("editMessageText", chat_id=USER_ID, message_id=own.message_id, text="x")
    assert (status, body["description"]) == (400, "Bad Request: message can't be edited")


async def test_edit_reply_markup(call: ApiCall, user: SimUser) -> None:
    message = await sent(call, text="pilih", reply_markup=MARKUP)
    same = await call(
        "editMessageReplyMarkup", chat_id=USER_ID, message_id=message["message_id"], reply_markup=MARKUP
    )
    assert same[0] == 400
    other = {"inline_keyboard": [[{"text": "Tidak", "callback_data": "no"}]]}
    status, body = await call(
        "editMessageReplyMarkup", chat_id=USER_ID, message_id=message["message_id"], reply_markup=other
    )
    assert status == 200
    assert body["result"]["reply_markup"] == other
    reply_keyboard = {"keyboard": [["a"]]}
    status, body = await call(
        "editMessageReplyMarkup",
        chat_id=USER_ID,
        message_id=message["message_id"],
        reply_markup=reply_keyboard,
    )
    assert (status, body["description"]) == (400, "Bad Request: inline keyboard expected")


async def test_edit_caption_only_on_media(call: ApiCall, user: SimUser) -> None:
    photo = (await user.send_photo()).media[-1]["file_id"]
    _, body = await call("sendPhoto", chat_id=USER_ID, photo=photo, caption="lama")
    photo_message = body["result"]["message_id"]
    status, body = await call(
        "editMessageCaption",
        chat_id=USER_ID,
        message_id=photo_message,
        caption="<b>baru</b>",
        parse_mode="HTML",
    )
    assert status == 200
    assert body["result"]["caption"] == "baru"
    text_message = await sent(call, text="teks")
    status, body = await call(
        "editMessageCaption", chat_id=USER_ID, message_id=text_message["message_id"], caption="x"
    )
    assert (status, body["description"]) == (400, "Bad Request: there is no caption in the message to edit")
    status, body = await call("editMessageText", chat_id=USER_ID, message_id=photo_message, text="x")
    assert (status, body["description"]) == (400, "Bad Request: there is no text in the message to edit")


async def test_edited_text_is_still_length_checked(call: ApiCall, user: SimUser) -> None:
    message = await sent(call, text="pendek")
    status, body = await call(
        "editMessageText", chat_id=USER_ID, message_id=message["message_id"], text="a" * 4097
    )
    assert (status, body["description"]) == (400, "Bad Request: MESSAGE_TOO_LONG")


async def test_deletion_removes_the_message_from_the_chat(call: ApiCall, user: SimUser) -> None:
    keep = await sent(call, text="tetap")
    gone = await sent(call, text="hilang")
    status, body = await call("deleteMessage", chat_id=USER_ID, message_id=gone["message_id"])
    assert (status, body["result"]) == (200, True)
    assert [m.text for m in user.chat().messages] == ["/start", "tetap"]
    assert user.chat().message(keep["message_id"]) is not None
    status, body = await call("deleteMessage", chat_id=USER_ID, message_id=gone["message_id"])
    assert (status, body["description"]) == (400, "Bad Request: message to delete not found")
    status, body = await call("editMessageText", chat_id=USER_ID, message_id=gone["message_id"], text="x")
    assert (status, body["description"]) == (400, "Bad Request: message to edit not found")


async def test_bot_may_delete_the_persons_message(call: ApiCall, user: SimUser) -> None:
    own = await user.send_text("salah ketik")
    status, _ = await call("deleteMessages", chat_id=USER_ID, message_ids=[own.message_id, 12345])
    assert status == 200
    assert "salah ketik" not in [m.text for m in user.chat().messages]
