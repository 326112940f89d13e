"""The database conversation storage writes a conversation's row once per update, after the handler, and
before the update is marked done; a failed handler leaves the row as it was."""

from __future__ import annotations

import asyncio
import dataclasses
import re
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import pytest
from aiogram import Bot, Dispatcher, F
from aiogram.fsm.context import FSMContext
from aiogram.fsm.storage.base import StorageKey
from aiogram.types import Chat, Message, Update, User
from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from bot.app.factory import create_dispatcher, create_services
from bot.updates.fsm_storage import DatabaseStorage, WriteConversationAfterHandler
from storage.database import session_factory
from storage.models import FsmRecord
from storage.processed_updates import ProcessedUpdates
from workflow.calendar import WorkingCalendar

BOT_ID = 42
REPORTER = 9001
KEY = StorageKey(bot_id=BOT_ID, chat_id=REPORTER, user_id=REPORTER)
OTHER = StorageKey(bot_id=BOT_ID, chat_id=9002, user_id=9002)
WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b.*\bfsm_states\b", re.IGNORECASE | re.DOTALL)

Handler = Callable[[Message, FSMContext], Awaitable[Any]]


@contextmanager
def writes_of_conversations(engine: AsyncEngine) -> Iterator[list[str]]:
    """The statements that change `fsm_states`, as sent to the database."""
    seen: list[str] = []

    def note(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        if WRITE.match(statement):
            seen.append(statement.split()[0].upper())

    event.listen(engine.sync_engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", note)


async def stored(engine: AsyncEngine, key: StorageKey = KEY) -> tuple[str | None, dict[str, Any]] | None:
    """The row as anyone outside the update reads it."""
    built = DatabaseStorage(session_factory(engine)).key_builder.build(key)
    async with session_factory(engine)() as session:
        row = await session.get(FsmRecord, built)
        return None if row is None else (row.state, row.data)


def message_update(update_id: int, text: str) -> Update:
    reporter = User(id=REPORTER, is_bot=False, first_name="Sri")
    return Update(
        update_id=update_id,
        message=Message(
            message_id=update_id,
            date=datetime(2026, 11, 2, 9, 0, tzinfo=UTC),
            chat=Chat(id=REPORTER, type="private"),
            from_user=reporter,
            text=text,
        ),
    )


def dispatcher_for(storage: DatabaseStorage, handler: Handler) -> Dispatcher:
    """aiogram's dispatcher with the storage's own isolation and the middleware that writes after the
    handler, as bot/app/factory.py builds it, around one handler."""
    dispatcher = Dispatcher(storage=storage, events_isolation=storage.create_isolation())
    dispatcher.update.outer_middleware(WriteConversationAfterHandler(storage))
    dispatcher.message.register(handler)
    return dispatcher


@pytest.fixture
async def bot() -> AsyncIterator[Bot]:
    bot = Bot(token=f"{BOT_ID}:TEST")
    yield bot
    await bot.session.close()


async def test_a_filing_step_writes_its_row_once_after_the_handler(
    clean_engine: AsyncEngine, bot: Bot
) -> None:
    storage = DatabaseStorage(session_factory(clean_engine))
    await storage.set_state(KEY, "Filing:subject")
    await storage.set_data(KEY, {"subject": "Jalan berlubang"})
    seen_by_handler: list[object] = []

    async def place_step(message: Message, state: FSMContext) -> None:
        await state.set_state("Filing:checking")
        await state.update_data({"place": message.text})
        await state.set_state("Filing:place")
        seen_by_handler.append(await state.get_state())
        seen_by_handler.append(await state.get_data())
        seen_by_handler.append(await stored(clean_engine))

    with writes_of_conversations(clean_engine) as writes:
        await dispatcher_for(storage, place_step).feed_update(bot, message_update(1, "Jl. Hayam Wuruk"))

    assert writes == ["INSERT"]  # one upsert
    # The handler saw its own changes; the database got them only after it returned.
    assert seen_by_handler == [
        "Filing:place",
        {"subject": "Jalan berlubang", "place": "Jl. Hayam Wuruk"},
        ("Filing:subject", {"subject": "Jalan berlubang"}),
    ]
    assert await stored(clean_engine) == (
        "Filing:place",
        {"subject": "Jalan berlubang", "place": "Jl. Hayam Wuruk"},
    )


async def test_an_update_that_changes_nothing_writes_nothing(clean_engine: AsyncEngine, bot: Bot) -> None:
    storage = DatabaseStorage(session_factory(clean_engine))
    await storage.set_state(KEY, "Filing:subject")
    await storage.set_data(KEY, {"subject": "Jalan berlubang"})

    async def asks_again(message: Message, state: FSMContext) -> None:
        # A step that re-asks after bad input: it sets what is already there, or moves away and back.
        await state.set_state("Filing:subject")
        await state.update_data({"subject": "Jalan berlubang"})
        await state.set_state("Filing:place")
        await state.set_state("Filing:subject")

    with writes_of_conversations(clean_engine) as writes:
        await dispatcher_for(storage, asks_again).feed_update(bot, message_update(1, "?"))
    assert writes == []
    assert await stored(clean_engine) == ("Filing:subject", {"subject": "Jalan berlubang"})


async def test_a_failing_handler_leaves_the_row_as_it_was(clean_engine: AsyncEngine, bot: Bot) -> None:
    storage = DatabaseStorage(session_factory(clean_engine))
    await storage.set_state(KEY, "Filing:subject")
    await storage.set_data(KEY, {"subject": "Jalan berlubang"})

    async def fails_halfway(message: Message, state: FSMContext) -> None:
        await state.update_data({"place": message.text})
        await state.set_state("Filing:place")
        raise RuntimeError("the complaint service is down")

    dispatcher = dispatcher_for(storage, fails_halfway)
    with (
        writes_of_conversations(clean_engine) as writes,
        pytest.raises(RuntimeError, match="service is down"),
    ):
        await dispatcher.feed_update(bot, message_update(1, "Jl. Hayam Wuruk"))
    assert writes == []
    assert await stored(clean_engine) == ("Filing:subject", {"subject": "Jalan berlubang"})

    # Handled again, it starts from the step it had reached.
    async def place_step(message: Message, state: FSMContext) -> None:
        assert await state.get_state() == "Filing:subject"
        await state.update_data({"place": message.text})
        await state.set_state("Filing:place")

    await dispatcher_for(storage, place_step).feed_update(bot, message_update(1, "Jl. Hayam Wuruk"))
    assert await stored(clean_engine) == (
        "Filing:place",
        {"subject": "Jalan berlubang", "place": "Jl. Hayam Wuruk"},
    )


async def test_cancelling_deletes_the_row_in_one_statement(clean_engine: AsyncEngine, bot: Bot) -> None:
    storage = DatabaseStorage(session_factory(clean_engine))
    await storage.set_state(KEY, "Filing:place")
    await storage.set_data(KEY, {"subject": "Jalan berlubang"})

    async def cancel(message: Message, state: FSMContext) -> None:
        await state.clear()

    with writes_of_conversations(clean_engine) as writes:
        await dispatcher_for(storage, cancel).feed_update(bot, message_update(1, "/batal"))
    assert writes == ["DELETE"]
    assert await stored(clean_engine) is None


async def test_a_conversation_started_and_cleared_in_one_update_writes_nothing(
    clean_engine: AsyncEngine, bot: Bot
) -> None:
    storage = DatabaseStorage(session_factory(clean_engine))

    async def starts_then_gives_up(message: Message, state: FSMContext) -> None:
        await state.set_state("Filing:subject")
        await state.update_data({"subject": message.text})
        await state.clear()

    with writes_of_conversations(clean_engine) as writes:
        await dispatcher_for(storage, starts_then_gives_up).feed_update(bot, message_update(1, "/lapor"))
    assert writes == []
    assert await stored(clean_engine) is None


async def test_data_that_is_not_json_is_refused_when_set(clean_engine: AsyncEngine, bot: Bot) -> None:
    storage = DatabaseStorage(session_factory(clean_engine))
    await storage.set_state(KEY, "Filing:subject")
    refused: list[str] = []

    async def keeps_an_object(message: Message, state: FSMContext) -> None:
        with pytest.raises(TypeError, match="JSON") as error:
            await state.update_data({"when": object()})
        refused.append(str(error.value))
        await state.update_data({"subject": message.text})

    await dispatcher_for(storage, keeps_an_object).feed_update(bot, message_update(1, "Jalan berlubang"))
    assert len(refused) == 1
    assert await stored(clean_engine) == ("Filing:subject", {"subject": "Jalan berlubang"})


async def test_data_changed_by_the_handler_after_setting_it_is_not_written(
    clean_engine: AsyncEngine, bot: Bot
) -> None:
    storage = DatabaseStorage(session_factory(clean_engine))

    async def changes_its_dict_afterwards(message: Message, state: FSMContext) -> None:
        photos = ["a"]
        await state.set_data({"photos": photos})
        photos.append("not saved")

    await dispatcher_for(storage, changes_its_dict_afterwards).feed_update(bot, message_update(1, "foto"))
    assert await stored(clean_engine) == (None, {"photos": ["a"]})


async def test_a_conversation_the_update_does_not_hold_is_written_at_once(
    clean_engine: AsyncEngine, bot: Bot
) -> None:
    storage = DatabaseStorage(session_factory(clean_engine))
    seen_while_handling: list[object] = []

    async def rates_for_someone_else(message: Message, state: FSMContext) -> None:
        with writes_of_conversations(clean_engine) as writes:
            await storage.set_state(OTHER, "Rating:stars")
            await storage.set_data(OTHER, {"complaint": 7})
        seen_while_handling.append(writes)
        seen_while_handling.append(await stored(clean_engine, OTHER))
        await storage.set_state(OTHER, None)
        await storage.set_data(OTHER, {})
        seen_while_handling.append(await stored(clean_engine, OTHER))

    await dispatcher_for(storage, rates_for_someone_else).feed_update(bot, message_update(1, "x"))
    assert seen_while_handling == [["INSERT", "INSERT"], ("Rating:stars", {"complaint": 7}), None]
    # Outside any update too.
    with writes_of_conversations(clean_engine) as writes:
        await storage.set_state(OTHER, "Rating:stars")
    assert writes == ["INSERT"]
    assert await stored(clean_engine, OTHER) == ("Rating:stars", {})
    # Setting one column keeps the other.
    await storage.set_data(OTHER, {"complaint": 7})
    await storage.set_state(OTHER, "Rating:comment")
    assert await stored(clean_engine, OTHER) == ("Rating:comment", {"complaint": 7})
    await storage.set_state(OTHER, None)
    assert await stored(clean_engine, OTHER) == (None, {"complaint": 7})
    with writes_of_conversations(clean_engine) as writes:
        await storage.set_data(OTHER, {})
    assert writes == ["INSERT", "DELETE"]  # the upsert tells the row is left empty
    assert await stored(clean_engine, OTHER) is None


async def test_without_the_middleware_the_lock_writes_the_row_when_released(
    clean_engine: AsyncEngine,
) -> None:
    storage = DatabaseStorage(session_factory(clean_engine))
    isolation = storage.create_isolation()
    with writes_of_conversations(clean_engine) as writes:
        async with isolation.lock(KEY):
            await storage.set_state(KEY, "Filing:subject")
            await storage.set_data(KEY, {"subject": "Jalan berlubang"})
            assert await stored(clean_engine) is None
        assert writes == ["INSERT"]
    assert await stored(clean_engine) == ("Filing:subject", {"subject": "Jalan berlubang"})

    # And when what holds the lock fails: nothing it set is lost, as with writes made at once.
    async def step_cut_short() -> None:
        async with isolation.lock(KEY):
            await storage.set_state(KEY, "Filing:place")
            raise RuntimeError("cut short")

    with pytest.raises(RuntimeError, match="cut short"):
        await step_cut_short()
    assert await stored(clean_engine) == ("Filing:place", {"subject": "Jalan berlubang"})


class MarksThatCannotFinish(ProcessedUpdates):
    """The done mark fails after the update's end has written the conversation's row in its session."""

    def __init__(self, engine: AsyncEngine) -> None:
        super().__init__(session_factory(engine))
        self.row_in_the_session: list[object] = []

    async def finish(self, bot_id: int, update_id: int, *, session: AsyncSession | None = None) -> None:
        assert session is not None  # the update's unit of work, not a transaction of its own
        found = (await session.execute(select(FsmRecord.state, FsmRecord.data))).all()
        self.row_in_the_session.append([tuple(row) for row in found])
        raise ConnectionError("the database went away")


async def test_the_conversation_and_the_done_mark_are_committed_together(
    clean_engine: AsyncEngine, bot: Bot
) -> None:
    """A kill (or a failure) before the done mark leaves the conversation as it was: the update is handled
    again from the step it was handled from, never from the step it led to."""
    marks = MarksThatCannotFinish(clean_engine)
    services = dataclasses.replace(create_services(clean_engine, WorkingCalendar()), processed=marks)
    storage = DatabaseStorage(session_factory(clean_engine))
    dispatcher = create_dispatcher(services, storage=storage)

    async def subject_step(message: Message, state: FSMContext) -> None:
        await state.set_state("Filing:place")
        await state.update_data({"subject": message.text})

    dispatcher.message.register(subject_step, F.text == "Jalan berlubang")
    await dispatcher.feed_update(bot, message_update(1, "Jalan berlubang"))
    # Written in the update's session, next to the mark...
    assert marks.row_in_the_session == [[("Filing:place", {"subject": "Jalan berlubang"})]]
    # ...and not committed without it.
    assert await stored(clean_engine) is None


async def test_a_task_the_handler_left_running_writes_at_once_after_the_update(
    clean_engine: AsyncEngine, bot: Bot
) -> None:
    storage = DatabaseStorage(session_factory(clean_engine))
    update_ended = asyncio.Event()
    left_running: list[asyncio.Task[None]] = []

    async def starts_a_task(message: Message, state: FSMContext) -> None:
        async def moves_on_later() -> None:
            await update_ended.wait()
            await state.set_state("Filing:subject")

        left_running.append(asyncio.create_task(moves_on_later()))

    await dispatcher_for(storage, starts_a_task).feed_update(bot, message_update(1, "/lapor"))
    update_ended.set()
    await asyncio.gather(*left_running)
    assert await stored(clean_engine) == ("Filing:subject", {})
