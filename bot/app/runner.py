"""Running the bot: migrate the database, check Telegram is reachable, then poll or serve the webhook.

Either way a process killed mid-update loses nothing: polling stores each update in its inbox before it
confirms it to Telegram and the next start replays what was unfinished (bot/updates/polling.py); the webhook
answers once the update is handled (`DrainingRequestHandler`), so Telegram delivers it again; the
once-per-update lease (bot/updates/once.py) lets each through once.

Every way a start can fail that an operator can fix (Telegram unreachable, a bad database URL, a webhook
setting missing) ends in `StartupProblem`: one line saying what to do, no traceback.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import signal
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from aiogram import Bot, Dispatcher
from aiogram.exceptions import TelegramAPIError, TelegramNetworkError, TelegramUnauthorizedError
from aiogram.fsm.storage.base import BaseStorage
from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application
from aiohttp import web
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app.factory import (
    RedisUnavailable,
    calendar_from,
    create_bot,
    create_dispatcher,
    create_fsm,
    create_services,
)
from bot.app.probes import add_health_routes, start_health_server
from bot.app.scheduler_loop import SchedulerLoop, scheduler_settings
from bot.app.settings import Mode, Settings
from bot.app.startup import StartupProblem, check_token
from bot.attachment_keeper import AttachmentKeeper, FileShelf
from bot.handlers import reporter_router
from bot.notices.notifier import Notifier, create_notifier
from bot.updates.polling import Poller
from storage.attachment_copies import AttachmentCopies
from storage.database import create_engine, database_url, migrate, session_factory
from storage.processed_updates import ProcessedUpdates
from storage.reports.rollups import recount_if_stale

log = logging.getLogger(__name__)
# How long the start-up check waits for the Bot API before calling it unreachable.
REACH_TIMEOUT_S = 15
# How long a stopping webhook server waits for the updates in flight (within gunicorn's 30 s grace).
DRAIN_TIMEOUT_S = 20.0
# How long a webhook request waits for its update to be handled before answering 503 (Telegram resends).
ANSWER_WITHIN_S = 8.0


async def prepare_database(settings: Settings) -> AsyncEngine:
    url = database_url(settings.database_url)
    engine = create_engine(url)
    try:
        await migrate(engine)
        # After OFFICE_CLOSE changed, the report rollups are counted again with the new closing time.
        if await recount_if_stale(engine, calendar_from(settings)):
            log.info("report rollups counted again for OFFICE_CLOSE %s", settings.office_close)
    except Exception as error:
        await engine.dispose()
        shown = make_url(url).render_as_string(hide_password=True)
        raise StartupProblem(
            f"cannot prepare the database at {shown} ({type(error).__name__}): check DATABASE_URL"
        ) from None
    return engine


async def check_telegram(bot: Bot, settings: Settings) -> None:
    try:
        me = await bot.get_me(request_timeout=REACH_TIMEOUT_S)
    except TelegramUnauthorizedError:
        raise StartupProblem("the Bot API refused BOT_TOKEN (401 Unauthorized): check the token") from None
    except (TelegramNetworkError, TelegramAPIError, OSError, TimeoutError) as error:
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise StartupProblem(
            f"cannot reach the Telegram Bot API at {settings.telegram_api_base} ({reason}): "
            "check the network or TELEGRAM_API_BASE"
        ) from None
    log.info("connected as @%s", me.username)


class DrainingRequestHandler(SimpleRequestHandler):
    """Answers Telegram 200 only once the update has been handled, so a process killed mid-update answers
    nothing and Telegram delivers the update again (to this worker's successor or another worker; the
    once-per-update lease, bot/updates/once.py, hands it over once the dead process's lease has run out).

    The update is handled in a task of its own and the request waits for it at most `ANSWER_WITHIN_S`,
    well inside Telegram's patience with a webhook (the local Bot API server's default is 10 s; Telegram
    documents none and resends after a slow answer). Handlers take well under a second; one that is slower
    (flood control making a reply wait) is answered 503 and goes on: Telegram's retry waits for it to end
    and is then answered 200, or handles the update if its process died meanwhile. An update a handler
    raised on is answered 200: it was handled, unsuccessfully (the person was told), and would fail again.

    On shutdown (a deploy, gunicorn restarting a worker) the updates in flight finish before the bot's
    session closes, up to `DRAIN_TIMEOUT_S`: their requests are answered, nothing is cut short."""

    async def _handle_request_background(self, bot: Bot, request: web.Request) -> web.Response:
        update = await request.json(loads=bot.session.json_loads)
        handling = asyncio.create_task(self._background_feed_update(bot=bot, update=update))
        self._background_feed_update_tasks.add(handling)
        handling.add_done_callback(self._background_feed_update_tasks.discard)
        done, _ = await asyncio.wait({handling}, timeout=ANSWER_WITHIN_S)
        if not done:
            log.warning(
                "update %s still being handled after %s s: answered 503, Telegram will deliver it again",
                update.get("update_id"),
                ANSWER_WITHIN_S,
            )
            return web.Response(status=503, text="still being handled: deliver it again later")
        if not handling.cancelled() and handling.exception() is not None:
            error = handling.exception()
            log.error("update %s failed", update.get("update_id"), exc_info=error)
        return web.json_response({}, dumps=bot.session.json_dumps)

    async def close(self) -> None:
        in_flight = set(self._background_feed_update_tasks)
        if in_flight:
            log.info("waiting for %d update(s) in flight", len(in_flight))
            _, late = await asyncio.wait(in_flight, timeout=DRAIN_TIMEOUT_S)
            if late:
                log.warning(
                    "%d update(s) still in flight after %s s: stopping anyway", len(late), DRAIN_TIMEOUT_S
                )
        await super().close()


def create_webhook_app(
    dispatcher: Dispatcher, bot: Bot, settings: Settings, engine: AsyncEngine | None = None
) -> web.Application:
    """The aiohttp app that receives updates; a request without the secret header gets 401. With the
    database's engine it also serves /healthz, /readyz and /metrics (bot/app/probes.py)."""
    secret = webhook_secret(settings)
    app = web.Application()
    DrainingRequestHandler(dispatcher, bot, secret_token=secret).register(app, path=settings.webhook_path)
    if engine is not None:
        add_health_routes(app, engine)
    setup_application(app, dispatcher, bot=bot)
    return app


def webhook_secret(settings: Settings) -> str:
    if settings.webhook_secret is None or not settings.webhook_secret.get_secret_value():
        raise StartupProblem("MODE=webhook needs WEBHOOK_SECRET (letters, digits, _ and -; up to 256)")
    return settings.webhook_secret.get_secret_value()


def used_update_types() -> list[str]:
    """The update types the bot's routers handle: what the webhook asks Telegram to deliver."""
    dispatcher = Dispatcher()
    dispatcher.include_router(reporter_router())
    return dispatcher.resolve_used_update_types()


async def register_webhook(bot: Bot, settings: Settings, allowed_updates: list[str] | None = None) -> None:
    """Tell the Bot API where to deliver, with the secret it must send. Telegram allows about one
    setWebhook a second: with several worker processes one call is made for all (bot/app/gunicorn_conf.py)."""
    if not settings.webhook_public_url:
        raise StartupProblem("MODE=webhook needs WEBHOOK_PUBLIC_URL (the https address Telegram can reach)")
    await bot.set_webhook(
        settings.webhook_url,
        secret_token=webhook_secret(settings),
        allowed_updates=used_update_types() if allowed_updates is None else allowed_updates,
    )
    log.info("webhook set to %s", settings.webhook_url)


@dataclass
class WebhookServer:
    runner: web.AppRunner

    async def stop(self) -> None:
        await self.runner.cleanup()


async def start_webhook(
    dispatcher: Dispatcher, bot: Bot, settings: Settings, engine: AsyncEngine | None = None
) -> WebhookServer:
    """Listen first, then tell the Bot API where to deliver: updates may arrive at once."""
    if not settings.webhook_public_url:
        raise StartupProblem("MODE=webhook needs WEBHOOK_PUBLIC_URL (the https address Telegram can reach)")
    runner = web.AppRunner(create_webhook_app(dispatcher, bot, settings, engine))
    await runner.setup()
    site = web.TCPSite(runner, settings.webhook_listen_host, settings.webhook_listen_port)
    try:
        await site.start()
    except OSError as error:
        await runner.cleanup()
        raise StartupProblem(
            f"cannot listen on {settings.webhook_listen_host}:{settings.webhook_listen_port} "
            f"({error.strerror}): check WEBHOOK_LISTEN_HOST / WEBHOOK_LISTEN_PORT"
        ) from None
    await register_webhook(bot, settings, dispatcher.resolve_used_update_types())
    return WebhookServer(runner)


async def _until_stopped() -> None:
    stop = asyncio.Event()
    with _stop_on_signals(stop):
        await stop.wait()


@contextmanager
def _stop_on_signals(stop: asyncio.Event) -> Iterator[None]:
    """SIGINT and SIGTERM set `stop` while the block runs; afterwards the loop's handlers are removed, so a
    loop that lives on (a test run's shared loop) lets Ctrl-C interrupt it again."""
    loop = asyncio.get_running_loop()
    installed: list[signal.Signals] = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        with suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
            installed.append(sig)
    try:
        yield
    finally:
        for sig in installed:
            loop.remove_signal_handler(sig)


@dataclass
class BotProcess:
    """Everything one bot process runs, built from the settings: the same for `python -m bot` (polling or
    webhook) and for each worker of a web server (bot/app/web.py)."""

    engine: AsyncEngine
    storage: BaseStorage
    dispatcher: Dispatcher
    bot: Bot
    scheduler: SchedulerLoop
    notifier: Notifier | None
    processed: ProcessedUpdates | None = None
    keeper: AttachmentKeeper | None = None

    def start_background(self) -> None:
        """The outbox sender (unless SENDER_IN_BOT=false), the scheduler and the attachment keeper, beside
        the updates."""
        if self.notifier is not None:
            self.notifier.start()
        self.scheduler.start()
        if self.keeper is not None:
            self.keeper.start()

    async def close(self) -> None:
        try:
            if self.keeper is not None:
                await self.keeper.stop()
            await self.scheduler.stop()
            if self.notifier is not None:
                await self.notifier.stop()
            await self.bot.session.close()
            await self.storage.close()
        finally:
            await self.engine.dispose()


async def build_process(settings: Settings) -> BotProcess:
    """Migrate the database, then build the bot on it; a StartupProblem leaves nothing open."""
    check_token(settings)
    settings.apply_personal_data_keys()
    engine = await prepare_database(settings)
    try:
        try:
            storage, isolation = create_fsm(settings, engine)
        except RedisUnavailable as error:
            raise StartupProblem(str(error)) from None
        services = create_services(
            engine, calendar_from(settings), update_lease=timedelta(seconds=settings.update_lease_seconds)
        )
        dispatcher = create_dispatcher(
            services,
            storage=storage,
            events_isolation=isolation,
            default_language=settings.default_language,
            service_desk=settings.service_desk(),
            shelf=FileShelf(Path(settings.attachments_dir)),
            identity_retention_days=settings.identity_retention_days,
        )
        bot = create_bot(settings)
        # What falls due with time (reminders, escalations, auto-close, drafts), derived from the database.
        scheduler = SchedulerLoop(
            session_factory(engine),
            services.calendar,
            scheduler_settings(settings.stage_targets),
            interval=settings.scheduler_interval_seconds,
            outbox_retention=timedelta(days=settings.outbox_retention_days),
            identity_retention=timedelta(days=settings.identity_retention_days),
        )
        notifier = create_notifier(settings, engine, services) if settings.sender_in_bot else None
    except BaseException:
        await engine.dispose()
        raise
    if notifier is not None:
        dispatcher.update.outer_middleware(notifier.wake_after_updates())
    keeper = AttachmentKeeper(
        bot, AttachmentCopies(session_factory(engine)), FileShelf(Path(settings.attachments_dir))
    )
    _freeze_what_startup_built()
    return BotProcess(engine, storage, dispatcher, bot, scheduler, notifier, services.processed, keeper)


def _freeze_what_startup_built() -> None:
    """The objects built so far (modules, models, routers, compiled statements: about 300,000) live as long
    as the process; moved out of the garbage collector's view, its full collections stop walking them every
    time (about 0.12 s of CPU each, several a minute under load)."""
    gc.collect()
    gc.freeze()


async def run(settings: Settings) -> None:
    process = await build_process(settings)
    try:
        await check_telegram(process.bot, settings)
        process.start_background()
        if settings.mode is Mode.POLLING:
            # A webhook left registered would make every getUpdates fail with 409 Conflict.
            await process.bot.delete_webhook()
            stop = asyncio.Event()
            log.info("polling as bot id %d", process.bot.id)
            health = None
            if settings.health_port is not None:
                health = await start_health_server(process.engine, settings.health_host, settings.health_port)
            try:
                with _stop_on_signals(stop):
                    await Poller(process.dispatcher, process.bot).run(stop, process.processed)
            finally:
                if health is not None:
                    await health.cleanup()
        else:
            server = await start_webhook(process.dispatcher, process.bot, settings, process.engine)
            try:
                await _until_stopped()
            finally:
                await server.stop()
    finally:
        await process.close()


async def run_sender(settings: Settings) -> None:
    """`python -m bot sender`: only the outbox sender, until SIGINT or SIGTERM."""
    check_token(settings)
    settings.apply_personal_data_keys()
    engine = await prepare_database(settings)
    try:
        notifier = create_notifier(settings, engine, create_services(engine, calendar_from(settings)))
        try:
            await check_telegram(notifier.bot, settings)
        except StartupProblem:
            await notifier.bot.session.close()
            raise
        stop = asyncio.Event()
        with _stop_on_signals(stop):
            await notifier.run_until(stop)
    finally:
        await engine.dispose()
