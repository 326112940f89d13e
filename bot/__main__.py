"""`python -m bot`: run the LaporGub bot with the settings from the environment or `.env`.

`python -m bot orgs ...` / `python -m bot admin ...`: operator commands (see bot/cli.py).

`python -m bot sender`: run only the outbox sender, which delivers the notifications (for a deployment whose
bot processes run with SENDER_IN_BOT=false).
"""

from __future__ import annotations

import asyncio
import sys

from pydantic import ValidationError

from bot.config import Settings
from bot.logs import configure_logging
from bot.startup import StartupProblem, check_token


def main(argv: list[str] | None = None) -> int:
    command = (sys.argv[1:] if argv is None else argv)[:1]
    try:
        settings = Settings()
    except ValidationError as error:
        first = error.errors()[0]
        print(
            f"laporgub: invalid setting {'.'.join(map(str, first['loc'])).upper()}: {first['msg']}",
            file=sys.stderr,
        )
        return 2
    configure_logging(settings.log_level)
    from bot.cli import COMMANDS  # operator commands (orgs, admin) need no token

    if command and command[0] in COMMANDS:
        from bot.cli import main as cli_main

        return cli_main(settings, (sys.argv[1:] if argv is None else argv))
    try:
        # The seam for the sandbox: a later version starts the local Bot API instead of refusing here.
        check_token(settings)
        from bot.runner import run, run_sender  # aiogram takes seconds to import: only once there is a token

        asyncio.run(run_sender(settings) if command == ["sender"] else run(settings))
    except StartupProblem as problem:
        print(f"laporgub: {problem}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
