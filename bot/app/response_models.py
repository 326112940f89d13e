"""The Bot API answer models aiogram checks every call with, built once and kept for the life of the process.

aiogram validates each answer with ``Response[<the method's result type>]`` (``BaseSession.check_response``),
a pydantic generic model parametrised on every call. pydantic caches parametrisations in a
``WeakValueDictionary`` and nothing else holds them, so the garbage collector drops them between calls and
the next call builds the model again (its core schema, its validator). Under load that rebuilding was about
an eighth of the bot's CPU (``bench/throughput.py``). Holding one strong reference per result type makes
every later ``Response[...]`` a cache hit. There are about forty distinct result types; building them all
takes well under a second once per process and a couple of megabytes.
"""

from __future__ import annotations

import inspect
from typing import Any

from aiogram import methods
from aiogram.methods.base import Response, TelegramMethod

from bot.updates.polling import RawGetUpdates

_KEPT: dict[Any, type[Response[Any]]] = {}


def result_types() -> set[Any]:
    """The result type of every Bot API method aiogram knows, and of our own: polling's getUpdates read as
    JSON (`RawGetUpdates`), asked for on every poll."""
    return {
        method.__returning__
        for _, method in inspect.getmembers(methods, inspect.isclass)
        if issubclass(method, TelegramMethod)
        and method is not TelegramMethod
        and hasattr(method, "__returning__")
    } | {RawGetUpdates.__returning__}


def keep_response_models() -> int:
    """Builds ``Response[...]`` for every result type, once per process, and keeps them; returns how many."""
    if not _KEPT:
        for returning in result_types():
            _KEPT[returning] = Response[returning]  # type: ignore[valid-type]
    return len(_KEPT)
