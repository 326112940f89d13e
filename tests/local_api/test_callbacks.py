"""Inline buttons: pressing them, and answerCallbackQuery's one-answer, age and length rules."""

from __future__ import annotations

import asyncio

import pytest

from bot.dev.local_api import LocalBotApi, SimulationError, SimUser
from bot.dev.local_api.errors import QUERY_TOO_OLD
from tests.local_api.helpers import USER_ID, ApiCall

MARKUP = {
    "inline_keyboard": [
        [{"text": "Setuju", "callback_data": "approve:7"}, {"text": "Tolak", "callback_data": "reject:7"}],
        [{"text": "Situs", "url": "https://lapor.go.id"}],
    ]
}


async def keyboard_message(call: ApiCall) -> int:
    _, body = await call("sendMessage", chat_id=USER_ID, text="Keputusan?", reply_markup=MARKUP)
    return int(body["result"]["message_id"])


async def pressed_query(call: ApiCall, user: SimUser, button: str = "approve:7") -> dict[str, object]:
    message_id = await keyboard_message(call)
    query_id = await user.press_button(message_id, button)
    _, body = await call("getUpdates", offset=-1)
    query = body["result"][0]["callback_query"]
    assert query["id"] == query_id
    return query


async def test_press_by_text_or_data_creates_a_callback_query(call: ApiCall, user: SimUser) -> None:
    query = await pressed_query(call, user, "Tolak")
    assert query["data"] == "reject:7"
    assert query["from"]["id"] == USER_ID  # type: ignore[index]
    assert query["message"]["text"] == "Keputusan?"  # type: ignore[index]


async def test_answer_shows_a_toast_once(call: ApiCall, user: SimUser) -> None:
    query = await pressed_query(call, user)
    status, body = await call(
        "answerCallbackQuery", callback_query_id=query["id"], text="Disetujui", show_alert=True
    )
    assert (status, body["result"]) == (200, True)
    toast = await user.wait_for_toast()
    assert (toast["text"], toast["show_alert"]) == ("Disetujui", True)
    status, body = await call("answerCallbackQuery", callback_query_id=query["id"])
    assert (status, body["description"]) == (400, f"Bad Request: {QUERY_TOO_OLD}")


async def test_unknown_query_is_refused(call: ApiCall) -> None:
    status, body = await call("answerCallbackQuery", callback_query_id="123")
    assert (status, body["description"]) == (400, f"Bad Request: {QUERY_TOO_OLD}")


async def test_old_query_is_refused(local_api: LocalBotApi, call: ApiCall, user: SimUser) -> None:
    local_api.config.callback_query_timeout = 0.05
    query = await pressed_query(call, user)
    await asyncio.sleep(0.1)
    status, body = await call("answerCallbackQuery", callback_query_id=query["id"])
    assert (status, body["description"]) == (400, f"Bad Request: {QUERY_TOO_OLD}")


async def test_toast_text_is_limited_to_200_characters(call: ApiCall, user: SimUser) -> None:
    query = await pressed_query(call, user)
    status, body = await call("answerCallbackQuery", callback_query_id=query["id"], text="t" * 201)
    assert (status, body["description"]) == (400, "Bad Request: MESSAGE_TOO_LONG")
    assert (await call("answerCallbackQuery", callback_query_id=query["id"], text="t" * 200))[0] == 200


async def test_pressing_a_button_that_is_not_there_is_refused(call: ApiCall, user: SimUser) -> None:
    message_id = await keyboard_message(call)
    with pytest.raises(SimulationError, match="no inline button 'hapus'"):
        await user.press_button(message_id, "hapus")
    with pytest.raises(SimulationError, match="not a callback button"):
        await user.press_button(message_id, "Situs")
    with pytest.raises(SimulationError, match="not in the chat"):
        await user.press_button(999, "approve:7")


async def test_buttons_removed_by_an_edit_cannot_be_pressed(call: ApiCall, user: SimUser) -> None:
    message_id = await keyboard_message(call)
    await call("editMessageText", chat_id=USER_ID, message_id=message_id, text="Sudah diputuskan")
    with pytest.raises(SimulationError):
        await user.press_button(message_id, "approve:7")
