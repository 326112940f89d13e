"""Waking outbox senders in every process when rows are added (PostgreSQL LISTEN/NOTIFY).

Migration 0009 makes every statement that inserts outbox rows notify `CHANNEL` when its transaction commits,
whoever inserts: a transition in any webhook worker, the scheduler, an import. A sender listening here is
woken at once instead of at its next idle poll, so a sender in a process of its own (`python -m bot
sender`) or in another worker delivers as soon as the one that shares a process with the writer would.

The listening connection is one of its own, outside the pool (a pooled connection would be held for the
life of the process). When it is lost (PostgreSQL restarted) the listener connects again with a growing
pause, and wakes the sender once it is back: rows added meanwhile raised no notification. Until then the
sender's idle poll still finds everything, only later. SQLite has no LISTEN: nothing to do there.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Any

import asyncpg
from sqlalchemy.engine import URL

log = logging.getLogger(__name__)

CHANNEL = "laporgub_outbox"
RECONNECT_FIRST_S = 0.5
RECONNECT_MAX_S = 30.0


def can_listen(url: URL) -> bool:
    return url.get_backend_name() == "postgresql" and url.get_driver_name() == "asyncpg"


class OutboxWakeup:
    """Calls `wake` whenever outbox rows were committed, from a task of its own until `stop`."""

    def __init__(self, url: URL, wake: Callable[[], None]) -> None:
        self.dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
        self.wake = wake
        self.listening = asyncio.Event()  # set while a connection listens (tests wait for it)
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._listen_forever(), name="outbox-wakeup")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _listen_forever(self) -> None:
        pause = RECONNECT_FIRST_S
        while True:
            try:
                await self._listen_once()
                pause = RECONNECT_FIRST_S  # it listened, then lost the connection: try again soon
            except asyncio.CancelledError:
                raise
            except Exception as error:
                log.warning("outbox wake-up: cannot listen (%s); again in %.1fs", error, pause)
                await asyncio.sleep(pause)
                pause = min(pause * 2, RECONNECT_MAX_S)

    async def _listen_once(self) -> None:
        connection = await asyncpg.connect(self.dsn)
        lost = asyncio.Event()
        connection.add_termination_listener(lambda _connection: lost.set())
        try:
            await connection.add_listener(CHANNEL, self._notified)
            self.listening.set()
            self.wake()  # rows committed while nobody listened raised no notification
            await self._until_lost(connection, lost)
        finally:
            self.listening.clear()
            with contextlib.suppress(Exception):
                await asyncio.shield(connection.close(timeout=2))

    async def _until_lost(self, connection: asyncpg.Connection, lost: asyncio.Event) -> None:
        """asyncpg learns of a dropped connection only when it uses it: ask now and then."""
        while not lost.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(lost.wait(), timeout=RECONNECT_MAX_S)
                return
            await connection.execute("SELECT 1")

    def _notified(self, *_: Any) -> None:
        self.wake()
