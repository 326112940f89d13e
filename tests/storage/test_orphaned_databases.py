"""A run killed with SIGKILL cannot drop its PostgreSQL databases; the next run drops those of processes that
are gone (tests/backends.py), and never one of a process still running."""

from __future__ import annotations

import asyncio
import os
import sys

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from tests.backends import PostgresUnavailable, drop_orphaned_databases, postgres_admin_url, postgres_database


async def database_names() -> set[str]:
    admin = create_async_engine(postgres_admin_url(), isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as connection:
            return set(await connection.scalars(text("SELECT datname FROM pg_database")))
    finally:
        await admin.dispose()


async def test_the_databases_of_a_process_that_is_gone_are_dropped_and_a_running_ones_kept() -> None:
    gone = await asyncio.create_subprocess_exec(sys.executable, "-c", "pass")
    await gone.wait()
    orphan = f"laporgub_test_{gone.pid}_0123abcd"
    try:
        async with postgres_database() as live_url:
            admin = create_async_engine(postgres_admin_url(), isolation_level="AUTOCOMMIT")
            async with admin.connect() as connection:
                await connection.execute(text(f'CREATE DATABASE "{orphan}"'))
            await admin.dispose()
            live = live_url.rsplit("/", 1)[1]
            assert live.startswith(f"laporgub_test_{os.getpid()}_")

            assert orphan in await drop_orphaned_databases()
            names = await database_names()
            assert orphan not in names
            assert live in names
    except PostgresUnavailable as error:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI needs PostgreSQL: {error}")
        pytest.skip(f"PostgreSQL tests skipped: {error}")
