"""What the work in progress is about, for every log line it writes: the update being handled, and the
complaint and trigger being fired. Context variables, so concurrent updates never mix their fields; the bot's
log formatter (bot/app/logs.py) reads them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_FIELDS: ContextVar[dict[str, object]] = ContextVar("laporgub_log_fields", default={})  # noqa: B039


def current() -> dict[str, object]:
    return _FIELDS.get()


@contextmanager
def bound(**fields: object) -> Iterator[None]:
    """Add `fields` to every line logged inside the block (None values are left out)."""
    token = _FIELDS.set({**_FIELDS.get(), **{k: v for k, v in fields.items() if v is not None}})
    try:
        yield
    finally:
        _FIELDS.reset(token)
