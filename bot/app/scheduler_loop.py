"""The loop that runs the scheduler every `interval` seconds until stopped.

Every bot process may run one: what is due comes from the database and every message has a dedupe key,
so several loops at once send nothing twice. A failed run is logged and the next one tries again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app.metrics import scheduler_passed
from bot.ui.states import Filing
from bot.updates.fsm_storage import draft_owner
from storage.models import utcnow
from storage.retention import erase_identities, purge_sent_notices
from storage.scheduler import SchedulerReport, SchedulerSettings, run_scheduler_once
from workflow.calendar import WorkingCalendar
from workflow.sla import StageTargets

logger = logging.getLogger(__name__)

DEFAULT_INTERVAL_S = 60.0
PURGE_EVERY = timedelta(hours=1)


def scheduler_settings(targets: StageTargets | None = None) -> SchedulerSettings:
    """The scheduler as the bot runs it: drafts are the conversation rows (bot/updates/fsm_storage.py) in a
    state of filing a complaint (bot/ui/states.py)."""
    return SchedulerSettings(
        targets=targets or StageTargets(),
        draft_state_prefix=f"{Filing.__full_group_name__}:",
        draft_owner=draft_owner,
    )


class SchedulerLoop:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        calendar: WorkingCalendar,
        settings: SchedulerSettings | None = None,
        *,
        clock: Callable[[], datetime] = utcnow,
        interval: float = DEFAULT_INTERVAL_S,
        outbox_retention: timedelta | None = None,
        identity_retention: timedelta | None = None,
    ) -> None:
        if interval <= 0:
            raise ValueError("the scheduler interval must be positive")
        self.sessions = sessions
        self.calendar = calendar
        self.settings = settings or scheduler_settings()
        self.clock = clock
        self.interval = interval
        self.runs = 0
        self.last_report: SchedulerReport | None = None
        # None: delivered notices are kept (a test's or the sandbox's scheduler).
        self.outbox_retention = outbox_retention
        self.identity_retention = identity_retention
        self._last_purge: datetime | None = None
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> asyncio.Task[None]:
        """Run the loop in the background; `stop()` ends it."""
        if self._task is None or self._task.done():
            self._stopping.clear()
            self._task = asyncio.create_task(self.run(), name="scheduler")
        return self._task

    async def stop(self) -> None:
        """Let the current run finish, then end the loop."""
        self._stopping.set()
        if self._task is not None:
            await self._task

    async def run(self) -> None:
        while not self._stopping.is_set():
            await self.run_once()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), timeout=self.interval)

    async def run_once(self) -> SchedulerReport | None:
        try:
            report = await run_scheduler_once(self.sessions, self.calendar, self.clock, self.settings)
        except Exception:
            logger.exception("scheduler run failed; trying again in %s s", self.interval)
            return None
        self.runs += 1
        self.last_report = report
        scheduler_passed()
        await self._purge_now_and_then()
        if report.notices_written or report.auto_closed or report.drafts_discarded:
            logger.info(
                "scheduler: %s, auto-closed %d, drafts discarded %d",
                dict(report.notices),
                len(report.auto_closed),
                report.drafts_discarded,
            )
        return report

    async def _purge_now_and_then(self) -> None:
        """At most once an hour: every process runs a scheduler, and a purge finds little between two."""
        now = self.clock()
        if (self.outbox_retention is None and self.identity_retention is None) or (
            self._last_purge is not None and now - self._last_purge < PURGE_EVERY
        ):
            return
        self._last_purge = now
        try:
            purged = erased = 0
            if self.outbox_retention is not None:
                purged = await purge_sent_notices(self.sessions, now, self.outbox_retention)
            if self.identity_retention is not None:
                erased = await erase_identities(self.sessions, now, self.identity_retention)
        except Exception:
            logger.exception("purging failed; trying again in an hour")
            return
        if purged or erased:
            logger.info("purged %d delivered notices, erased %d reporters' identities", purged, erased)
