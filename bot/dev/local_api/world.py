"""Registry of everything simulated, with the lookups Bot API methods share."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any

from bot.dev.local_api.errors import BLOCKED, CHAT_NOT_FOUND, bad_request, forbidden
from bot.dev.local_api.files import FileStore
from bot.dev.local_api.models import BotAccount, Chat, Person
from bot.dev.local_api.notify import Notifier

_TOKEN = re.compile(r"^(\d+):[A-Za-z0-9_-]+$")


class World:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.bots: dict[str, BotAccount] = {}
        self.persons: dict[int, Person] = {}
        self.chats: dict[tuple[int, int], Chat] = {}
        self.files = FileStore()
        self.changed = Notifier()
        self.in_flight = 0
        self.last_activity = clock()

    def touch(self) -> None:
        self.last_activity = self.clock()

    def add_bot(self, token: str, username: str, first_name: str) -> BotAccount:
        match = _TOKEN.match(token)
        if match is None:
            raise ValueError(f"not a Telegram bot token: {token!r} (expected '<digits>:<secret>')")
        bot = BotAccount(
            id=int(match.group(1)), token=token, username=username.lstrip("@"), first_name=first_name
        )
        self.bots[token] = bot
        return bot

    def find_bot(self, ref: str | int | None = None) -> BotAccount:
        """By token, id or username; ``None`` means the first bot added."""
        if not self.bots:
            raise LookupError("no bot registered; call add_bot() first")
        if ref is None:
            return next(iter(self.bots.values()))
        for bot in self.bots.values():
            if ref in (bot.token, bot.id, bot.username, f"@{bot.username}", str(bot.id)):
                return bot
        raise LookupError(f"unknown bot {ref!r}")

    def add_person(
        self,
        person_id: int,
        first_name: str,
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
        phone_number: str | None = None,
    ) -> Person:
        person = self.persons.get(person_id)
        if person is None:
            person = Person(person_id, first_name)
            self.persons[person_id] = person
        person.first_name = first_name
        person.last_name = last_name or person.last_name
        person.username = username or person.username
        person.language_code = language_code or person.language_code
        person.phone_number = phone_number or person.phone_number
        return person

    def chat(self, bot: BotAccount, person: Person) -> Chat:
        key = (bot.id, person.id)
        if key not in self.chats:
            self.chats[key] = Chat(bot=bot, person=person, notify=self.changed.notify)
        return self.chats[key]

    def known_chat(self, bot: BotAccount, chat_id: Any) -> Chat:
        """The chat a bot addresses by ``chat_id``: it exists only once the person wrote to the bot."""
        try:
            person_id = int(chat_id)
        except (TypeError, ValueError):
            raise bad_request(CHAT_NOT_FOUND) from None
        chat = self.chats.get((bot.id, person_id))
        if chat is None or not chat.started:
            raise bad_request(CHAT_NOT_FOUND)
        if chat.blocked:
            raise forbidden(BLOCKED)
        return chat

    def updates_pending(self) -> bool:
        return any(bot.queue.undelivered for bot in self.bots.values())
