"""What a simulated person sees in their chat, and waiting for the bot without blind sleeps."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

from bot.dev.local_api.chat_view import ChatMessage, ChatView, view_chat, view_message
from bot.dev.local_api.models import BotAccount, Chat, Person
from bot.dev.local_api.world import World

_T = TypeVar("_T")


class ChatWatching:
    """Mixed into ``SimUser``. Each ``wait_for_*`` keeps its own cursor, so things that happened
    before the call still count (no race with a fast bot) and nothing is returned twice."""

    _world: World
    person: Person
    bot: BotAccount

    def __init__(self) -> None:
        self._message_cursor = 0
        self._event_cursor = 0
        self._toast_cursor = 0

    @property
    def _chat(self) -> Chat:
        return self._world.chat(self.bot, self.person)

    def chat(self) -> ChatView:
        return view_chat(self._chat)

    def messages(self) -> list[ChatMessage]:
        return self.chat().messages

    def last_bot_message(self) -> ChatMessage | None:
        bot_messages = self.chat().bot_messages()
        return bot_messages[-1] if bot_messages else None

    async def wait_for_message(
        self,
        predicate: Callable[[ChatMessage], bool] | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109 - the waiting is the point of these helpers
    ) -> ChatMessage:
        """The next bot message not yet returned by this method (messages the predicate rejects are
        skipped for good). Messages that arrived before the call count, so no race with fast bots."""

        def find() -> ChatMessage | None:
            chat = self._chat
            for message_id in sorted(chat.messages):
                if message_id <= self._message_cursor:
                    continue
                message = view_message(chat.messages[message_id], self.bot.id)
                if message.sender != "bot":
                    continue
                self._message_cursor = message_id
                if predicate is None or predicate(message):
                    return message
            return None

        return await self._wait(find, timeout, "a new bot message")

    async def wait_for_edit(
        self,
        message: int | ChatMessage | None = None,
        predicate: Callable[[ChatMessage], bool] | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> ChatMessage:
        """The next edit (of ``message``, if given) not yet returned by this method."""
        wanted = None if message is None else message_id_of(message)

        def find() -> ChatMessage | None:
            chat = self._chat
            for event in chat.events[self._event_cursor :]:
                self._event_cursor = event.seq
                raw = chat.messages.get(event.message_id or 0)
                if event.kind != "edit" or raw is None or wanted not in (None, event.message_id):
                    continue
                edited = view_message(raw, self.bot.id)
                if edited.sender == "bot" and (predicate is None or predicate(edited)):
                    return edited
            return None

        return await self._wait(find, timeout, "an edit")

    async def wait_for_toast(self, timeout: float = 5.0) -> dict[str, Any]:  # noqa: ASYNC109
        """The next answerCallbackQuery notification this person received."""

        def find() -> dict[str, Any] | None:
            toasts = self._chat.toasts
            if len(toasts) > self._toast_cursor:
                self._toast_cursor += 1
                return toasts[self._toast_cursor - 1]
            return None

        return await self._wait(find, timeout, "a callback answer")

    async def wait_until(
        self,
        predicate: Callable[[ChatView], object],
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> ChatView:
        """The chat once `predicate` holds (is true) of it."""

        def find() -> ChatView | None:
            view = self.chat()
            return view if predicate(view) else None

        return await self._wait(find, timeout, "the chat condition")

    async def _wait(self, find: Callable[[], _T | None], seconds: float, what: str) -> _T:
        deadline = time.monotonic() + seconds
        while True:
            found = find()
            if found is not None:
                return found
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                texts = [f"{m.sender}: {m.text!r}" for m in self.messages()[-5:]]
                raise TimeoutError(
                    f"user {self.person.id}: waited {seconds}s for {what}; last messages: {texts}"
                )
            await self._world.changed.wait(remaining)


def message_id_of(message: int | ChatMessage) -> int:
    return message if isinstance(message, int) else message.message_id
