"""``python -m bot.dev.local_api --port 8081 --bot 123:abc=my_bot``: run the server on its own."""

from __future__ import annotations

import argparse
import asyncio
import contextlib

from bot.dev.local_api.api import LocalBotApi
from bot.dev.local_api.config import ServerConfig


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bot.dev.local_api", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument(
        "--bot",
        action="append",
        default=[],
        metavar="TOKEN=USERNAME",
        help="register a bot (repeatable); default 123456:local-test-token=laporgub_local_bot",
    )
    parser.add_argument("--no-rate-limits", action="store_true", help="disable flood control")
    return parser.parse_args()


async def _serve(arguments: argparse.Namespace) -> None:
    config = ServerConfig()
    config.rate_limits.enabled = not arguments.no_rate_limits
    api = LocalBotApi(config)
    for spec in arguments.bot or ["123456:local-test-token=laporgub_local_bot"]:
        token, _, username = spec.partition("=")
        api.add_bot(token, username or "local_bot", first_name=username or "Local Bot")
    base_url = await api.start(arguments.host, arguments.port)
    print(f"local Bot API listening on {base_url} (simulation under {base_url}/sim)", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await api.stop()


def main() -> None:
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(_arguments()))


if __name__ == "__main__":
    main()
