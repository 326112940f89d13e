"""``python -m bench.throughput_sql_census``: ``python -m bot`` counting who checks out a database connection.

An experiment (``python -m bench.throughput --bot-module bench.throughput_sql_census``): every pool checkout
is attributed to the innermost function of the bot that asked for it (bot/, storage/; not
storage/database.py), and the counts are written to ``sql_census.json`` in the bot's working directory
(or to the path in ``SQL_CENSUS``) when it stops, each checkout's moment beside it (``*.timeline.json``).
Divided by the updates of the run, they say where the transactions per update come from.
"""

from __future__ import annotations

import atexit
import json
import os
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import greenlet
from sqlalchemy import event
from sqlalchemy.ext.asyncio import create_async_engine

from storage import database

ROOT = str(Path(__file__).resolve().parents[1]) + "/"
CHECKOUTS: Counter[str] = Counter()
# Each checkout's moment (seconds since the bot started) and asker, to tell an idle bot's from an update's.
TIMELINE: list[tuple[float, str]] = []
STARTED = time.monotonic()


def _asker() -> str:
    # SQLAlchemy's asyncio layer runs the checkout in a greenlet: the asking coroutine is on the stack of the
    # greenlet that switched to it.
    current = greenlet.getcurrent()
    stacks = [sys._getframe()] + ([current.parent.gr_frame] if current.parent is not None else [])
    for frame in stacks:
        while frame is not None:
            where = frame.f_code.co_filename.removeprefix(ROOT)
            if where.startswith(("bot/", "storage/")) and where != "storage/database.py":
                return f"{frame.f_code.co_name} ({where})"
            frame = frame.f_back
    return "(outside bot/ and storage/)"


def _engine_with_census(url: Any, **options: Any) -> Any:
    engine = create_async_engine(url, **options)

    @event.listens_for(engine.sync_engine, "checkout")
    def checked_out(*_: Any) -> None:
        asker = _asker()
        CHECKOUTS[asker] += 1
        TIMELINE.append((round(time.monotonic() - STARTED, 3), asker))

    return engine


database.create_async_engine = _engine_with_census  # type: ignore[attr-defined]


@atexit.register
def _write() -> None:
    path = Path(os.environ.get("SQL_CENSUS", "sql_census.json"))
    path.write_text(json.dumps(CHECKOUTS.most_common(), indent=1))
    path.with_suffix(".timeline.json").write_text(json.dumps(TIMELINE))


if __name__ == "__main__":
    from bot.__main__ import main

    sys.exit(main())
