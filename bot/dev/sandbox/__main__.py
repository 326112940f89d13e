"""`python -m bot.dev.sandbox [--host H] [--port P]`: the whole bot in a browser, without Telegram or a
token."""

from __future__ import annotations

import argparse
import asyncio
import sys

from bot.app.logs import configure_logging
from bot.app.settings import Settings
from bot.app.startup import StartupProblem
from bot.dev.sandbox.run import run_sandbox


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.dev.sandbox", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    arguments = parser.parse_args(argv)
    settings = Settings()
    configure_logging(settings.log_level, log_format=settings.log_format, secrets=settings.log_secrets())
    settings.apply_personal_data_keys()
    try:
        asyncio.run(run_sandbox(settings, host=arguments.host, port=arguments.port))
    except StartupProblem as problem:
        print(f"laporgub: {problem}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
