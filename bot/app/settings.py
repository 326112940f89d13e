"""Settings from the environment or `.env`; `.env.example` documents every one of them."""

from __future__ import annotations

import math
from datetime import date, time
from enum import StrEnum
from typing import Annotated, Literal

from cryptography.fernet import Fernet
from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.ui.service_desk import STANDARD, ServiceDesk
from storage.personal_data import configure as configure_personal_data
from storage.personal_data import parse_keys
from workflow.sla import StageTargets

TELEGRAM_API = "https://api.telegram.org"
LANGUAGES = ("id", "en")
# The outbox sender's Bot API timeout, and the most requests one outbox row makes (a result's photos, its
# documents, its text): together they bound how long a claimed row can take.
SENDER_REQUEST_TIMEOUT_S = 15.0
SENDER_REQUESTS_PER_ROW = 3


class Mode(StrEnum):
    POLLING = "polling"
    WEBHOOK = "webhook"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    bot_token: SecretStr | None = None
    telegram_api_base: str = TELEGRAM_API
    database_url: str | None = None
    redis_url: str | None = None

    mode: Mode = Mode.POLLING
    webhook_public_url: str | None = None
    webhook_listen_host: str = "127.0.0.1"  # plain HTTP: behind a TLS reverse proxy, never exposed
    webhook_listen_port: int = 8080
    webhook_path: str = "/telegram/webhook"
    webhook_secret: SecretStr | None = None

    default_language: str = "id"
    # Office hours in WIB: stage targets count the time between them on working days (workflow.calendar).
    office_open: time = time(8, 0)
    office_close: time = time(16, 0)
    # NoDecode: the value is a comma-separated list, not JSON.
    extra_closed_days: Annotated[frozenset[date], NoDecode] = frozenset()
    extra_open_days: Annotated[frozenset[date], NoDecode] = frozenset()
    log_level: str = "INFO"
    # Fernet keys for NIKs, phone numbers and contacts at rest, comma-separated, newest first (storage/
    # personal_data.py); `laporgub keys new` makes one, `laporgub keys rotate` re-encrypts under the first.
    personal_data_keys: SecretStr | None = None
    # Our own copy of every attachment's bytes (bot/attachment_keeper.py), by SHA-256.
    attachments_dir: str = "data/attachments"
    # Delivered notices of finished complaints are deleted after this many days (the scheduler, hourly, and
    # `laporgub purge`); the complaints, their events and the reports are kept.
    outbox_retention_days: int = Field(default=30, ge=1)
    # A reporter's name, NIK, phone, address and contact are erased this many days after the last of their
    # complaints finished (the scheduler, hourly, and `laporgub purge`); complaints and reports are kept.
    identity_retention_days: int = Field(default=365, ge=1)
    # Polling mode: /healthz, /readyz and /metrics on this port (unset: not served; webhook mode serves them
    # beside the webhook).
    health_host: str = "127.0.0.1"
    health_port: int | None = Field(default=None, ge=0, le=65535)
    log_format: Literal["text", "json"] = "text"

    # Without BOT_TOKEN, `python -m bot` serves the sandbox (the bot in a browser, no Telegram) here.
    sandbox_host: str = "127.0.0.1"
    sandbox_port: int = Field(default=8080, ge=0, le=65535)

    # The outbox sender (see README, "Delivering notifications"); Telegram allows ~30 messages/s per bot in
    # all and ~1/s per chat. The bot's direct replies share those limits, hence the headroom.
    sender_in_bot: bool = True
    sender_global_rate: float = Field(default=25.0, gt=0)
    sender_per_chat_interval: float = Field(default=1.0, ge=0)
    sender_batch_size: int = Field(default=50, ge=1)
    sender_idle_poll_seconds: float = Field(default=1.0, gt=0)
    sender_backoff_base_seconds: float = Field(default=1.0, gt=0)
    sender_backoff_max_seconds: float = Field(default=300.0, gt=0)
    sender_max_attempts: int = Field(default=12, ge=1)
    sender_lease_seconds: float = Field(default=60.0, gt=0)
    # How long an update being handled stays reserved for its process without a renewal (renewed every
    # third of it while the handler runs): after a kill, the update is handled again once it has run out.
    update_lease_seconds: float = Field(default=30.0, ge=1)
    scheduler_interval_seconds: float = Field(default=60.0, gt=0)
    # Office hours each waiting stage may take, e.g. "at_opd=3,in_follow_up=5"; stages not named keep their
    # default (workflow.sla.DEFAULT_STAGE_HOURS, which add up to the standard's 2 working days).
    stage_target_hours: Annotated[dict[str, float], NoDecode] = Field(default_factory=dict)

    # -- officer/service: complaints about the service itself (Pengaduan Layanan) and /kontak
    service_office_code: str = STANDARD.office_code
    service_office_name: str = STANDARD.office_name
    service_address: str = STANDARD.address
    # NoDecode: a comma-separated list, not JSON.
    service_phones: Annotated[tuple[str, ...], NoDecode] = STANDARD.phones
    service_email: str = STANDARD.email
    service_website: str = STANDARD.website
    service_twitter: str = STANDARD.twitter
    service_instagram: str = STANDARD.instagram
    service_official: str = STANDARD.official
    service_official_phone: str = STANDARD.official_phone

    @field_validator(
        "bot_token",
        "database_url",
        "redis_url",
        "webhook_public_url",
        "webhook_secret",
        "health_port",
        "personal_data_keys",
        mode="before",
    )
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        # `KEY=` in .env (as in .env.example) means "not set", not "set to the empty string".
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("extra_closed_days", "extra_open_days", mode="before")
    @classmethod
    def _split_dates(cls, value: object) -> object:
        if isinstance(value, str):
            return frozenset(date.fromisoformat(part.strip()) for part in value.split(",") if part.strip())
        return value

    @field_validator("stage_target_hours", mode="before")
    @classmethod
    def _parse_stage_targets(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        hours: dict[str, float] = {}
        for part in filter(None, (piece.strip() for piece in value.split(","))):
            stage, equals, amount = part.partition("=")
            if not equals:
                raise ValueError(f"expected stage=hours, got {part!r}")
            try:
                hours[stage.strip()] = float(amount)
            except ValueError:
                hours[stage.strip()] = math.nan
            if not math.isfinite(hours[stage.strip()]):
                raise ValueError(f"the hours of {stage.strip()} must be a number, got {amount.strip()!r}")
        StageTargets(hours)  # refuses an unknown stage or a target that is not positive, naming it
        return hours

    @field_validator("service_phones", mode="before")
    @classmethod
    def _split_phones(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        return value

    @field_validator("default_language")
    @classmethod
    def _known_language(cls, value: str) -> str:
        if value not in LANGUAGES:
            raise ValueError(f"DEFAULT_LANGUAGE must be one of {', '.join(LANGUAGES)}")
        return value

    @field_validator("webhook_path")
    @classmethod
    def _absolute_path(cls, value: str) -> str:
        return value if value.startswith("/") else "/" + value

    @field_validator("office_open", "office_close")
    @classmethod
    def _wall_clock_time(cls, value: time) -> time:
        if value.tzinfo is not None:
            raise ValueError("OFFICE_OPEN and OFFICE_CLOSE are times in WIB (HH:MM), without a time zone")
        return value

    @property
    def stage_targets(self) -> StageTargets:
        return StageTargets(self.stage_target_hours)

    def service_desk(self) -> ServiceDesk:
        """The office that takes complaints about the service, as configured (`SERVICE_*`)."""
        return ServiceDesk(
            office_code=self.service_office_code,
            office_name=self.service_office_name,
            address=self.service_address,
            phones=tuple(self.service_phones),
            email=self.service_email,
            website=self.service_website,
            twitter=self.service_twitter,
            instagram=self.service_instagram,
            official=self.service_official,
            official_phone=self.service_official_phone,
        )

    def log_secrets(self) -> tuple[str, ...]:
        """What no log line may show, whatever logged it."""
        secrets = (self.bot_token, self.webhook_secret)
        return (
            *(secret.get_secret_value() for secret in secrets if secret is not None),
            *self.personal_data_key_list(),
        )

    def personal_data_key_list(self) -> list[str]:
        keys = self.personal_data_keys.get_secret_value() if self.personal_data_keys else None
        return parse_keys(keys)

    def apply_personal_data_keys(self) -> None:
        """This process encrypts and decrypts personal data with these keys (a malformed one: ValueError)."""
        configure_personal_data(self.personal_data_key_list())

    @model_validator(mode="after")
    def _personal_data_keys_are_fernet_keys(self) -> Settings:
        for index, key in enumerate(self.personal_data_key_list(), start=1):
            try:
                Fernet(key.encode())
            except ValueError:
                raise ValueError(
                    f"PERSONAL_DATA_KEYS: key {index} is not a Fernet key (make one: laporgub keys new)"
                ) from None
        return self

    @model_validator(mode="after")
    def _office_opens_before_it_closes(self) -> Settings:
        if self.office_open >= self.office_close:
            raise ValueError(
                f"OFFICE_OPEN ({self.office_open:%H:%M}) must be before "
                f"OFFICE_CLOSE ({self.office_close:%H:%M})"
            )
        return self

    @model_validator(mode="after")
    def _lease_outlasts_a_claimed_row(self) -> Settings:
        # A lease that ran out while its row was still being sent would let another sender send it too. A
        # claimed row may wait at the gate behind every row in flight, then for its chat, then its requests.
        longest = (
            self.sender_batch_size / self.sender_global_rate
            + self.sender_per_chat_interval
            + SENDER_REQUESTS_PER_ROW * SENDER_REQUEST_TIMEOUT_S
        )
        if self.sender_lease_seconds <= longest:
            raise ValueError(
                f"SENDER_LEASE_SECONDS must exceed {longest:g}: the longest a claimed row can take "
                "(SENDER_BATCH_SIZE / SENDER_GLOBAL_RATE + SENDER_PER_CHAT_INTERVAL + its requests' timeouts)"
            )
        return self

    @property
    def uses_telegram(self) -> bool:
        return self.telegram_api_base.rstrip("/") == TELEGRAM_API

    @property
    def webhook_url(self) -> str:
        if not self.webhook_public_url:
            raise ValueError("MODE=webhook needs WEBHOOK_PUBLIC_URL")
        return self.webhook_public_url.rstrip("/") + self.webhook_path
