"""Ctrl-C stops the test run at once and leaves nothing behind.

The run README describes (`pytest -n 2`) is started on tests/interrupt/interrupted_run.py, whose test waits in
each worker with the session's databases, a PostgreSQL database of its own, the local Bot API server, the bot
in-process and a bot process (`python -m bot`). Once both workers wait, SIGINT goes to the run's process
group, as a terminal's Ctrl-C does: the run must end within `STOP_WITHIN_S` with no process of the group left
and none of its PostgreSQL databases.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from tests.backends import postgres_admin_url

ROOT = Path(__file__).resolve().parents[2]
WORKERS = 2
# Measured 9-14 s at load 5-7 (a bot process's own shutdown 3-5 s of it); loose for a busy machine.
STOP_WITHIN_S = 30.0
READY_WITHIN_S = 240.0


def group_members(group: int) -> list[str]:
    """The live processes of a process group, read from /proc."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            command = (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:  # ended meanwhile
            continue
        if int(fields[2]) == group and fields[0] != "Z":
            members.append(f"{stat.parent.name} {command}")
    return members


async def database_names() -> list[str]:
    engine = create_async_engine(postgres_admin_url(), isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            return list(
                await connection.scalars(
                    text("SELECT datname FROM pg_database WHERE datname LIKE 'laporgub_test_%'")
                )
            )
    finally:
        await engine.dispose()


async def test_ctrl_c_stops_the_run_at_once_and_leaves_no_process_or_database(tmp_path: Path) -> None:
    ready = tmp_path / "ready"
    ready.mkdir()
    env = {**os.environ, "INTERRUPT_READY_DIR": str(ready), "PYTHONPATH": str(ROOT)}
    log = (tmp_path / "run.log").open("w")
    run = await asyncio.create_subprocess_exec(
        *(sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-n", str(WORKERS)),
        "tests/interrupt/interrupted_run.py",
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=log,
        start_new_session=True,  # a group of its own, as a terminal gives a command
    )
    try:
        give_up = time.monotonic() + READY_WITHIN_S
        while len(list(ready.iterdir())) < WORKERS:
            assert run.returncode is None, (tmp_path / "run.log").read_text()
            assert time.monotonic() < give_up, (tmp_path / "run.log").read_text()
            await asyncio.sleep(0.2)
        workers = [int(path.name) for path in ready.iterdir()]
        bot_processes = [int(path.read_text().split()[0]) for path in ready.iterdir()]
        assert len(group_members(run.pid)) >= 1 + 2 * WORKERS  # pytest, its workers, their bots

        interrupted = time.monotonic()
        os.killpg(run.pid, signal.SIGINT)
        await asyncio.wait_for(run.wait(), timeout=STOP_WITHIN_S)
        stopped_after = time.monotonic() - interrupted
    finally:
        if run.returncode is None:
            os.killpg(run.pid, signal.SIGKILL)
            await run.wait()
        log.close()
    output = (tmp_path / "run.log").read_text()
    print(f"stopped {stopped_after:.1f} s after SIGINT:\n{output[-2000:]}")
    assert run.returncode == 2, output  # pytest's "interrupted"
    # Within a moment, nothing of the run is left: no worker, no bot process, no database.
    give_up = time.monotonic() + 2
    while group_members(run.pid) and time.monotonic() < give_up:  # noqa: ASYNC110
        await asyncio.sleep(0.1)
    assert group_members(run.pid) == []
    assert not any(Path(f"/proc/{pid}").exists() for pid in bot_processes)  # noqa: ASYNC240
    left = [
        name
        for name in await database_names()
        if name.startswith(tuple(f"laporgub_test_{pid}_" for pid in workers))
    ]
    assert left == []
