"""`python -m bot.dev.sandbox`: starts with no token, prints the page address, stops cleanly on SIGTERM."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from asyncio.subprocess import PIPE
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_it_runs_without_a_token_prints_its_address_and_stops_on_sigterm(
    tmp_path: Path, http: aiohttp.ClientSession
) -> None:
    port = free_port()
    env = {key: value for key, value in os.environ.items() if key != "BOT_TOKEN"}
    env["PYTHONPATH"] = str(ROOT)
    # In an empty directory: no .env is read, and the sandbox database lands in tmp_path/data.
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.dev.sandbox",
        "--port",
        str(port),
        cwd=tmp_path,
        env=env,
        stdout=PIPE,
        stderr=PIPE,
    )
    try:
        assert process.stdout is not None
        line = (await asyncio.wait_for(process.stdout.readline(), timeout=60)).decode()
        address = f"http://127.0.0.1:{port}/"
        assert address in line, line
        async with http.get(address) as page:
            assert page.status == 200
        async with http.get(f"{address}sandbox/personas") as personas:
            assert (await personas.json())["ok"] is True
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        _, errors = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode == 0, errors.decode()
    assert "Traceback" not in errors.decode()
    assert (tmp_path / "data" / "sandbox.sqlite3").is_file()


async def test_a_taken_port_is_one_line_and_a_failure(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot.dev.sandbox",
            "--port",
            str(port),
            cwd=tmp_path,
            env=env,
            stdout=PIPE,
            stderr=PIPE,
        )
        output, errors = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode == 1
    assert output == b""
    lines = [line for line in errors.decode().splitlines() if line.strip() and " INFO " not in line]
    assert len(lines) == 1, lines
    assert f"cannot listen on 127.0.0.1:{port}" in lines[0]
