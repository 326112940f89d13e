"""The other framework: the smallest python-telegram-bot bot that answers every text with the same text.

``python -m bench.echo_ptb --token 123:abc --api http://127.0.0.1:8081``, polling until SIGTERM. Updates are
handled one at a time, python-telegram-bot's default.
"""

from __future__ import annotations

import argparse

from telegram import Update
from telegram.ext import Application, ContextTypes, MessageHandler, filters


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message is not None and message.text is not None:
        await context.bot.send_message(message.chat_id, message.text)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.echo_ptb", description=__doc__)
    parser.add_argument("--token", required=True)
    parser.add_argument("--api", required=True, help="the Bot API server's base address")
    arguments = parser.parse_args()
    api = arguments.api.rstrip("/")
    application = (
        Application.builder()
        .token(arguments.token)
        .base_url(f"{api}/bot")
        .base_file_url(f"{api}/file/bot")
        .build()
    )
    application.add_handler(MessageHandler(filters.TEXT, echo))
    application.run_polling(poll_interval=0.0, timeout=10, drop_pending_updates=False)


if __name__ == "__main__":
    main()
