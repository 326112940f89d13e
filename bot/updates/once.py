"""An outer middleware that handles each update to its end once, however many times it is delivered, and
never drops one whose first handling was cut short.

Before the handler runs the update is taken in the database with a lease (storage/processed_updates.py),
renewed every third of the lease while the handler runs; after the handler returns the mark says done, and
if the handler raises it is given back. So:

* a delivery of a done update is skipped ("already taken, skipped");
* a delivery of an update another live process is handling waits for that process: when it finishes the
  delivery is skipped, and if that process dies its lease runs out and this delivery handles the update;
* an update whose process was killed mid-handler is handled by the next delivery once the lease is over.

The webhook makes sure that next delivery comes: it answers 200 only once the update is handled
(bot/app/runner.py).

Polling takes updates itself, before they reach the dispatcher: it stores each one in its inbox, taken, then
confirms it to Telegram at once (bot/updates/polling.py), and says so in the dispatcher data (`INBOX`). Such
an update is not taken again here, only renewed and settled: done when the handler returns (its stored JSON
dropped); when the handler raises, an `Inbox.NEW` update stays in the inbox and is handed to
`on_new_failure` (the poller replays it once a little later, or the next polling process at its start:
Telegram will not deliver it again), and an `Inbox.REPLAYED` one, failing a second time, is given up (marked
done): retried once, never in a loop.

A button press is answered at most once, whatever is replayed: while an update with a callback query is
handled, `AnswerOnce` (a middleware of the bot's session, bot/app/factory.py) lets one answerCallbackQuery for
it through and answers any further one itself, without asking Telegram (which refuses a second answer). When
the handling that answered fails, the mark notes it (`answered`), and the replay, in this process or the next,
lets none through.

One database session per update (`UnitOfWork`, registered ahead of aiogram's FSM middleware so that the
conversation row read when its lock is taken is read in it too): handed to the handlers as `session` once
the update is taken (UserContext reads the caller's seats through it, the services take it keyword-only),
and committed once before the first request the update makes to Telegram (`CommitBeforeReplies`, a middleware
of the bot's session), so no reply tells of work that could still be rolled back; work done after that
commit is committed at the end. The end writes the conversation rows the update changed
(bot/updates/fsm_storage.py) and the done mark in the same session, in one transaction, after the replies: a
kill before it replays the update from the conversation as it was, and the work committed before the replies
is found again, not redone (a submission key, a complaint's version). A handler that raises rolls back
whatever was not committed yet.

Renewing costs no task per update: the middleware keeps the updates it has in flight and, while there are
any, one timer that every third of the lease renews all of them in one statement. The timer is set when the
first update comes in and cancelled when the last one's mark is settled; the last one also waits for a
renewal still under way, so nothing of the middleware outlives its updates.
"""

from __future__ import annotations

import asyncio
import enum
import logging
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.methods import AnswerCallbackQuery, Response, TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import TelegramObject, Update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.processed_updates import Mark, ProcessedUpdates

log = logging.getLogger(__name__)
# How often a process purges old marks (any process may; the DELETE is idempotent).
PURGE_EVERY_S = 3600.0
# How often a delivery of an update another process holds asks again whether it is free or done (one cheap
# upsert). It waits inside its conversation's lock, so the conversation's next update (often a redelivery
# of this one, sent once the holder is done) waits for this one's next ask: kept short.
ASK_AGAIN_S = 0.2
# The dispatcher data key (a feed_update keyword) by which polling says it took the update in its inbox.
INBOX = "inbox"


class Inbox(enum.Enum):
    NEW = "new"  # stored from a getUpdates answer just now
    REPLAYED = "replayed"  # left unfinished by an earlier process (killed, stopped, or the handler raised)


@dataclass
class _Press:
    """The callback query of the update being handled, and whether it has had its answer."""

    query_id: str
    answered: bool


# Set by OncePerUpdate around the handling of an update with a callback query; read by AnswerOnce in the
# bot calls the handler makes (the same task, or a task it started, which copies the context).
_PRESS: ContextVar[_Press | None] = ContextVar("press", default=None)


@dataclass(frozen=True)
class _Unit:
    """The update's session, and the task handling the update: the only one that may use it (a task the
    handler starts copies the context, and would otherwise share a session that is not safe to share)."""

    session: AsyncSession
    task: asyncio.Task[Any] | None


# Set by UnitOfWork around the handling of an update.
_UNIT: ContextVar[_Unit | None] = ContextVar("unit_of_work", default=None)


class UnitOfWork(BaseMiddleware):
    """An update outer middleware, ahead of aiogram's FSM middleware: the update's database session, closed
    when the update's handling is over. It opens no connection itself (the first statement does); who
    commits it is written in this module's docstring."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.sessions = sessions

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        if not isinstance(event, Update):
            return await handler(event, data)
        session = self.sessions()
        unit = _UNIT.set(_Unit(session, asyncio.current_task()))
        try:
            return await handler(event, data)
        finally:
            _UNIT.reset(unit)
            await session.close()  # what is left uncommitted (a skipped delivery's reads) is rolled back


def update_session() -> AsyncSession | None:
    """The session of the update this task is handling, if it has one."""
    unit = _UNIT.get()
    if unit is None or unit.task is not asyncio.current_task():
        return None
    return unit.session


class CommitBeforeReplies(BaseRequestMiddleware):
    """A middleware of the bot's session: before a request the update's handling makes to Telegram, what
    the update's session holds is committed, so a reply never tells of work that is then rolled back."""

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        session = update_session()
        if session is not None and session.in_transaction():
            await session.commit()
        return await make_request(bot, method)


class AnswerOnce(BaseRequestMiddleware):
    """A middleware of the bot's session: one answerCallbackQuery per press reaches Telegram, the rest are
    answered here as Telegram would answer the first (True)."""

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        press = _PRESS.get()
        if press is None or _answered_press(method) != press.query_id:
            return await make_request(bot, method)
        if press.answered:
            log.info("callback %s answered already: not answered again", press.query_id)
            return Response[Any](ok=True, result=True)
        response = await make_request(bot, method)
        press.answered = True
        return response


def _answered_press(method: TelegramMethod[Any]) -> str | None:
    """The callback query an answerCallbackQuery answers; None for any other method."""
    return method.callback_query_id if isinstance(method, AnswerCallbackQuery) else None


class OncePerUpdate(BaseMiddleware):
    def __init__(
        self, processed: ProcessedUpdates, purge_every: float = PURGE_EVERY_S, ask_again: float = ASK_AGAIN_S
    ) -> None:
        self.processed = processed
        self.purge_every = purge_every
        self.ask_again = ask_again
        self._next_purge = time.monotonic() + purge_every
        self._purging: asyncio.Task[int] | None = None
        # (bot id, update id) of each update this process is handling now, whose lease it renews. Counted:
        # one whose lease ran out while it was handled here may be taken here again; each end lets go once.
        self._in_flight: Counter[tuple[int, int]] = Counter()
        self._next_renewal: asyncio.TimerHandle | None = None
        self._renewing: asyncio.Task[None] | None = None
        # Told of each `Inbox.NEW` update whose handler raised (it stays in the inbox): set by the poller.
        self.on_new_failure: Callable[[int], None] | None = None

    @property
    def renewing(self) -> bool:
        """Whether a renewal is set or under way: only while some update is in flight."""
        return self._next_renewal is not None or self._renewing is not None

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        bot: Bot | None = data.get("bot")
        if not isinstance(event, Update) or bot is None:
            return await handler(event, data)
        inbox: Inbox | None = data.get(INBOX)
        if inbox is None:
            mark = await self._take(bot.id, event.update_id)
            if mark is not Mark.TAKEN:
                log.info(
                    "update %s delivered again: already taken, skipped%s",
                    event.update_id,
                    "" if mark is Mark.DONE else " (another live process still holds it)",
                )
                return None
        self._purge_now_and_then()
        press = await self._press(bot.id, event, inbox)
        self._hold(bot.id, event.update_id)
        # Renewed until its mark is settled: a renewal after `finish` or `give_back` finds nothing to renew.
        pressing = _PRESS.set(press)
        # The update's unit of work, if it has one: without it the handlers' services open their own.
        session = update_session()
        if session is not None:
            data["session"] = session
        try:
            try:
                result = await handler(event, data)
            except Exception:
                if session is not None:
                    await _rolled_back(session, event.update_id)
                await self._failed(bot.id, event.update_id, inbox, press)
                raise
            try:
                await self.processed.finish(bot.id, event.update_id, session=session)
                if session is not None:
                    await session.commit()
            except Exception as error:  # handled already; the lease runs out and a retry redoes it
                log.warning("update %s handled but not marked done: %s", event.update_id, error)
            return result
        finally:
            _PRESS.reset(pressing)
            await self._let_go(bot.id, event.update_id)

    async def _press(self, bot_id: int, update: Update, inbox: Inbox | None) -> _Press | None:
        if update.callback_query is None:
            return None
        # Only a replay can have been answered before: a first handling costs no statement for this.
        if inbox is not Inbox.REPLAYED:
            return _Press(update.callback_query.id, answered=False)
        try:
            answered = await self.processed.was_answered(bot_id, update.update_id)
        except Exception as error:  # not knowing, it is not answered again: at most once
            log.warning("update %s: could not read whether it was answered: %s", update.update_id, error)
            answered = True
        return _Press(update.callback_query.id, answered)

    async def _failed(self, bot_id: int, update_id: int, inbox: Inbox | None, press: _Press | None) -> None:
        # Polling's inbox replays it (a webhook's failed delivery is Telegram's to send again).
        if press is not None and press.answered and inbox is Inbox.NEW:
            try:
                await self.processed.note_answered(bot_id, update_id)
            except Exception as error:  # the replay answers again; Telegram refuses it, nothing worse
                log.warning("update %s: could not note its answer: %s", update_id, error)
        if inbox is None:
            await self.processed.give_back(bot_id, update_id)
        elif inbox is Inbox.NEW:
            log.warning("update %s failed: left in the inbox to be replayed once", update_id)
            if self.on_new_failure is not None:
                self.on_new_failure(update_id)
        else:
            log.warning("update %s failed again when replayed: given up", update_id)
            await self.processed.finish(bot_id, update_id)

    async def _take(self, bot_id: int, update_id: int) -> Mark:
        """Wait while another process holds the update, up to two leases: by then a dead holder's lease has
        run out, so a mark still held belongs to a live process that will finish the update itself."""
        give_up = time.monotonic() + 2 * self.processed.lease.total_seconds()
        while True:
            mark = await self.processed.take(bot_id, update_id)
            if mark is not Mark.HELD or time.monotonic() >= give_up:
                return mark
            await asyncio.sleep(self.ask_again)

    def _hold(self, bot_id: int, update_id: int) -> None:
        self._in_flight[bot_id, update_id] += 1
        if self._next_renewal is None and self._renewing is None:
            self._schedule_renewal()

    async def _let_go(self, bot_id: int, update_id: int) -> None:
        self._in_flight[bot_id, update_id] -= 1
        if not self._in_flight[bot_id, update_id]:
            del self._in_flight[bot_id, update_id]
        if self._in_flight:
            return
        if self._next_renewal is not None:
            self._next_renewal.cancel()
            self._next_renewal = None
        if self._renewing is not None:
            await asyncio.wait({self._renewing})  # one statement at most; never cancelled mid-statement

    def _schedule_renewal(self) -> None:
        every = self.processed.lease.total_seconds() / 3
        self._next_renewal = asyncio.get_running_loop().call_later(every, self._start_renewal)

    def _start_renewal(self) -> None:
        self._next_renewal = None
        self._renewing = asyncio.create_task(self._renew_in_flight())

    async def _renew_in_flight(self) -> None:
        """Renew every update in flight in one statement, then set the timer for the next renewal if any
        are still in flight: one that ends meanwhile is simply not renewed again."""
        held: dict[int, set[int]] = {}
        for bot_id, update_id in self._in_flight:
            held.setdefault(bot_id, set()).add(update_id)
        try:
            await self.processed.renew(held)
        except Exception as error:  # try again at the next turn, within the lease
            log.warning("could not renew the leases on updates %s: %s", sorted(held.items()), error)
        finally:
            self._renewing = None
        if self._in_flight:
            self._schedule_renewal()

    def _purge_now_and_then(self) -> None:
        now = time.monotonic()
        if now < self._next_purge or (self._purging is not None and not self._purging.done()):
            return
        self._next_purge = now + self.purge_every
        self._purging = asyncio.create_task(self.processed.purge())
        self._purging.add_done_callback(_log_purge)


async def _rolled_back(session: AsyncSession, update_id: int) -> None:
    try:
        await session.rollback()
    except Exception as error:  # the connection is closed with the session: nothing was committed
        log.warning("update %s: rolling back its work failed: %s", update_id, error)


def _log_purge(task: asyncio.Task[int]) -> None:
    if task.cancelled():
        return
    if task.exception() is not None:
        log.warning("purging old update marks failed: %s", task.exception())
    elif task.result():
        log.info("purged %s old update marks", task.result())
