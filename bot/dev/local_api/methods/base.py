"""What a Bot API method handler receives, and the registry that maps method names to handlers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import aiohttp

from bot.dev.local_api.config import ServerConfig
from bot.dev.local_api.errors import bad_request
from bot.dev.local_api.models import BotAccount, Chat
from bot.dev.local_api.params import Params
from bot.dev.local_api.webhook import WebhookDeliverer
from bot.dev.local_api.world import World


@dataclass
class Services:
    world: World
    config: ServerConfig
    webhooks: dict[int, WebhookDeliverer]
    http: Callable[[], aiohttp.ClientSession]


@dataclass
class Call:
    services: Services
    bot: BotAccount
    params: Params

    @property
    def world(self) -> World:
        return self.services.world

    @property
    def config(self) -> ServerConfig:
        return self.services.config

    @property
    def webhook(self) -> WebhookDeliverer:
        return self.services.webhooks[self.bot.id]

    def chat(self, field: str = "chat_id") -> Chat:
        if not self.params.has(field):
            raise bad_request(f"{field} is empty")
        return self.world.known_chat(self.bot, self.params.raw(field))


Handler = Callable[[Call], Awaitable[Any]]


@dataclass(frozen=True)
class MethodSpec:
    name: str
    handler: Handler
    counted: bool


REGISTRY: dict[str, MethodSpec] = {}


def method(name: str, *, counted: bool = False) -> Callable[[Handler], Handler]:
    """Registers a handler; ``counted`` methods are subject to flood control."""

    def register(handler: Handler) -> Handler:
        REGISTRY[name.lower()] = MethodSpec(name, handler, counted)
        return handler

    return register
