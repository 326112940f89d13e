"""aiogram FSM storage in the `fsm_states` table, so a half-filed complaint survives a restart.

One row per conversation key; the row disappears when the conversation is cleared (no state, no data), so
`/cancel` leaves nothing behind. Data must be JSON-serialisable: it is checked when set, not on the next
restart.

Within one update the conversation's row is read once and written at most once. The lock of
`create_isolation()`, which serialises the updates of one conversation in this process, marks the update
holding it: aiogram and the handlers ask for the state and the data of that key several times per update and
set them once or twice per step, and all of it works on the row as this update sees it. The row is written
when the handler has returned, in one statement (an upsert, or a DELETE of a cleared row), and only if it
changed: `WriteConversationAfterHandler` writes it, inside the middleware that marks the update done, so a
kill between the two replays the update from the step it had reached, never marks it done with its step
lost. A handler that raises leaves the row as it was: its update is handled again from there. Should no such
middleware run, the lock writes what is left when it is released. The next update takes the lock only then,
so it never reads anything older than what the previous one wrote.

With the update's unit of work (bot/updates/once.py) the row is read in the update's session and written there
by `WriteConversationAfterHandler`, to be committed with the update's done mark, in one transaction.

Keys not held by the update at hand (another conversation, a dispatcher isolated otherwise, code outside
any update) are read from the database each time and written at once.
"""

from __future__ import annotations

import copy
import json
import logging
from collections.abc import AsyncGenerator, Awaitable, Callable, Iterable, Mapping
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from aiogram import BaseMiddleware
from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, DefaultKeyBuilder, KeyBuilder, StateType, StorageKey
from aiogram.fsm.storage.memory import SimpleEventIsolation
from aiogram.types import TelegramObject
from sqlalchemy import Delete, Insert, delete, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.updates.once import update_session
from storage.database import upsert_insert
from storage.models import FsmRecord, table_of, utcnow
from storage.scheduler import DraftOwner

log = logging.getLogger(__name__)
_table = table_of(FsmRecord)


@dataclass(frozen=True)
class _Row:
    state: str | None = None
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def cleared(self) -> bool:
        return self.state is None and not self.data


@dataclass
class _Held:
    """A conversation whose lock the update at hand holds."""

    storage: DatabaseStorage
    stored: _Row | None = None  # as read from the database (None: not read yet in this update)
    current: _Row | None = None  # as this update left it so far
    # False once the lock is released: a task the update started, still running, writes through.
    holding: bool = True

    @property
    def changed(self) -> bool:
        return self.current != self.stored

    def forget(self) -> None:
        """Read the database again: what this update did to the row is dropped, or its fate unknown."""
        self.stored = self.current = None


# The conversations whose lock the update this task is handling holds, by storage key.
_held: ContextVar[dict[str, _Held]] = ContextVar("fsm_rows_held", default={})  # noqa: B039


class DatabaseStorage(BaseStorage):
    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], key_builder: KeyBuilder | None = None
    ) -> None:
        self.sessions = sessions
        self.key_builder = key_builder or DefaultKeyBuilder(with_destiny=True)

    async def close(self) -> None:
        """The engine belongs to whoever created it."""

    @property
    def engine(self) -> AsyncEngine:
        # Core on a connection: a row written whole in one statement needs no ORM session.
        engine: AsyncEngine = self.sessions.kw["bind"]
        return engine

    def create_isolation(self) -> ConversationIsolation:
        """Serialises the updates of one conversation in this process; within an update its row is read
        once and written once."""
        return ConversationIsolation(self)

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        value = state.state if isinstance(state, State) else state
        await self._write(self.key_builder.build(key), state=value)

    async def get_state(self, key: StorageKey) -> str | None:
        return (await self._read(self.key_builder.build(key))).state

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        try:
            as_json = json.dumps(dict(data))
        except (TypeError, ValueError) as error:
            raise TypeError(f"FSM data must be JSON-serialisable: {error}") from None
        # As the database will give it back (tuples become lists, keys strings), and a copy: a handler
        # changing its dict after this call must not change what is written at the end of the update.
        await self._write(self.key_builder.build(key), data=json.loads(as_json))

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        # A copy: a handler changing what it got must not change what the next read of this update gets.
        return copy.deepcopy((await self._read(self.key_builder.build(key))).data)

    async def write_held(self) -> None:
        """Writes the conversations the update at hand changed, in one transaction: the update's own
        session when it has one (its owner commits it), else one of ours. Should it fail, what the update
        did to them is dropped (the update is handled again from the rows as stored)."""
        session = update_session()
        if session is None:
            await self._write_changed(self._held_here())
            return
        changed = {key: one for key, one in self._held_here().items() if one.changed}
        if not changed:
            return
        try:
            connection = await session.connection()
            for key, one in changed.items():
                assert one.current is not None  # changed, so read then set
                await connection.execute(_write_row(connection.dialect.name, key, one.current))
        except BaseException:
            for one in changed.values():
                one.forget()
            raise
        # Left to the session's owner: a commit that fails leaves the update undone, so it is handled again
        # from the rows as they are stored, and the lock writes nothing more.
        for one in changed.values():
            one.stored = one.current

    def drop_held(self) -> None:
        """Forgets what the update at hand did to the conversations it holds: its handler failed."""
        for held in self._held_here().values():
            held.forget()

    def _held_here(self) -> dict[str, _Held]:
        return {key: held for key, held in _held.get().items() if held.storage is self and held.holding}

    async def _read(self, key: str) -> _Row:
        held = self._held_here().get(key)
        if held is not None and held.current is not None:
            return held.current
        reading = select(_table.c.state, _table.c.data).where(_table.c.key == key)
        session = update_session() if held is not None else None
        if session is not None:
            # Core on the session's connection: the same transaction, without the ORM's execution path.
            found = (await (await session.connection()).execute(reading)).first()
        else:
            async with self.engine.connect() as connection:
                found = (await connection.execute(reading)).first()
        row = _Row(found.state, dict(found.data or {})) if found else _Row()
        if held is not None:
            held.stored = held.current = row
        return row

    async def _write(self, key: str, **values: Any) -> None:
        held = self._held_here().get(key)
        if held is None:
            await self._write_through(key, **values)
            return
        row = await self._read(key)
        held.current = _Row(values.get("state", row.state), values.get("data", row.data))

    async def _write_through(self, key: str, **values: Any) -> None:
        """Sets only the given column, so a concurrent write of the other one is kept."""
        async with self.engine.begin() as connection:
            dialect = connection.dialect.name
            row = _Row(values.get("state"), values.get("data", {}))
            upsert = _upsert(dialect, key, row, columns=values.keys())
            left = (await connection.execute(upsert.returning(_table.c.state, _table.c.data))).one()
            if left.state is None and not left.data:
                await connection.execute(delete(_table).where(_table.c.key == key))

    async def _write_changed(self, held: Mapping[str, _Held]) -> None:
        changed = {key: one for key, one in held.items() if one.changed}
        if not changed:
            return
        try:
            async with self.engine.begin() as connection:
                dialect = connection.dialect.name
                for key, one in changed.items():
                    assert one.current is not None  # changed, so read then set
                    await connection.execute(_write_row(dialect, key, one.current))
        except BaseException:
            for one in changed.values():
                one.forget()
            raise
        for one in changed.values():
            one.stored = one.current


def _write_row(dialect: str, key: str, row: _Row) -> Insert | Delete:
    if row.cleared:
        return delete(_table).where(_table.c.key == key)
    return _upsert(dialect, key, row, columns=("state", "data"))


def _upsert(dialect: str, key: str, row: _Row, *, columns: Iterable[str]) -> Insert:
    """INSERT .. ON CONFLICT (key) DO UPDATE of `columns` (and the time), in the dialect at hand."""
    statement = upsert_insert(dialect, _table).values(
        key=key, state=row.state, data=row.data, updated_at=utcnow()
    )
    return statement.on_conflict_do_update(
        index_elements=[_table.c.key],
        set_={column: statement.excluded[column] for column in (*columns, "updated_at")},
    )


class WriteConversationAfterHandler(BaseMiddleware):
    """An update outer middleware that writes the conversation rows its update changed once its handler has
    returned, and drops the changes when the handler raises.

    Register it inside `OncePerUpdate` (right after it): the rows are then written before the update is
    marked done, in the update's session and so in the done mark's transaction when the update has one
    (bot/updates/once.py), so a kill hands the update to the next delivery instead of losing the step.
    aiogram's FSM middleware, which holds the conversation's lock, is outside both."""

    def __init__(self, storage: DatabaseStorage) -> None:
        self.storage = storage

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        try:
            result = await handler(event, data)
        except BaseException:
            self.storage.drop_held()
            raise
        await self.storage.write_held()
        return result


class ConversationIsolation(SimpleEventIsolation):
    """aiogram's in-process lock per conversation, which also marks the update holding it, so that
    `DatabaseStorage` reads the conversation's row once in that update and writes it once, at its end."""

    def __init__(self, storage: DatabaseStorage) -> None:
        super().__init__()
        self.storage = storage

    @asynccontextmanager
    async def lock(self, key: StorageKey) -> AsyncGenerator[None, None]:
        async with super().lock(key):
            built = self.storage.key_builder.build(key)
            held = _Held(self.storage)
            token = _held.set({**_held.get(), built: held})
            try:
                yield
            except GeneratorExit:
                raise
            except BaseException:
                # Kept, as a write-through storage would have: the update cut short may not come again.
                try:
                    await self.storage._write_changed({built: held})
                except Exception as error:
                    log.warning("conversation %s: what the failed update set is lost: %s", built, error)
                raise
            else:
                # What no `WriteConversationAfterHandler` wrote, before the next update may read it.
                await self.storage._write_changed({built: held})
            finally:
                held.holding = False
                _held.reset(token)


def draft_owner(key: str) -> DraftOwner | None:
    """Chat and user of a key this storage wrote (aiogram's DefaultKeyBuilder with destiny):
    `fsm:<chat>:<user>:<destiny>`, or `fsm:<chat>:<thread>:<user>:<destiny>` in a forum topic."""
    parts = key.split(":")
    if len(parts) not in (4, 5) or parts[0] != "fsm":
        return None
    try:
        return DraftOwner(chat_id=int(parts[1]), user_id=int(parts[-2]))
    except ValueError:
        return None
