"""aiogram FSM storage in the `fsm_states` table, so a half-filed complaint survives a restart.

One row per conversation key; the row disappears when the conversation is cleared (no state, no data), so
`/cancel` leaves nothing behind. Data must be JSON-serialisable: it is checked on write, not on the next
restart.

Within one update the conversation's row is read once: aiogram and the handlers ask for the state and the
data of the same key several times per update, each a connection checkout and a transaction. The lock of
`create_isolation()`, which serialises the updates of one conversation in this process, also bounds that
read: it is taken before the update's first read and released after its last write, so an update never
sees a read older than the previous update's writes. Writes go straight to the database (and refresh the
read). Reads outside that lock (another conversation's key, or a dispatcher isolated otherwise) are not
cached.
"""

from __future__ import annotations

import copy
import json
from collections.abc import AsyncGenerator, Mapping
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, DefaultKeyBuilder, KeyBuilder, StateType, StorageKey
from aiogram.fsm.storage.memory import SimpleEventIsolation
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.models import FsmRecord, utcnow

# Writes race only when two processes touch the same key at once (event isolation prevents it in one).
_WRITE_ATTEMPTS = 3


@dataclass
class _Row:
    state: str | None = None
    data: dict[str, Any] = field(default_factory=dict)


# The conversations whose update this task is handling, by storage key: the row as read (None: not read
# yet in this update).
_held: ContextVar[dict[str, _Row | None]] = ContextVar("fsm_rows_held", default={})  # noqa: B039


class DatabaseStorage(BaseStorage):
    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], key_builder: KeyBuilder | None = None
    ) -> None:
        self.sessions = sessions
        self.key_builder = key_builder or DefaultKeyBuilder(with_destiny=True)

    async def close(self) -> None:
        """The engine belongs to whoever created it."""

    def create_isolation(self) -> ConversationIsolation:
        """Serialises the updates of one conversation in this process, and reads its row once per update."""
        return ConversationIsolation(self)

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        value = state.state if isinstance(state, State) else state
        await self._write(self.key_builder.build(key), state=value)

    async def get_state(self, key: StorageKey) -> str | None:
        return (await self._read(self.key_builder.build(key))).state

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        plain = dict(data)
        try:
            json.dumps(plain)
        except (TypeError, ValueError) as error:
            raise TypeError(f"FSM data must be JSON-serialisable: {error}") from None
        await self._write(self.key_builder.build(key), data=plain)

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        # A copy: a handler changing what it got must not change what the next read of this update gets.
        return copy.deepcopy((await self._read(self.key_builder.build(key))).data)

    async def _read(self, key: str) -> _Row:
        held = _held.get()
        if key in held and (kept := held[key]) is not None:
            return kept
        async with self.sessions() as session:
            row = await session.get(FsmRecord, key)
            read = _Row(row.state, dict(row.data or {})) if row else _Row()
        if key in held:
            held[key] = read
        return read

    async def _write(self, key: str, **values: Any) -> None:
        held = _held.get()
        if key in held:
            held[key] = None  # read again should this write fail
        written = await self._write_through(key, **values)
        if key in held:
            held[key] = written

    async def _write_through(self, key: str, **values: Any) -> _Row:
        """Returns the row as the write left it."""
        for attempt in range(_WRITE_ATTEMPTS):
            try:
                async with self.sessions.begin() as session:
                    row = await session.get(FsmRecord, key, with_for_update=True)
                    if row is None:
                        row = FsmRecord(key=key, state=None, data={})
                        session.add(row)
                    if "state" in values:
                        row.state = values["state"]
                    if "data" in values:
                        row.data = values["data"]
                    row.updated_at = utcnow()
                    left = _Row(row.state, copy.deepcopy(dict(row.data or {})))
                    if row.state is None and not row.data:
                        if row in session.new:
                            session.expunge(row)
                        else:
                            await session.delete(row)
                return left
            except IntegrityError:
                # Another process inserted the same key between our read and our insert: read it again.
                if attempt == _WRITE_ATTEMPTS - 1:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover


class ConversationIsolation(SimpleEventIsolation):
    """aiogram's in-process lock per conversation, which also marks the update holding it, so that
    `DatabaseStorage` reads the conversation's row once in that update."""

    def __init__(self, storage: DatabaseStorage) -> None:
        super().__init__()
        self.storage = storage

    @asynccontextmanager
    async def lock(self, key: StorageKey) -> AsyncGenerator[None, None]:
        async with super().lock(key):
            token = _held.set({**_held.get(), self.storage.key_builder.build(key): None})
            try:
                yield
            finally:
                _held.reset(token)
