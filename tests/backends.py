"""Test databases: an embedded SQLite file and a PostgreSQL database created (and dropped) per test run."""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from storage.database import create_engine, migrate

DEFAULT_POSTGRES_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
BACKENDS = ("sqlite", "postgresql")


class PostgresUnavailable(Exception):
    pass


def postgres_admin_url() -> str:
    return os.environ.get("TEST_DATABASE_URL", DEFAULT_POSTGRES_URL)


def xdist_worker_index() -> int:
    """0 without pytest-xdist or in its first worker (gw0), N in worker gwN."""
    return int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw"))


def redis_url(variable: str, database: int) -> str:
    """The URL in `variable` if set; else `database` on the local Redis, two lower per pytest-xdist worker
    after the first, so that workers running at once never share one: the Redis tests (15) and the workers
    test (14) use 15 and 14 in gw0, 13 and 12 in gw1."""
    default = f"redis://127.0.0.1:6379/{database - 2 * xdist_worker_index()}"
    return os.environ.get(variable, default)


@asynccontextmanager
async def migrated_database(backend: str, workdir: Path) -> AsyncIterator[AsyncEngine]:
    """A fresh database of `backend` with the schema created through the migrations."""
    if backend == "sqlite":
        engine = create_engine(f"sqlite+aiosqlite:///{workdir / f'test-{uuid.uuid4().hex}.sqlite3'}")
        try:
            await migrate(engine)
            yield engine
        finally:
            await engine.dispose()
        return
    async with postgres_database() as url:
        engine = create_engine(url)
        try:
            await migrate(engine)
            yield engine
        finally:
            await engine.dispose()


@asynccontextmanager
async def postgres_database() -> AsyncIterator[str]:
    admin_url = make_url(postgres_admin_url())
    name = f"laporgub_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = create_async_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as connection:
            await connection.execute(text(f'CREATE DATABASE "{name}"'))
    except (OSError, Exception) as error:
        await admin.dispose()
        raise PostgresUnavailable(
            f"PostgreSQL at {admin_url.render_as_string()} unreachable: {error}"
        ) from error
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        async with admin.connect() as connection:
            await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's
        return True
    return True


DATABASE_OF_PROCESS = re.compile(r"laporgub_test_(\d+)_[0-9a-f]{8}")


async def drop_orphaned_databases() -> list[str]:
    """Drops the test databases of processes that are gone (a run killed with SIGKILL could not drop its own),
    when PostgreSQL runs on this machine, so that a process id names a process here. Returns their names."""
    admin_url = make_url(postgres_admin_url())
    if admin_url.host not in ("127.0.0.1", "localhost", "::1"):
        return []
    admin = create_async_engine(admin_url, isolation_level="AUTOCOMMIT")
    dropped = []
    try:
        async with admin.connect() as connection:
            names = await connection.scalars(text("SELECT datname FROM pg_database"))
            for name in list(names):
                match = DATABASE_OF_PROCESS.fullmatch(name)
                if match and not _running(int(match[1])):
                    await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                    dropped.append(name)
    except (OSError, Exception):  # unreachable: its tests skip or fail on their own
        return dropped
    finally:
        await admin.dispose()
    return dropped


@contextmanager
def statements_starting(engine: AsyncEngine, prefix: str) -> Iterator[list[str]]:
    """Every statement sent to the database meanwhile that starts with `prefix` (say, "INSERT INTO t")."""
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.startswith(prefix):
            seen.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)
