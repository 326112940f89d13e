"""The framework floor: the smallest aiogram bot that answers every text with the same text.

``python -m bench.echo_aiogram --token 123:abc --api http://127.0.0.1:8081``, polling until SIGTERM.
"""

from __future__ import annotations

import argparse
import asyncio

from aiogram import Bot, Dispatcher, F
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import Message


async def echo(message: Message) -> None:
    await message.answer(message.text or "")


async def serve(token: str, api: str) -> None:
    bot = Bot(token, session=AiohttpSession(api=TelegramAPIServer.from_base(api)))
    dispatcher = Dispatcher()
    dispatcher.message.register(echo, F.text)
    await dispatcher.start_polling(bot, polling_timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.echo_aiogram", description=__doc__)
    parser.add_argument("--token", required=True)
    parser.add_argument("--api", required=True, help="the Bot API server's base address")
    arguments = parser.parse_args()
    asyncio.run(serve(arguments.token, arguments.api))


if __name__ == "__main__":
    main()
