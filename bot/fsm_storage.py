"""aiogram FSM storage in the `fsm_states` table, so a half-filed complaint survives a restart.

One row per conversation key; the row disappears when the conversation is cleared (no state, no data), so
`/cancel` leaves nothing behind. Data must be JSON-serialisable: it is checked on write, not on the next
restart.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, DefaultKeyBuilder, KeyBuilder, StateType, StorageKey
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.models import FsmRecord, utcnow

# Writes race only when two processes touch the same key at once (event isolation prevents it in one).
_WRITE_ATTEMPTS = 3


class DatabaseStorage(BaseStorage):
    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], key_builder: KeyBuilder | None = None
    ) -> None:
        self.sessions = sessions
        self.key_builder = key_builder or DefaultKeyBuilder(with_destiny=True)

    async def close(self) -> None:
        """The engine belongs to whoever created it."""

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        value = state.state if isinstance(state, State) else state
        await self._write(self.key_builder.build(key), state=value)

    async def get_state(self, key: StorageKey) -> str | None:
        async with self.sessions() as session:
            row = await session.get(FsmRecord, self.key_builder.build(key))
            return row.state if row else None

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        plain = dict(data)
        try:
            json.dumps(plain)
        except (TypeError, ValueError) as error:
            raise TypeError(f"FSM data must be JSON-serialisable: {error}") from None
        await self._write(self.key_builder.build(key), data=plain)

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        async with self.sessions() as session:
            row = await session.get(FsmRecord, self.key_builder.build(key))
            return dict(row.data) if row and row.data else {}

    async def _write(self, key: str, **values: Any) -> None:
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
                    if row.state is None and not row.data:
                        if row in session.new:
                            session.expunge(row)
                        else:
                            await session.delete(row)
                return
            except IntegrityError:
                # Another process inserted the same key between our read and our insert: read it again.
                if attempt == _WRITE_ATTEMPTS - 1:
                    raise
