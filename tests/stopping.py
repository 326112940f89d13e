"""Ctrl-C (SIGINT) and SIGTERM stop the test run at once, with every cleanup run.

asyncio's own handling (`asyncio.Runner`, which pytest-asyncio runs each test in) cancels the test's task and
turns the cancellation into KeyboardInterrupt, but only when the task ends cancelled: a test whose cleanup
raises on the way out (a process it stops exits differently, say) ends with that error, the interrupt is lost
and the run goes on with the next test. And code under test that installs its own handlers (bot/app/runner.py
while it serves) puts back Python's default, not asyncio's.

Here one handler, put back before every test, does what asyncio does, cancelling the test's task so that its
`finally` blocks and `async with` exits stop the processes and servers it started, and remembers the signal;
after the interrupted phase the run stops as on KeyboardInterrupt: the fixtures' finalisers run (bots
stopped, databases dropped) and pytest exits with status 2. Outside a running test, or on a second signal,
KeyboardInterrupt is raised at once, as Python does.

Under pytest-xdist a terminal's Ctrl-C reaches every worker; a SIGTERM to the main process makes it end its
workers, which execnet interrupts with a SIGINT.
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Generator
from types import FrameType

import pytest

STOPPING_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Interrupt:
    received: signal.Signals | None = None


def _running_task(frame: FrameType | None) -> asyncio.Task[object] | None:
    """The task an `asyncio.Runner` is running in this thread (the test or a fixture), found in the
    interrupted call stack: the future `run_until_complete` waits for."""
    while frame is not None:
        if frame.f_code is asyncio.BaseEventLoop.run_until_complete.__code__:
            future = frame.f_locals.get("future")
            return future if isinstance(future, asyncio.Task) else None
        frame = frame.f_back
    return None


def _on_signal(number: int, frame: FrameType | None) -> None:
    task = _running_task(frame)
    if Interrupt.received is not None or task is None or task.done():
        raise KeyboardInterrupt
    Interrupt.received = signal.Signals(number)
    task.cancel()
    task.get_loop().call_soon_threadsafe(lambda: None)  # out of a select() waiting for a long time


def _install() -> None:
    for number in STOPPING_SIGNALS:
        if signal.getsignal(number) is not signal.SIG_IGN:  # an ignored signal stays ignored (nohup)
            signal.signal(number, _on_signal)


def _stop_if_interrupted() -> None:
    if Interrupt.received is not None:
        raise KeyboardInterrupt(f"{Interrupt.received.name} received")


def pytest_configure(config: pytest.Config) -> None:
    _install()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Generator[None, None, None]:
    _install()  # code under test may have replaced it
    try:
        return (yield)
    finally:
        _stop_if_interrupted()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, None, None]:
    try:
        return (yield)
    finally:
        _stop_if_interrupted()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item) -> Generator[None, None, None]:
    try:
        return (yield)
    finally:
        _stop_if_interrupted()
