"""Flood control: per-chat burst, global rate, which methods count, and switching limits off."""

from __future__ import annotations

import asyncio

from bot.dev.local_api import LocalBotApi, RateLimits, SimUser
from tests.local_api.helpers import USER_ID, ApiCall, people


async def test_burst_to_one_chat_gets_429_with_retry_after(
    local_api: LocalBotApi, call: ApiCall, user: SimUser
) -> None:
    local_api.set_rate_limits(RateLimits(per_chat_rate=1.0, per_chat_burst=3))
    statuses = [(await call("sendMessage", chat_id=USER_ID, text=f"pesan {i}"))[0] for i in range(3)]
    assert statuses == [200, 200, 200]
    status, body = await call("sendMessage", chat_id=USER_ID, text="satu lagi")
    assert status == 429
    assert body["description"] == f"Too Many Requests: retry after {body['parameters']['retry_after']}"
    assert isinstance(body["parameters"]["retry_after"], int)
    assert body["parameters"]["retry_after"] >= 1
    assert len(local_api.delivered(USER_ID)) == 3


async def test_edits_count_too(local_api: LocalBotApi, call: ApiCall, user: SimUser) -> None:
    local_api.set_rate_limits(RateLimits(per_chat_rate=1.0, per_chat_burst=2))
    _, body = await call("sendMessage", chat_id=USER_ID, text="v1")
    message_id = body["result"]["message_id"]
    assert (await call("editMessageText", chat_id=USER_ID, message_id=message_id, text="v2"))[0] == 200
    assert (await call("editMessageText", chat_id=USER_ID, message_id=message_id, text="v3"))[0] == 429


async def test_tokens_refill_over_time(local_api: LocalBotApi, call: ApiCall, user: SimUser) -> None:
    local_api.set_rate_limits(RateLimits(per_chat_rate=20.0, per_chat_burst=1))
    assert (await call("sendMessage", chat_id=USER_ID, text="a"))[0] == 200
    assert (await call("sendMessage", chat_id=USER_ID, text="b"))[0] == 429
    await asyncio.sleep(0.06)
    assert (await call("sendMessage", chat_id=USER_ID, text="c"))[0] == 200


async def test_global_rate_across_chats(local_api: LocalBotApi, call: ApiCall) -> None:
    users = await people(local_api, 6)()
    local_api.set_rate_limits(
        RateLimits(per_chat_rate=1.0, per_chat_burst=3, global_rate=5.0, global_burst=5)
    )
    statuses = [(await call("sendMessage", chat_id=person.id, text="pengumuman"))[0] for person in users]
    assert statuses == [200] * 5 + [429]


async def test_reads_and_answers_are_not_counted(
    local_api: LocalBotApi, call: ApiCall, user: SimUser
) -> None:
    local_api.set_rate_limits(
        RateLimits(per_chat_rate=1.0, per_chat_burst=1, global_rate=1.0, global_burst=1)
    )
    for method in ("getMe", "getUpdates", "getWebhookInfo", "sendChatAction"):
        for _ in range(3):
            status, _ = await call(method, chat_id=USER_ID, action="typing")
            assert status == 200, method
    assert (await call("sendMessage", chat_id=USER_ID, text="masih boleh"))[0] == 200


async def test_limits_can_be_disabled(local_api: LocalBotApi, call: ApiCall, user: SimUser) -> None:
    local_api.set_rate_limits(enabled=False)
    statuses = {(await call("sendMessage", chat_id=USER_ID, text=str(i)))[0] for i in range(40)}
    assert statuses == {200}
