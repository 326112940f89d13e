"""Local Telegram Bot API server, strict like Telegram, with a simulation of the people using it."""

from bot.local_api.api import LocalBotApi
from bot.local_api.chat_view import ChatMessage, ChatView
from bot.local_api.config import Faults, RateLimits, ServerConfig, WebhookSettings
from bot.local_api.errors import ApiError, SimulationError
from bot.local_api.imaging import tiny_png
from bot.local_api.models import BotAccount
from bot.local_api.records import RequestRecord
from bot.local_api.sim import SimUser

__all__ = [
    "ApiError",
    "BotAccount",
    "ChatMessage",
    "ChatView",
    "Faults",
    "LocalBotApi",
    "RateLimits",
    "RequestRecord",
    "ServerConfig",
    "SimUser",
    "SimulationError",
    "WebhookSettings",
    "tiny_png",
]
