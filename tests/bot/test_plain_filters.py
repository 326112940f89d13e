"""No filter of the bot's routers is sent to a worker thread: each one aiogram would run there (a magic
filter, a state, a plain function, also inside `or_f`) is made awaitable, and still filters the same."""

from __future__ import annotations

import threading

from aiogram import F, Router
from aiogram.filters import or_f

from bot.app.plain_filters import _filters, check_plain_filters_in_place
from bot.handlers import reporter_router


def test_every_filter_of_the_bot_is_checked_on_the_loop() -> None:
    router = reporter_router()
    plain = [each for each in _filters(router) if not each.awaitable]
    assert plain, "the bot's routers have magic filters and states for aiogram to run in threads"
    assert check_plain_filters_in_place(router) == len(plain)
    assert all(each.awaitable for each in _filters(router))


async def test_a_filter_checked_in_place_decides_as_before_on_the_loops_thread() -> None:
    threads: list[threading.Thread] = []

    def spy(_: object) -> bool:
        threads.append(threading.current_thread())
        return False

    router = Router()
    router.message.register(lambda _: None, F.text == "ya", or_f(spy, F.text == "ya"))
    check_plain_filters_in_place(router)
    handler = router.message.handlers[0]

    class Message:
        text = "ya"

    assert (await handler.check(Message()))[0]
    Message.text = "tidak"
    assert not (await handler.check(Message()))[0]
    assert threads
    assert all(thread is threading.main_thread() for thread in threads)
