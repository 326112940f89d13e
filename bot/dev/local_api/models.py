"""State of the simulated Telegram: bots, people, the private chats between them, callback queries."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.dev.local_api.updates import UpdateQueue


@dataclass
class Person:
    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None
    phone_number: str | None = None

    def user_json(self) -> dict[str, Any]:
        user: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        for key in ("last_name", "username", "language_code"):
            if getattr(self, key):
                user[key] = getattr(self, key)
        return user

    def chat_json(self) -> dict[str, Any]:
        chat: dict[str, Any] = {"id": self.id, "type": "private", "first_name": self.first_name}
        for key in ("last_name", "username"):
            if getattr(self, key):
                chat[key] = getattr(self, key)
        return chat

    @property
    def phone(self) -> str:
        # Telegram's apps share the number without "+" on some platforms; bots must normalise it.
        # A mobile number (0812…): the bot takes mobile and fixed lines only, not 0800 toll-free ones.
        return self.phone_number or f"62812{self.id % 10**8:08d}"


@dataclass
class CallbackState:
    id: str
    person_id: int
    message_id: int
    data: str
    created: float
    answered: bool = False


@dataclass
class BotAccount:
    id: int
    token: str
    username: str
    first_name: str
    queue: UpdateQueue = field(default_factory=UpdateQueue)
    commands: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)
    callbacks: dict[str, CallbackState] = field(default_factory=dict)

    def user_json(self) -> dict[str, Any]:
        return {"id": self.id, "is_bot": True, "first_name": self.first_name, "username": self.username}

    def me_json(self) -> dict[str, Any]:
        return {
            **self.user_json(),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }


@dataclass(frozen=True)
class ChatEvent:
    """One change a person can see: message, edit, delete, toast, keyboard, action, block."""

    seq: int
    kind: str
    message_id: int | None
    time: float


@dataclass
class Chat:
    bot: BotAccount
    person: Person
    notify: Callable[[], None]
    messages: dict[int, dict[str, Any]] = field(default_factory=dict)
    next_message_id: int = 1
    started: bool = False
    blocked: bool = False
    reply_keyboard: dict[str, Any] | None = None
    force_reply: dict[str, Any] | None = None
    toasts: list[dict[str, Any]] = field(default_factory=list)
    action: str | None = None
    action_until: float = 0.0
    events: list[ChatEvent] = field(default_factory=list)

    @property
    def version(self) -> int:
        return len(self.events)

    def record(self, kind: str, message_id: int | None = None) -> ChatEvent:
        event = ChatEvent(len(self.events) + 1, kind, message_id, time.time())
        self.events.append(event)
        self.notify()
        return event

    def add_message(self, sender: dict[str, Any], content: dict[str, Any]) -> dict[str, Any]:
        message = {
            "message_id": self.next_message_id,
            "from": sender,
            "chat": self.person.chat_json(),
            "date": int(time.time()),
            **content,
        }
        self.next_message_id += 1
        self.messages[message["message_id"]] = message
        if sender.get("is_bot"):
            self.action = None
        self.record("message", message["message_id"])
        return message

    def reply_copy(self, message_id: int) -> dict[str, Any] | None:
        """What Telegram embeds as ``reply_to_message``: the target without its own reply."""
        target = self.messages.get(message_id)
        if target is None:
            return None
        return {key: value for key, value in target.items() if key != "reply_to_message"}
