"""Several processes starting together on a fresh PostgreSQL database (gunicorn's workers, replicas) each
migrate: one creates the schema, the others wait for it and find it current."""

from __future__ import annotations

import asyncio

from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from storage.database import alembic_config, create_engine, migrate
from storage.models import Base

STARTERS = 4


async def test_starters_migrating_at_once_leave_one_current_schema(fresh_postgres: str) -> None:
    # An engine each, as separate processes would have: nothing shared but the database.
    engines = [create_engine(fresh_postgres) for _ in range(STARTERS)]
    try:
        await asyncio.gather(*(migrate(engine) for engine in engines))
        async with engines[0].connect() as connection:
            versions = (await connection.execute(text("SELECT version_num FROM alembic_version"))).all()
            tables = await connection.run_sync(lambda sync: set(inspect(sync).get_table_names()))
    finally:
        for engine in engines:
            await engine.dispose()
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert [row.version_num for row in versions] == [head]
    assert set(Base.metadata.tables) | {"alembic_version"} == tables


async def test_a_starter_after_the_others_has_nothing_left_to_do(fresh_postgres: str) -> None:
    engine = create_engine(fresh_postgres)
    try:
        await migrate(engine)
        async with engine.begin() as connection:
            await connection.execute(text("CREATE TABLE marker (id integer)"))
        # A later start neither fails nor rebuilds: the table it knows nothing about is still there.
        await asyncio.gather(migrate(engine), migrate(engine))
        async with engine.connect() as connection:
            tables = await connection.run_sync(lambda sync: set(inspect(sync).get_table_names()))
            versions = await connection.scalar(text("SELECT count(*) FROM alembic_version"))
    finally:
        await engine.dispose()
    assert "marker" in tables
    assert versions == 1
