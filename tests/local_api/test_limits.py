"""Telegram's size limits and reply_markup rules, each refused the way Telegram refuses it."""

from __future__ import annotations

from typing import Any

import pytest

from bot.dev.local_api import SimUser
from tests.local_api.helpers import USER_ID, ApiCall


def keyboard(*buttons: dict[str, Any]) -> dict[str, Any]:
    return {"inline_keyboard": [list(buttons)]}


async def send(call: ApiCall, **params: Any) -> tuple[int, dict[str, Any]]:
    return await call("sendMessage", chat_id=USER_ID, **params)


async def test_text_of_4096_characters_is_accepted(call: ApiCall, user: SimUser) -> None:
    status, body = await send(call, text="a" * 4096)
    assert status == 200
    assert len(body["result"]["text"]) == 4096


async def test_text_of_4097_characters_is_refused(call: ApiCall, user: SimUser) -> None:
    status, body = await send(call, text="a" * 4097)
    assert (status, body["description"]) == (400, "Bad Request: message is too long")


async def test_length_counts_utf16_code_units(call: ApiCall, user: SimUser) -> None:
    assert (await send(call, text="😀" * 2048))[0] == 200
    status, body = await send(call, text="😀" * 2049)
    assert (status, body["description"]) == (400, "Bad Request: message is too long")


async def test_html_length_is_counted_on_visible_text(call: ApiCall, user: SimUser) -> None:
    source = "<b>" + "a" * 4000 + "</b>" + "&amp;" * 96
    assert len(source) > 4096
    status, body = await send(call, text=source, parse_mode="HTML")
    assert status == 200
    assert len(body["result"]["text"]) == 4096
    status, body = await send(call, text=source + "&amp;", parse_mode="HTML")
    assert (status, body["description"]) == (400, "Bad Request: message is too long")


@pytest.mark.parametrize("text", ["", "   \n\t ", "<b> </b>"])
async def test_empty_visible_text_is_refused(call: ApiCall, user: SimUser, text: str) -> None:
    status, body = await send(call, text=text, parse_mode="HTML")
    assert (status, body["description"]) == (400, "Bad Request: message text is empty")


async def test_surrounding_whitespace_is_trimmed_like_telegram(call: ApiCall, user: SimUser) -> None:
    status, body = await send(call, text="  <b>halo</b>\n", parse_mode="HTML")
    assert status == 200
    assert body["result"]["text"] == "halo"
    assert body["result"]["entities"] == [{"type": "bold", "offset": 0, "length": 4}]


async def test_caption_limit_is_1024(call: ApiCall, user: SimUser) -> None:
    photo = (await user.send_photo()).media[-1]["file_id"]
    ok_status, _ = await call("sendPhoto", chat_id=USER_ID, photo=photo, caption="c" * 1024)
    assert ok_status == 200
    status, body = await call("sendPhoto", chat_id=USER_ID, photo=photo, caption="c" * 1025)
    assert (status, body["description"]) == (400, "Bad Request: message caption is too long")


async def test_callback_data_of_64_bytes_is_accepted(call: ApiCall, user: SimUser) -> None:
    for data in ("x" * 64, "é" * 32):
        status, _ = await send(
            call, text="pilih", reply_markup=keyboard({"text": "A", "callback_data": data})
        )
        assert status == 200


@pytest.mark.parametrize("data", ["x" * 65, "é" * 33, "€" * 22, ""])
async def test_callback_data_over_64_bytes_or_empty_is_refused(
    call: ApiCall, user: SimUser, data: str
) -> None:
    status, body = await send(call, text="pilih", reply_markup=keyboard({"text": "A", "callback_data": data}))
    assert (status, body["description"]) == (400, "Bad Request: BUTTON_DATA_INVALID")


async def test_inline_button_needs_an_action(call: ApiCall, user: SimUser) -> None:
    status, body = await send(call, text="pilih", reply_markup=keyboard({"text": "tanpa aksi"}))
    assert status == 400
    assert body["description"] == (
        "Bad Request: can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
    )


async def test_inline_button_needs_exactly_one_action(call: ApiCall, user: SimUser) -> None:
    button = {"text": "dua", "callback_data": "a", "url": "https://lapor.go.id"}
    status, body = await send(call, text="pilih", reply_markup=keyboard(button))
    assert status == 400
    assert "exactly one" in body["description"]


async def test_inline_button_needs_text(call: ApiCall, user: SimUser) -> None:
    status, body = await send(call, text="pilih", reply_markup=keyboard({"callback_data": "a"}))
    assert status == 400
    assert body["description"] == "Bad Request: can't parse inline keyboard button: Can't find field \"text\""


async def test_inline_keyboard_must_be_array_of_arrays(call: ApiCall, user: SimUser) -> None:
    markup = {"inline_keyboard": [{"text": "A", "callback_data": "a"}]}
    status, body = await send(call, text="pilih", reply_markup=markup)
    assert status == 400
    assert body["description"] == (
        'Bad Request: field "inline_keyboard" of the InlineKeyboardMarkup should be an Array of Arrays'
    )


async def test_at_most_100_inline_buttons(call: ApiCall, user: SimUser) -> None:
    rows = [[{"text": f"{r}-{c}", "callback_data": f"{r}-{c}"} for c in range(5)] for r in range(20)]
    assert (await send(call, text="banyak", reply_markup={"inline_keyboard": rows}))[0] == 200
    rows.append([{"text": "lebih", "callback_data": "lebih"}])
    status, body = await send(call, text="terlalu banyak", reply_markup={"inline_keyboard": rows})
    assert (status, body["description"]) == (400, "Bad Request: REPLY_MARKUP_TOO_LONG")


async def test_bad_url_button_is_refused(call: ApiCall, user: SimUser) -> None:
    status, body = await send(
        call, text="buka", reply_markup=keyboard({"text": "buka", "url": "javascript:alert(1)"})
    )
    assert (status, body["description"]) == (400, "Bad Request: BUTTON_URL_INVALID")


async def test_unparseable_markup_is_refused(call: ApiCall, user: SimUser) -> None:
    status, body = await send(call, text="x", reply_markup={"buttons": []})
    assert (status, body["description"]) == (
        400,
        "Bad Request: can't parse reply keyboard markup JSON object",
    )


async def test_reply_keyboard_is_shown_to_the_person(call: ApiCall, user: SimUser) -> None:
    markup = {
        "keyboard": [["Lapor"], [{"text": "Kirim nomor", "request_contact": True}]],
        "resize_keyboard": True,
        "one_time_keyboard": True,
        "input_field_placeholder": "Pilih menu",
    }
    status, body = await send(call, text="menu", reply_markup=markup)
    assert status == 200
    assert "reply_markup" not in body["result"]
    shown = user.chat().reply_keyboard
    assert shown is not None
    assert [[button["text"] for button in row] for row in shown["keyboard"]] == [["Lapor"], ["Kirim nomor"]]
    assert shown["input_field_placeholder"] == "Pilih menu"


async def test_reply_keyboard_rules(call: ApiCall, user: SimUser) -> None:
    two_requests = {"keyboard": [[{"text": "x", "request_contact": True, "request_location": True}]]}
    assert (await send(call, text="x", reply_markup=two_requests))[0] == 400
    assert (await send(call, text="x", reply_markup={"keyboard": []}))[0] == 400
    long_placeholder = {"keyboard": [["a"]], "input_field_placeholder": "p" * 65}
    assert (await send(call, text="x", reply_markup=long_placeholder))[0] == 400
    assert (await send(call, text="x", reply_markup={"remove_keyboard": False}))[0] == 400


async def test_remove_keyboard_and_force_reply(call: ApiCall, user: SimUser) -> None:
    await send(call, text="menu", reply_markup={"keyboard": [["Lapor"]]})
    await send(call, text="tutup", reply_markup={"remove_keyboard": True})
    assert user.chat().reply_keyboard is None
    status, body = await send(
        call, text="alamat?", reply_markup={"force_reply": True, "input_field_placeholder": "Jl."}
    )
    assert status == 200
    force = user.chat().force_reply
    assert force is not None
    assert force["message_id"] == body["result"]["message_id"]
    await user.send_text("Jl. Merdeka 1", reply_to=force["message_id"])
    assert user.chat().force_reply is None
