"""`python -m bot` (or the `laporgub` console script): run the LaporGub bot with the settings from the
environment or `.env`. `--help` lists the commands (bot/app/cli.py); `python -m bot orgs ...` /
`python -m bot admin ...` are operator commands.

Without BOT_TOKEN, `python -m bot` opens the sandbox instead (the bot in a browser, no Telegram), at
http://SANDBOX_HOST:SANDBOX_PORT. `python -m bot demo`: a scripted complaint through the sandbox, all seven
steps, printing what each person saw.

`python -m bot sender`: run only the outbox sender, which delivers the notifications (for a deployment whose
bot processes run with SENDER_IN_BOT=false).

Several webhook worker processes:
`gunicorn 'bot.app.web:create_app' -c python:bot.app.gunicorn_conf --workers N` (bot/app/web.py).
"""

from __future__ import annotations

import asyncio
import sys

from pydantic import ValidationError

from bot.app.logs import configure_logging
from bot.app.settings import Settings
from bot.app.startup import StartupProblem, check_token


def main(argv: list[str] | None = None) -> int:
    """`laporgub` and `python -m bot`: the words are parsed before anything starts, so `--help` or a typo
    prints and exits (2 for an unknown word) instead of starting a second bot."""
    from bot.app.cli import COMMANDS, parser

    args = parser("python -m bot" if sys.argv[0].endswith("__main__.py") else "laporgub").parse_args(
        sys.argv[1:] if argv is None else argv
    )
    command = args.group or "run"
    try:
        settings = Settings()
    except ValidationError as error:
        first = error.errors()[0]
        print(
            f"laporgub: invalid setting {'.'.join(map(str, first['loc'])).upper()}: {first['msg']}",
            file=sys.stderr,
        )
        return 2
    configure_logging(settings.log_level, log_format=settings.log_format, secrets=settings.log_secrets())
    settings.apply_personal_data_keys()
    if command in COMMANDS:
        from bot.app.cli import main as cli_main

        return cli_main(settings, args)
    if command in ("backup", "restore"):
        from bot.app.cli import backup_main

        return backup_main(settings, args)
    if command == "check":
        from bot.app.checks import main as check

        return check(settings)
    if command == "demo":
        from bot.dev.sandbox.demo import main as demo  # the sandbox in-process, scripted: needs no token

        return demo(settings)
    try:
        if command == "sandbox" or (command == "run" and settings.bot_token is None):
            # No token: the sandbox, the whole bot in a browser on a local Bot API (bot/dev/sandbox/).
            from bot.dev.sandbox import run_sandbox

            host = getattr(args, "host", None) or settings.sandbox_host
            port = getattr(args, "port", None)
            asyncio.run(
                run_sandbox(settings, host=host, port=settings.sandbox_port if port is None else port)
            )
            return 0
        check_token(settings)
        from bot.app.runner import (  # aiogram takes seconds to import: only once there is a token
            run,
            run_sender,
        )

        asyncio.run(run_sender(settings) if command == "sender" else run(settings))
    except StartupProblem as problem:
        print(f"laporgub: {problem}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
