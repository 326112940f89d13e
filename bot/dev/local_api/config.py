"""Tunable behaviour of the local Bot API server; defaults model Telegram's production limits."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class RateLimits:
    """Token buckets: ``per_chat_rate`` messages/s with ``per_chat_burst`` allowance per chat,
    ``global_rate``/``global_burst`` per bot. Only sending and editing methods are counted."""

    enabled: bool = True
    per_chat_rate: float = 1.0
    per_chat_burst: int = 3
    global_rate: float = 30.0
    global_burst: int = 30


# Methods a bot uses to act in chats; handy as ``Faults(methods=CHAT_ACTION_METHODS)`` so that polling
# itself stays healthy while every reply is at risk.
CHAT_ACTION_METHODS = frozenset(
    {
        "sendMessage",
        "sendPhoto",
        "sendDocument",
        "sendVideo",
        "sendAudio",
        "sendVoice",
        "sendMediaGroup",
        "sendLocation",
        "sendContact",
        "sendChatAction",
        "copyMessage",
        "forwardMessage",
        "editMessageText",
        "editMessageCaption",
        "editMessageReplyMarkup",
        "deleteMessage",
        "deleteMessages",
        "answerCallbackQuery",
    }
)


@dataclass
class Faults:
    """Injected failures. Shares are probabilities in [0, 1]; ``methods`` (lower-case names) restricts
    which methods are affected (``None`` = every Bot API method). ``seed`` makes the draw sequence
    deterministic. A 500 is answered without executing the call; a delayed call is executed after
    ``delay_seconds``. ``origins`` restricts injection to requests made under one of those origins (see
    ``faults.request_origin``; ``None`` = every request)."""

    error_500_share: float = 0.0
    error_429_share: float = 0.0
    retry_after: int = 1
    delay_share: float = 0.0
    delay_seconds: float = 0.0
    methods: frozenset[str] | None = None
    seed: int | None = None
    origins: frozenset[str] | None = None

    def applies_to(self, method: str, origin: str | None = None) -> bool:
        if self.origins is not None and origin not in self.origins:
            return False
        return self.methods is None or method.lower() in {name.lower() for name in self.methods}


@dataclass
class WebhookSettings:
    """Retry of failed webhook deliveries: exponential backoff from ``retry_initial`` up to ``retry_max``."""

    retry_initial: float = 1.0
    retry_max: float = 60.0
    request_timeout: float = 10.0


@dataclass
class ServerConfig:
    rate_limits: RateLimits = field(default_factory=RateLimits)
    faults: Faults = field(default_factory=Faults)
    webhook: WebhookSettings = field(default_factory=WebhookSettings)
    callback_query_timeout: float = 15.0
    max_file_download: int = 20 * 1024 * 1024
    max_photo_upload: int = 10 * 1024 * 1024
    max_document_upload: int = 50 * 1024 * 1024
    idle_quiet_seconds: float = 0.15

    @classmethod
    def for_tests(cls) -> ServerConfig:
        """Fast and permissive on timing: no rate limits, millisecond webhook backoff."""
        return cls(
            rate_limits=RateLimits(enabled=False),
            webhook=WebhookSettings(retry_initial=0.02, retry_max=0.2, request_timeout=5.0),
            idle_quiet_seconds=0.05,
        )
