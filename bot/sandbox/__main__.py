"""`python -m bot.sandbox [--host H] [--port P]`: the whole bot in a browser, without Telegram or a token."""

from __future__ import annotations

import argparse
import asyncio
import sys

from bot.config import Settings
from bot.logs import configure_logging
from bot.sandbox.run import run_sandbox
from bot.startup import StartupProblem


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.sandbox", description=__doc__)
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
