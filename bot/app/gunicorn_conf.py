"""gunicorn settings for the webhook app (bot/app/web.py), read from the same environment as the bot:

    gunicorn 'bot.app.web:create_app' -c python:bot.app.gunicorn_conf --workers 4

Command-line flags still win (`--bind`, `--workers`, ...; without `--workers`: WEB_CONCURRENCY, else 1).
The master, once its sockets listen and before any worker starts, migrates the database and registers the
webhook: one migration and one setWebhook for all workers (Telegram allows about one a second). A database
it cannot open, a bad token or an unreachable Bot API stops the start with one line. (Left to the workers,
a database failure made every worker exit at once, and gunicorn, halting for the first, tripped over the
second and ended in a traceback.)
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from bot.app.settings import Settings


def _settings() -> Settings:
    try:
        return Settings()
    except ValidationError as error:
        from bot.app.web import invalid_setting

        print(f"laporgub: {invalid_setting(error)}", file=sys.stderr, flush=True)
        raise SystemExit(2) from None


worker_class = "aiohttp.GunicornWebWorker"
_listen = _settings()
bind = [f"{_listen.webhook_listen_host}:{_listen.webhook_listen_port}"]
# A worker migrates and checks Telegram before it serves: give it time on a slow start.
timeout = 60


def when_ready(server: Any) -> None:
    from bot.app.startup import StartupProblem

    settings = _settings()
    try:
        asyncio.run(_prepare_database(settings))
        asyncio.run(_register_webhook(settings))
    except StartupProblem as problem:
        server.log.error("laporgub: %s", problem)
        server.halt(reason=str(problem), exit_status=1)
    server.log.info("laporgub: webhook set to %s for every worker", settings.webhook_url)


async def _prepare_database(settings: Settings) -> None:
    from bot.app.runner import prepare_database

    engine = await prepare_database(settings)
    await engine.dispose()


async def _register_webhook(settings: Settings) -> None:
    from bot.app.factory import create_bot
    from bot.app.runner import check_telegram, register_webhook
    from bot.app.startup import check_token

    check_token(settings)
    bot = create_bot(settings)
    try:
        await check_telegram(bot, settings)
        await register_webhook(bot, settings)
    finally:
        await bot.session.close()


def on_starting(_server: Any) -> None:
    """Metrics of several workers (bot/app/metrics.py): no count of a previous run is added to this one."""
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        path = Path(directory)
        path.mkdir(parents=True, exist_ok=True)
        for stale in path.glob("*.db"):
            stale.unlink()


def child_exit(_server: Any, worker: Any) -> None:
    """A dead worker's live gauges leave the sums; its counters stay counted."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)  # type: ignore[no-untyped-call]  # unannotated upstream
