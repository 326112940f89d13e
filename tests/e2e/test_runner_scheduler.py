"""`python -m bot` runs the scheduler beside the bot: what falls due is written and delivered without anyone
acting."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import time
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app.runner import run
from bot.app.settings import Settings
from bot.dev.local_api import LocalBotApi
from storage import models
from storage.database import session_factory
from storage.models import utcnow
from storage.outbox.notifications import NoticeKind
from tests.conftest import World, draft_for
from tests.e2e.conftest import TEST_SENDER, TOKEN
from tests.e2e.notifications import open_chats


async def test_the_bot_process_runs_the_scheduler_and_delivers_its_notices(
    local_api: LocalBotApi, clean_engine: AsyncEngine, world: World
) -> None:
    await open_chats(world, local_api, "province", "province2")
    # Filed five days ago by real time: long overdue at the province.
    world.clock.now = utcnow() - timedelta(days=5)
    await world.complaints.submit(draft_for(world.reporter), world.reporter.as_actor())
    settings = Settings(
        _env_file=None,
        bot_token=TOKEN,
        telegram_api_base=local_api.base_url,
        database_url=clean_engine.url.render_as_string(hide_password=False),
        scheduler_interval_seconds=0.2,
        **TEST_SENDER,
    )
    bot = asyncio.create_task(run(settings))
    sessions = session_factory(clean_engine)
    deadline = time.monotonic() + 20
    try:
        while True:
            async with sessions() as session:
                rows = list(
                    await session.scalars(
                        select(models.OutboxMessage).where(
                            models.OutboxMessage.kind == NoticeKind.STAGE_OVERDUE,
                            models.OutboxMessage.status == "sent",
                        )
                    )
                )
            if len(rows) == 2:
                break
            assert not bot.done(), bot.exception()
            assert time.monotonic() < deadline, "the scheduler's escalation was not delivered"
            await asyncio.sleep(0.1)
    finally:
        bot.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await bot
    # The run's SIGINT/SIGTERM handlers leave with it: Ctrl-C still stops the test run's shared loop.
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL
    assert sorted(row.chat_id for row in rows) == sorted(
        world.admins[seat].telegram_id for seat in ("province", "province2")
    )
    admin = local_api.user(world.admins["province"].telegram_id)
    assert any("🚨" in (message.text or "") for message in admin.chat().bot_messages())
