"""The webhook app for a web server running several worker processes (gunicorn with aiohttp's worker):

    gunicorn 'bot.app.web:create_app' -c python:bot.app.gunicorn_conf --workers 4

Each worker builds the same bot `python -m bot` builds (bot/app/runner.py): it migrates (under a PostgreSQL
lock, so workers starting together migrate once), serves WEBHOOK_PATH with the secret-token check, and runs
an outbox sender and a scheduler beside it. Several of those at once are safe: the senders claim outbox rows
with SKIP LOCKED and share one rate limit in Redis, and every scheduler notice has a dedupe key. An update
Telegram delivers twice, to one worker or two, is handled once (bot/updates/once.py), and a worker answers 200
only after handling it, so a worker killed mid-update leaves it to Telegram's retry, which another worker (or
the restarted one) handles once the dead worker's lease has run out (UPDATE_LEASE_SECONDS).

The webhook itself is registered once for all workers, by gunicorn's master (bot/app/gunicorn_conf.py).
"""

from __future__ import annotations

import logging
import os
import sys
from typing import NoReturn

from aiohttp import web
from pydantic import ValidationError

from bot.app.logs import configure_logging
from bot.app.runner import build_process, check_telegram, create_webhook_app, webhook_secret
from bot.app.settings import Settings
from bot.app.startup import StartupProblem

log = logging.getLogger(__name__)
# gunicorn's exit status for "a worker failed to boot": the master stops instead of respawning it forever.
WORKER_BOOT_ERROR = 3


async def create_app() -> web.Application:
    """gunicorn's aiohttp worker awaits this in each worker process."""
    try:
        settings = Settings()
    except ValidationError as error:
        _refuse(invalid_setting(error))
    configure_logging(
        settings.log_level, log_format=settings.log_format, secrets=settings.log_secrets(), with_process=True
    )
    settings.apply_personal_data_keys()
    try:
        return await webhook_app(settings)
    except StartupProblem as problem:
        _refuse(str(problem))


async def webhook_app(settings: Settings) -> web.Application:
    """The webhook app with the whole bot behind it: the sender and the scheduler start with the app and
    everything is closed when it is cleaned up."""
    if not settings.webhook_public_url:
        raise StartupProblem("the webhook needs WEBHOOK_PUBLIC_URL (the https address Telegram can reach)")
    webhook_secret(settings)  # before migrating: a missing secret is told at once
    if not settings.redis_url:
        log.warning(
            "REDIS_URL is not set: with several workers two updates of one person may race on the "
            "conversation, and each worker's sender keeps its own rate limit"
        )
    process = await build_process(settings)
    try:
        await check_telegram(process.bot, settings)
        app = create_webhook_app(process.dispatcher, process.bot, settings, process.engine)
        registered = (await process.bot.get_webhook_info()).url
        if registered != settings.webhook_url:
            # gunicorn started without bot/app/gunicorn_conf.py, whose master registers it: nothing would
            # arrive.
            log.warning(
                "the Bot API delivers to %r, not to %s: start gunicorn with -c python:bot.app.gunicorn_conf",
                registered,
                settings.webhook_url,
            )
    except BaseException:
        await process.close()
        raise

    async def start(_: web.Application) -> None:
        process.start_background()
        log.info("worker %d serving %s", os.getpid(), settings.webhook_path)

    async def close(_: web.Application) -> None:
        await process.close()

    app.on_startup.append(start)
    app.on_cleanup.append(close)
    return app


def invalid_setting(error: ValidationError) -> str:
    first = error.errors()[0]
    return f"invalid setting {'.'.join(map(str, first['loc'])).upper()}: {first['msg']}"


def _refuse(problem: str) -> NoReturn:
    """One line saying what to fix, as `python -m bot` says it, and no respawning."""
    print(f"laporgub: {problem}", file=sys.stderr, flush=True)
    raise SystemExit(WORKER_BOOT_ERROR)
