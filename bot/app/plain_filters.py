"""Plain filters checked on the event loop, not in a worker thread.

aiogram runs every plain (non-async) callable of a router in a worker thread (`asyncio.to_thread`), and a
magic filter (`F.text`, `F.chat.type == ...`) is checked through a plain method, `MagicFilter.resolve`, as
is a state given as a filter (`State.__call__`). So each one tried on an update was a round trip to a
thread: a hand-over, two wake-ups and the GIL passed back and forth, several times per update, for a
comparison. Ours only read the update and the handler data, so they are called in place: a plain filter
must never block (one that has to wait is written `async`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from typing import Any

from aiogram import Router
from aiogram.dispatcher.event.handler import FilterObject
from aiogram.filters.logic import _LogicFilter


def check_plain_filters_in_place(router: Router) -> int:
    """Makes every plain filter of `router` and the routers under it awaitable; returns how many."""
    changed = 0
    for filter_object in _filters(router):
        if not filter_object.awaitable:
            filter_object.callback = _in_place(filter_object.callback)
            filter_object.awaitable = True
            changed += 1
    return changed


def _filters(router: Router) -> Iterator[FilterObject]:
    for each in router.chain_tail:
        for observer in each.observers.values():
            for handler in (observer._handler, *observer.handlers):
                for filter_object in handler.filters or ():
                    yield from _within(filter_object)


def _within(filter_object: FilterObject) -> Iterator[FilterObject]:
    """The filter and those it combines (`and_f`, `or_f`, `invert_f`)."""
    yield filter_object
    combined = filter_object.callback
    if isinstance(combined, _LogicFilter):
        targets = getattr(combined, "targets", None) or (getattr(combined, "target", None),)
        for target in targets:
            if isinstance(target, FilterObject):
                yield from _within(target)


def _in_place(check: Callable[..., Any]) -> Callable[..., Awaitable[Any]]:
    async def checked(*args: Any, **kwargs: Any) -> Any:
        return check(*args, **kwargs)

    return checked
