"""Constants and helpers shared by the local Bot API tests."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from bot.dev.local_api import LocalBotApi, SimUser

TOKEN = "123456:local-test-token"
BOT_USERNAME = "laporgub_test_bot"
USER_ID = 4242


class ApiCall(Protocol):
    def __call__(
        self, method: str, *, token: str = ..., verb: str = ..., **params: Any
    ) -> Awaitable[tuple[int, dict[str, Any]]]: ...


def people(api: LocalBotApi, count: int, first_id: int = 9000) -> Callable[[], Awaitable[list[SimUser]]]:
    """People who have each written to the bot once, so it may message them."""

    async def started() -> list[SimUser]:
        users = [api.user(first_id + index, f"Warga {index}") for index in range(count)]
        for person in users:
            await person.send_text("halo")
        return users

    return started
