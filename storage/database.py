"""Engine factory and schema migration.

No DATABASE_URL: an embedded SQLite file under ./data/ (created on first run). Production: a
`postgresql+asyncpg://` URL. The schema is always created through the Alembic migrations.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Table, event, exc, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, ExceptionContext
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.pool import ConnectionPoolEntry

DEFAULT_SQLITE_PATH = Path("data") / "laporgub.sqlite3"
MIGRATIONS = Path(__file__).parent / "migrations"
# How long a SQLite writer waits for another writer before giving up.
SQLITE_BUSY_TIMEOUT_S = 30
# The PostgreSQL advisory lock every migrating process takes first ("LGmi"): one migrates, the others wait
# for it and then find the schema current.
MIGRATION_LOCK_KEY = 0x4C476D69
# PostgreSQL connections a process keeps open, and how many more a burst may open for a while.
POOL_SIZE = 10
POOL_OVERFLOW = 10


def database_url(url: str | None) -> str:
    if url:
        return url
    DEFAULT_SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite+aiosqlite:///{DEFAULT_SQLITE_PATH}"


def create_engine(url: str | None = None, **options: Any) -> AsyncEngine:
    url = database_url(url)
    if url.startswith("sqlite"):
        options.setdefault("connect_args", {"timeout": SQLITE_BUSY_TIMEOUT_S})
        engine = create_async_engine(url, **options)
        event.listen(engine.sync_engine, "connect", _configure_sqlite)
        return engine
    if "poolclass" not in options:
        # Kept open: enough for the updates the bot has in flight at a time (each holds a connection only
        # while it talks to the database), so a busy bot reuses them rather than connecting for most updates;
        # SQLAlchemy's 5 closed and reopened most connections under load. Past that, a burst opens a few more
        # and closes them once returned; beyond those it waits for one. 20 per process at most keeps four
        # webhook workers within PostgreSQL's default 100 connections.
        options.setdefault("pool_size", POOL_SIZE)
        options.setdefault("max_overflow", POOL_OVERFLOW)
    engine = create_async_engine(url, **options)
    event.listen(engine.sync_engine, "checkout", _replace_if_closed)
    if engine.dialect.driver == "asyncpg":
        event.listen(engine.sync_engine, "handle_error", _asyncpg_disconnect)
    return engine


def _replace_if_closed(_dbapi_connection: Any, record: ConnectionPoolEntry, _proxy: Any) -> None:
    """A restarted PostgreSQL leaves every pooled connection dead. Its sockets were closed, which asyncpg
    has noticed by the time the pool hands one out: such a connection is replaced on checkout, for free.
    (`pool_pre_ping` asks the server instead, a `BEGIN; ;ROLLBACK` per checkout: as many transactions again
    as the bot's own.) A connection that looks open and is not (the server went away mid-use) fails its
    statement; SQLAlchemy then takes it for a disconnect and replaces every connection the pool holds that
    is older, and the update is handled again (its retry, its replay)."""
    driver_connection = record.driver_connection
    is_closed = getattr(driver_connection, "is_closed", None)
    if is_closed is not None and is_closed():
        raise exc.DisconnectionError("the server closed this pooled connection")


def _asyncpg_disconnect(context: ExceptionContext) -> None:
    """asyncpg's errors that mean the connection is gone, whether or not it has closed its socket yet: the
    server's termination message read on an idle connection (a restart) fails the next statement with an
    internal client error, which SQLAlchemy would not take for a disconnect, and would not renew the pool."""
    import asyncpg

    error = context.original_exception
    cause = error.__cause__ if error.__cause__ is not None else error
    if isinstance(
        cause,
        asyncpg.exceptions.PostgresConnectionError  # SQLSTATE class 08
        | asyncpg.exceptions.AdminShutdownError
        | asyncpg.exceptions.CrashShutdownError
        | asyncpg.exceptions.CannotConnectNowError
        | asyncpg.exceptions.InternalClientError
        | ConnectionError,
    ):
        context.is_disconnect = True


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets readers go on while one writer commits; foreign keys are off by default in SQLite.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def upsert_insert(dialect: str, table: Table | type[Any]) -> postgresql.Insert | sqlite.Insert:
    """An INSERT into `table` that can take ON CONFLICT clauses: PostgreSQL's or SQLite's, by the dialect's
    name (their clauses are spelled alike)."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return insert(table)


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


async def migrate(engine: AsyncEngine, revision: str = "head") -> None:
    """Bring the schema to `revision` through the migrations.

    Several processes may start at once (gunicorn's workers, replicas): on PostgreSQL each first takes a
    transaction-scoped advisory lock, so one migrates while the others wait; once it commits, the next
    reads the version it wrote and has nothing left to do.
    """
    async with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            await connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
        await connection.run_sync(_upgrade, revision)


def _upgrade(connection: Connection, revision: str) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, revision)
