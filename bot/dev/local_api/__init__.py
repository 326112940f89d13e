"""Local Telegram Bot API server, strict like Telegram, with a simulation of the people using it.

Start it and point aiogram at it::

    api = LocalBotApi(ServerConfig.for_tests())        # or LocalBotApi() for production-like limits
    api.add_bot("123456:secret", "laporgub_bot", "LaporGub")
    await api.start()                                   # port 0 → free port; api.base_url
    bot = Bot("123456:secret", session=AiohttpSession(api=api.aiogram_server()))
    budi = api.user(42, "Budi", language_code="id")     # SimUser, the person's end
    await budi.send_command("/start")
    reply = await budi.wait_for_message()               # ChatMessage: .text, .html, .buttons, ...
    await budi.press_button(reply, "Lapor")             # by callback_data or button text
    ...
    await api.stop()

Bot API: ``/bot<token>/<method>`` (GET query, JSON, urlencoded or multipart) and
``/file/bot<token>/<file_path>``. Answers, limits and error descriptions follow Telegram; see
``config`` for flood control (``RateLimits``), injected failures (``Faults``) and webhook retries.
The simulation is also served over HTTP under ``/sim`` (see ``sim_http``).
"""

from bot.dev.local_api.api import LocalBotApi
from bot.dev.local_api.chat_view import ChatMessage, ChatView
from bot.dev.local_api.config import CHAT_ACTION_METHODS, Faults, RateLimits, ServerConfig, WebhookSettings
from bot.dev.local_api.errors import ApiError, SimulationError
from bot.dev.local_api.imaging import tiny_png
from bot.dev.local_api.models import BotAccount
from bot.dev.local_api.records import RequestRecord
from bot.dev.local_api.sim import SimUser

__all__ = [
    "CHAT_ACTION_METHODS",
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
