"""The floor of a bot that keeps what the issue asks it to keep: the echo bot of bench/echo_aiogram.py, plus
what every update of ours must cost in the database whatever it does.

``python -m bench.echo_durable --token 123:abc --api http://127.0.0.1:8081 --database postgresql+asyncpg://...``

- always: the update is de-duplicated by its id in the database, with the bot's own lease
  (bot/updates/once.py: taken before the handler, done after);
- with ``--conversation``: the chat's conversation row is read and written once per update, with the bot's
  own conversation storage (bot/updates/fsm_storage.py), as a step of a conversation does.

It measures nothing of ours beyond those two modules; the distance between it and the echo bot is what the
durability costs, and the distance between it and our bot is what our workflow costs.
"""

from __future__ import annotations

import argparse
import asyncio

from aiogram import Bot, Dispatcher, F
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.fsm.context import FSMContext
from aiogram.types import Message

from bot.updates.fsm_storage import DatabaseStorage, WriteConversationAfterHandler
from bot.updates.once import OncePerUpdate
from storage.database import create_engine, session_factory
from storage.processed_updates import ProcessedUpdates


async def echo(message: Message) -> None:
    await message.answer(message.text or "")


async def echo_counting(message: Message, state: FSMContext) -> None:
    seen = (await state.get_data()).get("seen", 0)
    await state.update_data(seen=seen + 1)
    await message.answer(message.text or "")


async def serve(token: str, api: str, database: str, conversation: bool) -> None:
    engine = create_engine(database)
    sessions = session_factory(engine)
    bot = Bot(token, session=AiohttpSession(api=TelegramAPIServer.from_base(api)))
    # The bot's own order (bot/app/factory.py): the mark, then the conversation's write inside it.
    if conversation:
        storage = DatabaseStorage(sessions)
        dispatcher = Dispatcher(storage=storage, events_isolation=storage.create_isolation())
        dispatcher.update.outer_middleware(OncePerUpdate(ProcessedUpdates(sessions)))
        dispatcher.update.outer_middleware(WriteConversationAfterHandler(storage))
        dispatcher.message.register(echo_counting, F.text)
    else:
        dispatcher = Dispatcher()
        dispatcher.update.outer_middleware(OncePerUpdate(ProcessedUpdates(sessions)))
        dispatcher.message.register(echo, F.text)
    try:
        await dispatcher.start_polling(bot, polling_timeout=10)
    finally:
        await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.echo_durable", description=__doc__)
    parser.add_argument("--token", required=True)
    parser.add_argument("--api", required=True, help="the Bot API server's base address")
    parser.add_argument("--database", required=True, help="a migrated database's SQLAlchemy URL")
    parser.add_argument("--conversation", action="store_true", help="also read and write the chat's row")
    arguments = parser.parse_args()
    asyncio.run(serve(arguments.token, arguments.api, arguments.database, arguments.conversation))


if __name__ == "__main__":
    main()
