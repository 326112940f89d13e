"""``python -m bench.throughput_tuned``: ``python -m bot`` with the two changes its profile points at, as an
experiment (``python -m bench.throughput --bot-module bench.throughput_tuned``); the bot's code is unchanged.

1. aiogram checks the answer of every Bot API call with ``Response[<the method's result type>]``, a
   pydantic generic model parametrised on the spot. pydantic caches parametrisations in a
   ``WeakValueDictionary``, and nothing else holds them, so the garbage collector drops them and the next call
   builds the model again (its schema, its validator): a large share of the bot's CPU under load. Holding one
   reference to each keeps them built.
2. aiogram 3 runs every plain (non-async) callable in a worker thread (``asyncio.to_thread``), and a magic
   filter (``F.text``, ``F.chat.type == ...``) is resolved by a plain method, so each magic filter checked on
   an update is a round trip to a thread. They only read the update: resolved here on the event loop.
3. SQLAlchemy's default pool keeps 5 connections and opens up to 10 more for a burst, closing each as it
   is returned; with many updates in flight the bot connects to PostgreSQL for most of them. Here the pool
   keeps 20.
"""

from __future__ import annotations

import inspect
import sys
from typing import Any

from aiogram import methods
from aiogram.dispatcher.event.handler import FilterObject
from aiogram.methods.base import Response, TelegramMethod
from sqlalchemy.ext.asyncio import create_async_engine

from storage import database

# 1: every method's Response model, built once and kept.
PINNED = [
    Response[method.__returning__]  # type: ignore[name-defined]
    for _, method in inspect.getmembers(methods, inspect.isclass)
    if issubclass(method, TelegramMethod)
    and method is not TelegramMethod
    and hasattr(method, "__returning__")
]

_thread_call = FilterObject.call


async def _inline_magic(self: FilterObject, *args: Any, **kwargs: Any) -> Any:
    if self.magic is not None:
        return self.callback(*args, **self._prepare_kwargs(kwargs))
    return await _thread_call(self, *args, **kwargs)


# 2: magic filters on the event loop.
# A bench's swap of aiogram's own method, which mypy rightly sees as not the method it replaces.
FilterObject.call = _inline_magic  # type: ignore[method-assign,assignment]


def _engine_keeping_20(url: Any, **options: Any) -> Any:
    if not str(url).startswith("sqlite"):
        options.setdefault("pool_size", 20)
    return create_async_engine(url, **options)


# 3: a pool that holds what the bot uses under load.
database.create_async_engine = _engine_keeping_20  # type: ignore[attr-defined]

if __name__ == "__main__":
    from bot.__main__ import main

    sys.exit(main())
