"""People who block the bot, and chats the bot may not address."""

from __future__ import annotations

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramForbiddenError

from bot.dev.local_api import SimulationError, SimUser
from tests.local_api.helpers import USER_ID, ApiCall


async def test_blocked_user_answers_403(call: ApiCall, user: SimUser) -> None:
    await user.block()
    status, body = await call("sendMessage", chat_id=USER_ID, text="halo?")
    assert status == 403
    assert body == {"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked by the user"}
    assert user.chat().blocked is True


async def test_aiogram_raises_forbidden(bot: Bot, user: SimUser) -> None:
    await user.block()
    with pytest.raises(TelegramForbiddenError, match="bot was blocked by the user"):
        await bot.send_message(USER_ID, "halo?")


async def test_unblocking_restores_delivery(call: ApiCall, user: SimUser) -> None:
    await user.block()
    await user.unblock()
    assert (await call("sendMessage", chat_id=USER_ID, text="kembali"))[0] == 200
    _, body = await call("getUpdates")
    statuses = [
        u["my_chat_member"]["new_chat_member"]["status"] for u in body["result"] if "my_chat_member" in u
    ]
    assert statuses == ["kicked", "member"]


async def test_blocked_person_cannot_write(user: SimUser) -> None:
    await user.block()
    with pytest.raises(SimulationError, match="blocked the bot"):
        await user.send_text("halo")
