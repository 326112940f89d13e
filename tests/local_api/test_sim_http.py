"""The simulation over HTTP (/sim/...), as the browser chat page will use it."""

from __future__ import annotations

import asyncio
import base64
from typing import Any

import aiohttp

from bot.dev.local_api import LocalBotApi, tiny_png
from tests.local_api.helpers import BOT_USERNAME, ApiCall


class Sim:
    def __init__(self, api: LocalBotApi, http: aiohttp.ClientSession) -> None:
        self.base = f"{api.base_url}/sim"
        self.http = http

    async def get(self, path: str, **query: Any) -> tuple[int, dict[str, Any]]:
        async with self.http.get(self.base + path, params={k: str(v) for k, v in query.items()}) as response:
            return response.status, await response.json()

    async def post(self, path: str, body: dict[str, Any] | None = None) -> tuple[int, dict[str, Any]]:
        async with self.http.post(self.base + path, json=body or {}) as response:
            return response.status, await response.json()


async def test_users_chat_and_sending(
    local_api: LocalBotApi, http: aiohttp.ClientSession, call: ApiCall
) -> None:
    sim = Sim(local_api, http)
    assert (await sim.get("/bots"))[1]["result"][0]["username"] == BOT_USERNAME
    status, created = await sim.post("/users", {"id": 801, "first_name": "Oki", "language_code": "id"})
    assert (status, created["result"]["id"]) == (200, 801)
    _, listed = await sim.get("/users")
    assert listed["result"] == [
        {
            "id": 801,
            "is_bot": False,
            "first_name": "Oki",
            "language_code": "id",
            "blocked": False,
            "version": 0,
        }
    ]
    _, sent = await sim.post("/users/801/send", {"type": "command", "command": "/start"})
    assert sent["result"]["text"] == "/start"
    photo = base64.b64encode(tiny_png()).decode()
    _, sent_photo = await sim.post(
        "/users/801/send", {"type": "photo", "data_base64": photo, "caption": "foto"}
    )
    assert sent_photo["result"]["kind"] == "photo"
    _, updates = await call("getUpdates")
    assert [list(u)[1] for u in updates["result"]] == ["message", "message"]
    await call("sendMessage", chat_id=801, text="<b>Halo</b> Oki", parse_mode="HTML")
    _, chat = await sim.get("/users/801/chat")
    last = chat["result"]["messages"][-1]
    assert (last["sender"], last["html"], chat["result"]["version"]) == ("bot", "<b>Halo</b> Oki", 3)
    async with http.get(f"{sim.base}/files/{sent_photo['result']['media'][-1]['file_id']}") as response:
        assert await response.read() == tiny_png()


async def test_press_block_and_requests(
    local_api: LocalBotApi, http: aiohttp.ClientSession, call: ApiCall
) -> None:
    sim = Sim(local_api, http)
    await sim.post("/users", {"id": 802, "first_name": "Putri"})
    await sim.post("/users/802/send", {"type": "text", "text": "halo"})
    markup = {"inline_keyboard": [[{"text": "Ya", "callback_data": "yes"}]]}
    _, sent = await call("sendMessage", chat_id=802, text="lanjut?", reply_markup=markup)
    message_id = sent["result"]["message_id"]
    status, pressed = await sim.post("/users/802/press", {"message_id": message_id, "button": "Ya"})
    assert status == 200
    assert pressed["result"]["callback_query_id"]
    status, refused = await sim.post("/users/802/press", {"message_id": message_id, "button": "Tidak"})
    assert status == 400
    assert refused["ok"] is False
    assert "no inline button" in refused["error"]
    await call("sendMessage", chat_id=802, text="menu", reply_markup={"keyboard": [["Lapor"]]})
    _, reply = await sim.post("/users/802/press_reply", {"text": "Lapor"})
    assert reply["result"]["text"] == "Lapor"
    assert (await sim.post("/users/802/block"))[0] == 200
    assert (await call("sendMessage", chat_id=802, text="x"))[0] == 403
    assert (await sim.post("/users/802/unblock"))[0] == 200
    _, records = await sim.get("/requests", method="sendMessage", chat_id=802)
    assert [r["status"] for r in records["result"]] == [200, 200, 403]
    assert records["result"][0]["params"]["text"] == "lanjut?"


async def test_long_poll_for_chat_changes(
    local_api: LocalBotApi, http: aiohttp.ClientSession, call: ApiCall
) -> None:
    sim = Sim(local_api, http)
    await sim.post("/users", {"id": 803, "first_name": "Rina"})
    await sim.post("/users/803/send", {"type": "text", "text": "halo"})
    _, chat = await sim.get("/users/803/chat")
    version = chat["result"]["version"]
    poll = asyncio.create_task(sim.get("/users/803/chat/poll", since=version, timeout=5))
    await asyncio.sleep(0.1)
    assert not poll.done()
    await call("sendMessage", chat_id=803, text="balasan")
    _, changed = await poll
    assert changed["result"]["version"] > version
    assert changed["result"]["messages"][-1]["text"] == "balasan"
    _, unchanged = await sim.get("/users/803/chat/poll", since=changed["result"]["version"], timeout=0.1)
    assert unchanged["result"]["version"] == changed["result"]["version"]


async def test_errors_are_clean_json(local_api: LocalBotApi, http: aiohttp.ClientSession) -> None:
    sim = Sim(local_api, http)
    status, body = await sim.get("/users/999/chat")
    assert (status, body["ok"]) == (404, False)
    status, body = await sim.post("/users", {"first_name": "tanpa id"})
    assert status == 400
    await sim.post("/users", {"id": 804, "first_name": "Sinta"})
    status, body = await sim.post("/users/804/send", {"type": "hologram"})
    assert status == 400
    assert "unknown message type" in body["error"]
