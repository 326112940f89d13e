"""Logging for the bot process. Logs must never hold a NIK, a phone number, what a person typed, or a
secret: a bot token that reaches a line anyway (an access log's path, an exception's URL) is masked.

Times are UTC in ISO 8601. `LOG_FORMAT=json` writes one JSON object per line with the update id, the
complaint number and the trigger of the work that wrote it (storage/log_context.py).
"""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime

from storage import log_context

# Libraries that log the values they handle at DEBUG: aiosqlite logs every statement with its parameters
# (a NIK in a reporter row, a draft in fsm_states). Alembic narrates each migration at INFO. transitions
# narrates every callback and aiohttp every request at INFO: they drowned the rest (796 of 899 lines in one
# sandbox run), and the access lines carry the bot token in the path.
LIBRARY_LEVELS: dict[str, int] = {
    "aiosqlite": logging.INFO,
    "alembic": logging.WARNING,
    "transitions": logging.WARNING,
    "aiohttp.access": logging.WARNING,
}
# A bot token: the bot's id, a colon, and a 30-50 character secret (in /bot<token>/ paths and file URLs).
TOKEN_PATTERN = re.compile(r"\b(\d{5,12}):[A-Za-z0-9_-]{20,}")
MASKED_TOKEN = r"\1:***"


def utc_timestamp(record: logging.LogRecord) -> str:
    moment = datetime.fromtimestamp(record.created, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{int(record.msecs):03d}Z"


def mask_secrets(text: str, secrets: tuple[str, ...] = ()) -> str:
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return TOKEN_PATTERN.sub(MASKED_TOKEN, text)


class TextFormatter(logging.Formatter):
    """`2026-12-04T07:30:00.123Z INFO name: message [complaint=LG-2026-000001 trigger=dispose]`."""

    def __init__(self, secrets: tuple[str, ...] = (), *, with_process: bool = False) -> None:
        super().__init__()
        self.secrets = secrets
        self.with_process = with_process

    def format(self, record: logging.LogRecord) -> str:
        process = f" [{record.process}]" if self.with_process else ""
        line = f"{utc_timestamp(record)} {record.levelname}{process} {record.name}: {record.getMessage()}"
        fields = log_context.current()
        if fields:
            line += " [" + " ".join(f"{key}={value}" for key, value in fields.items()) + "]"
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return mask_secrets(line, self.secrets)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, process, message, the work's fields, and the
    exception's traceback if any."""

    def __init__(self, secrets: tuple[str, ...] = ()) -> None:
        super().__init__()
        self.secrets = secrets

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": utc_timestamp(record),
            "level": record.levelname,
            "logger": record.name,
            "process": record.process,
            "message": record.getMessage(),
            **log_context.current(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return mask_secrets(json.dumps(entry, ensure_ascii=False, default=str), self.secrets)


def configure_logging(
    level: str, *, log_format: str = "text", secrets: tuple[str, ...] = (), with_process: bool = False
) -> None:
    formatter: logging.Formatter = (
        JsonFormatter(secrets) if log_format == "json" else TextFormatter(secrets, with_process=with_process)
    )
    handler = logging.StreamHandler()
    handler.setFormatter(formatter)
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
    quiet_libraries()


def quiet_libraries() -> None:
    for name, level in LIBRARY_LEVELS.items():
        logging.getLogger(name).setLevel(level)
