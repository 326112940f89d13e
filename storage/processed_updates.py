"""Which updates are being handled and which are done, so each update is handled to its end exactly once
however often it is delivered (a webhook retry, perhaps to another process; an update polled again after
the process that was handling it was killed).

A mark is a lease. Taking an update writes its row with `taken_until = now + lease`; the taker renews the
lease while its handler runs and marks the row done (`taken_until` empty) when the handler returns, or
deletes it when the handler raises, so a retry is handled again. A process killed mid-update stops renewing:
once its lease has run out the update may be taken again, by the next delivery of it. A delivery of an
update that is done changes nothing; one of an update another process holds is told so (`Mark.HELD`) and
may wait for the holder (bot/updates/once.py).

Taking is one statement, an upsert: `INSERT ... ON CONFLICT (bot_id, update_id) DO UPDATE SET taken_until
= now + lease WHERE taken_until < now RETURNING ...`. It returns a row only when it inserted the mark or
took over an expired lease; of two processes taking one expired mark at once exactly one gets it (PostgreSQL
locks the conflicting row and re-checks the WHERE on its latest version; SQLite has one writer at a time).
Only when nothing is returned does a SELECT tell a done mark from a held one.

Polling's inbox (bot/updates/polling.py) takes updates here another way: the poller `store`s the new updates
of a getUpdates answer, each taken and with its JSON (`payload`), in one `INSERT ... ON CONFLICT DO NOTHING
RETURNING` (what it returns is new, the rest was stored before), before it confirms them to Telegram. The
JSON is cleared when the update is done; a polling process at its start `retake_inbox`es what its killed
predecessor left unfinished and replays it.

A button press whose handling answered the callback query and then failed is `note_answered`: its replay
(bot/updates/once.py asks `was_answered`, on replays only) does not answer the query a second time. An update
polling cannot parse is `set_aside` with its JSON and the error: done, so never replayed, and kept past the
purge for an operator to read (`set_aside_updates`) and delete.

An update costs two statements here, its take (or its share of a batch's store) and its finish, so they are
cheap ones: Core SQL built once with parameters, run on a connection of the engine with no ORM unit of work,
and on PostgreSQL each in a transaction of its own (autocommit) with no BEGIN and COMMIT round trips around
it.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Callable, Collection, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import BigInteger, Executable, Table, bindparam, delete, false, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker

from storage.database import upsert_insert
from storage.models import ProcessedUpdate, utcnow

# Telegram gives up on an undelivered update after about a day; kept twice that long.
KEEP = timedelta(days=2)
# How long a taken update stays taken without a renewal; the holder renews it every third of this.
LEASE = timedelta(seconds=30)

MARKS: Table = ProcessedUpdate.__table__  # type: ignore[assignment]


class Mark(enum.Enum):
    TAKEN = "taken"  # the caller holds it now: handle it, then `finish` or `give_back`
    DONE = "done"  # handled to its end already
    HELD = "held"  # another process holds a live lease on it (or gave it back a moment ago): ask again later


class ProcessedUpdates:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: Callable[[], datetime] = utcnow,
        lease: timedelta = LEASE,
    ) -> None:
        self.engine: AsyncEngine = sessions.kw["bind"]
        self.clock = clock
        self.lease = lease
        self._taking = _taking(self.engine.dialect.name)
        self._storing = _storing(self.engine.dialect.name)
        # One statement needs no BEGIN and COMMIT around it: on PostgreSQL that is two round trips less for
        # each. (SQLite's driver would spend more setting the mode on each connection than it saves.)
        self._statement: Callable[[], AbstractAsyncContextManager[AsyncConnection]] = (
            self.engine.execution_options(isolation_level="AUTOCOMMIT").connect
            if self.engine.dialect.name == "postgresql"
            else self.engine.begin
        )

    async def take(self, bot_id: int, update_id: int) -> Mark:
        now = self.clock()
        the_update = {"bot": bot_id, "update": update_id}
        async with self._statement() as connection:
            taken = await connection.execute(
                self._taking, {**the_update, "now": now, "until": now + self.lease}
            )
            if taken.first() is not None:
                return Mark.TAKEN
            found = (await connection.execute(_FINDING, the_update)).first()
        return Mark.DONE if found is not None and found.taken_until is None else Mark.HELD

    async def store(self, bot_id: int, updates: Sequence[tuple[int, dict[str, Any]]]) -> set[int]:
        """Store polled updates, `(update_id, JSON)`, taken by the caller, in one statement; returns the ids
        of those that were new (the caller handles them). One stored before, done or not, is left as it is."""
        if not updates:
            return set()
        now = self.clock()
        rows = [
            {"bot": bot_id, "update": update_id, "now": now, "until": now + self.lease, "payload": payload}
            for update_id, payload in updates
        ]
        async with self._statement() as connection:
            stored = await connection.execute(self._storing, rows)
            return set(stored.scalars())

    async def retake_inbox(self, bot_id: int) -> list[tuple[int, dict[str, Any]]]:
        """Take, under a fresh lease, every stored update of the bot not yet done, oldest first, with its
        JSON; and release its unfinished marks without JSON (webhook deliveries: Telegram resends those).
        Only for the bot's sole consumer of updates, when no other process is handling any (a polling
        process at its start)."""
        now = self.clock()
        unfinished = (MARKS.c.bot_id == bot_id) & MARKS.c.taken_until.is_not(None)
        async with self.engine.begin() as connection:
            await connection.execute(delete(MARKS).where(unfinished, MARKS.c.payload.is_(None)))
            retaken = await connection.execute(
                update(MARKS)
                .where(unfinished, MARKS.c.payload.is_not(None))
                .values(taken_until=now + self.lease)
                .returning(MARKS.c.update_id, MARKS.c.payload)
            )
            return sorted((row.update_id, row.payload) for row in retaken)

    async def renew(self, held: Mapping[int, Collection[int]]) -> int:
        """Still being handled: push out the lease of every update held, `{bot_id: update_ids}`, in one
        statement. Returns how many leases it renewed (a done or given-back update has none to renew)."""
        held = {bot_id: update_ids for bot_id, update_ids in held.items() if update_ids}
        if not held:
            return 0
        any_held = or_(
            false(),
            *(
                (MARKS.c.bot_id == bot_id) & MARKS.c.update_id.in_(sorted(update_ids))
                for bot_id, update_ids in held.items()
            ),
        )
        async with self._statement() as connection:
            result = await connection.execute(
                update(MARKS)
                .where(any_held, MARKS.c.taken_until.is_not(None))
                .values(taken_until=self.clock() + self.lease)
            )
        return result.rowcount

    async def finish(self, bot_id: int, update_id: int, *, session: AsyncSession | None = None) -> None:
        """Handled to its end: every later delivery is skipped. A stored update's JSON is dropped. In the
        caller's `session`, left for the caller to commit (with what else the update's end writes)."""
        if session is not None:
            connection = await session.connection()
            await connection.execute(_FINISHING, {"bot": bot_id, "update": update_id})
            return
        async with self._statement() as connection:
            await connection.execute(_FINISHING, {"bot": bot_id, "update": update_id})

    async def give_back(self, bot_id: int, update_id: int) -> None:
        """Handling failed: let a redelivery of the update be handled. A stored update (polling's inbox) has
        no redelivery and is kept: the next polling process replays it."""
        async with self._statement() as connection:
            await connection.execute(_GIVING_BACK, {"bot": bot_id, "update": update_id})

    async def note_answered(self, bot_id: int, update_id: int) -> None:
        """The update's callback query was answered, yet its handling failed: a replay must not answer it."""
        async with self._statement() as connection:
            await connection.execute(_ANSWERING, {"bot": bot_id, "update": update_id})

    async def was_answered(self, bot_id: int, update_id: int) -> bool:
        async with self._statement() as connection:
            answered = await connection.scalar(_ASKING_ANSWERED, {"bot": bot_id, "update": update_id})
        return bool(answered)

    async def set_aside(self, bot_id: int, update_id: int, payload: dict[str, Any], error: str) -> None:
        """An update that cannot be read: kept, done, with its JSON and why, for an operator to inspect."""
        now = self.clock()
        inserting = upsert_insert(self.engine.dialect.name, MARKS).values(
            bot_id=bot_id, update_id=update_id, received_at=now, payload=payload, error=error
        )
        async with self._statement() as connection:
            await connection.execute(
                inserting.on_conflict_do_update(
                    index_elements=[MARKS.c.bot_id, MARKS.c.update_id],
                    set_={"taken_until": None, "payload": payload, "error": error},
                )
            )

    async def set_aside_updates(self, bot_id: int) -> list[tuple[int, dict[str, Any], str]]:
        """Every update of the bot set aside unreadable, oldest first: (update_id, JSON, error)."""
        async with self._statement() as connection:
            rows = await connection.execute(
                select(MARKS.c.update_id, MARKS.c.payload, MARKS.c.error)
                .where(MARKS.c.bot_id == bot_id, MARKS.c.error.is_not(None))
                .order_by(MARKS.c.update_id)
            )
            return [(row.update_id, row.payload, row.error) for row in rows]

    async def purge(self, keep: timedelta = KEEP) -> int:
        """Drop old marks; an update set aside stays until an operator deletes it."""
        async with self.engine.begin() as connection:
            result = await connection.execute(
                delete(MARKS).where(MARKS.c.received_at < self.clock() - keep, MARKS.c.error.is_(None))
            )
        return result.rowcount


# The statements of every update are built once, with parameters: building and compiling one costs more CPU
# than running it.
_THE_UPDATE = (MARKS.c.bot_id == bindparam("bot", type_=BigInteger)) & (
    MARKS.c.update_id == bindparam("update", type_=BigInteger)
)
_FINDING = select(MARKS.c.taken_until).where(_THE_UPDATE)
_FINISHING = update(MARKS).where(_THE_UPDATE).values(taken_until=None, payload=None)
_ANSWERING = update(MARKS).where(_THE_UPDATE).values(answered=True)
_ASKING_ANSWERED = select(MARKS.c.answered).where(_THE_UPDATE)
_GIVING_BACK = delete(MARKS).where(_THE_UPDATE, MARKS.c.taken_until.is_not(None), MARKS.c.payload.is_(None))


def _new_mark(dialect: str, **more: Any) -> postgresql.Insert | sqlite.Insert:
    """The INSERT of one update's mark, taken from `now` until `until` (parameters)."""
    return upsert_insert(dialect, MARKS).values(
        bot_id=bindparam("bot", type_=BigInteger),
        update_id=bindparam("update", type_=BigInteger),
        received_at=bindparam("now", type_=MARKS.c.received_at.type),
        taken_until=bindparam("until", type_=MARKS.c.taken_until.type),
        **more,
    )


@functools.cache
def _taking(dialect: str) -> Executable:
    """Insert the mark, or take it over when its lease has run out; returns a row only when it did either."""
    inserting = _new_mark(dialect)
    return inserting.on_conflict_do_update(
        index_elements=[MARKS.c.bot_id, MARKS.c.update_id],
        set_={MARKS.c.taken_until: inserting.excluded.taken_until},
        where=MARKS.c.taken_until.is_not(None)
        & (MARKS.c.taken_until < bindparam("now", type_=MARKS.c.taken_until.type)),
    ).returning(MARKS.c.update_id)


@functools.cache
def _storing(dialect: str) -> Executable:
    """Insert polled updates, taken and with their JSON; returns the ids of those inserted. Run with a list
    of rows, it is one multi-row statement (SQLAlchemy's "insertmanyvalues")."""
    return (
        _new_mark(dialect, payload=bindparam("payload", type_=MARKS.c.payload.type))
        .on_conflict_do_nothing(index_elements=[MARKS.c.bot_id, MARKS.c.update_id])
        .returning(MARKS.c.update_id)
    )
