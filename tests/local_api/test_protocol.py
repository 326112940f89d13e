"""The HTTP protocol: URL scheme, body encodings, error shapes, authentication."""

from __future__ import annotations

import aiohttp
from aiogram import Bot

from bot.dev.local_api import LocalBotApi
from tests.local_api.helpers import BOT_USERNAME, TOKEN, USER_ID, ApiCall


async def test_get_me_through_aiogram(bot: Bot) -> None:
    me = await bot.get_me()
    assert me.id == 123456
    assert me.is_bot is True
    assert me.username == BOT_USERNAME


async def test_unknown_token_is_unauthorized(call: ApiCall) -> None:
    status, body = await call("getMe", token="999:nope")
    assert status == 401
    assert body == {"ok": False, "error_code": 401, "description": "Unauthorized"}


async def test_unknown_method_is_not_found(call: ApiCall) -> None:
    status, body = await call("sendTelepathy", chat_id=1)
    assert status == 404
    assert body == {"ok": False, "error_code": 404, "description": "Not Found"}


async def test_method_names_are_case_insensitive(call: ApiCall) -> None:
    status, body = await call("GETME")
    assert status == 200
    assert body["result"]["username"] == BOT_USERNAME


async def test_get_with_query_parameters(call: ApiCall, user: object) -> None:
    status, body = await call("sendMessage", verb="GET", chat_id=USER_ID, text="lewat GET")
    assert status == 200
    assert body["ok"] is True
    assert body["result"]["text"] == "lewat GET"


async def test_urlencoded_body_with_json_encoded_markup(
    local_api: LocalBotApi, http: aiohttp.ClientSession, user: object
) -> None:
    form = {
        "chat_id": str(USER_ID),
        "text": "pilih",
        "reply_markup": '{"inline_keyboard": [[{"text": "Ya", "callback_data": "yes"}]]}',
    }
    async with http.post(f"{local_api.base_url}/bot{TOKEN}/sendMessage", data=form) as response:
        body = await response.json()
    assert body["ok"] is True
    assert body["result"]["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "yes"


async def test_bad_request_has_telegram_shape_without_parameters(call: ApiCall, user: object) -> None:
    status, body = await call("sendMessage", chat_id=USER_ID, text="")
    assert status == 400
    assert body == {"ok": False, "error_code": 400, "description": "Bad Request: message text is empty"}


async def test_unknown_chat_is_not_found(call: ApiCall) -> None:
    status, body = await call("sendMessage", chat_id=777, text="halo")
    assert (status, body["description"]) == (400, "Bad Request: chat not found")


async def test_person_who_never_wrote_is_not_reachable(local_api: LocalBotApi, call: ApiCall) -> None:
    local_api.user(31337, "Silent")
    status, body = await call("sendMessage", chat_id=31337, text="halo")
    assert (status, body["description"]) == (400, "Bad Request: chat not found")


async def test_file_download_with_bad_path_is_not_found(
    local_api: LocalBotApi, http: aiohttp.ClientSession
) -> None:
    async with http.get(f"{local_api.base_url}/file/bot{TOKEN}/photos/nothing.jpg") as response:
        assert response.status == 404
        assert (await response.json())["description"] == "Not Found"


async def test_request_journal_records_outcomes(local_api: LocalBotApi, call: ApiCall, user: object) -> None:
    await call("sendMessage", chat_id=USER_ID, text="satu")
    await call("sendMessage", chat_id=USER_ID, text="")
    records = local_api.requests(method="sendMessage", chat_id=USER_ID)
    assert [(r.ok, r.status) for r in records] == [(True, 200), (False, 400)]
    assert records[0].params["text"] == "satu"
    assert records[1].description == "Bad Request: message text is empty"
    assert [m["text"] for m in local_api.delivered(USER_ID)] == ["satu"]


async def test_empty_method_is_not_found(local_api: LocalBotApi, http: aiohttp.ClientSession) -> None:
    async with http.get(f"{local_api.base_url}/bot{TOKEN}/") as response:
        assert response.status == 404
        assert (await response.json())["description"] == "Not Found"


async def test_restart_after_stop(local_api: LocalBotApi, call: ApiCall) -> None:
    await local_api.stop()
    await local_api.start()
    await local_api.user(5, "Ulang").send_text("lagi")
    _, body = await call("getUpdates", timeout=1)
    assert [update["message"]["text"] for update in body["result"]] == ["lagi"]
