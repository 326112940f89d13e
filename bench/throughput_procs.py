"""The bench's child processes (the bots, the sender, py-spy): started, waited for, stopped by their pid."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Settings of the developer's environment that must not leak into the bench's bot processes.
BOT_SETTINGS = ("BOT_TOKEN", "TELEGRAM_API_BASE", "DATABASE_URL", "REDIS_URL", "MODE", "WEBHOOK_PUBLIC_URL")


@dataclass
class Child:
    name: str
    process: asyncio.subprocess.Process
    log: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    def tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except FileNotFoundError:
            return ""

    async def stop(self, signal_number: int = signal.SIGTERM, timeout: float = 20.0) -> int:  # noqa: ASYNC109
        if self.process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self.process.send_signal(signal_number)
            try:
                await asyncio.wait_for(self.process.wait(), timeout)
            except TimeoutError:
                with contextlib.suppress(ProcessLookupError):
                    self.process.kill()
                await self.process.wait()
        return self.process.returncode or 0


async def spawn(name: str, args: list[str], workdir: Path, env: dict[str, str] | None = None) -> Child:
    """`python <args>` in `workdir` (no .env there), with the project importable; output to a log file."""
    clean = {key: value for key, value in os.environ.items() if key not in BOT_SETTINGS}
    clean["PYTHONPATH"] = str(ROOT)
    log = workdir / f"{name}.log"
    with log.open("wb") as output:
        process = await asyncio.create_subprocess_exec(
            sys.executable, *args, cwd=workdir, env={**clean, **(env or {})}, stdout=output, stderr=output
        )
    return Child(name, process, log)


# -- py-spy ----------------------------------------------------------------------------------------------


async def start_profile(pid: int, output: Path, workdir: Path, rate: int = 100) -> Child | None:
    """py-spy sampling `pid` until stopped (SIGINT makes it write `output`: collapsed stacks). Only samples
    holding the GIL count: on a busy machine a thread waiting for a core would otherwise look busy wherever
    it was preempted (typically right after a socket write woke the peer)."""
    py_spy = Path(sys.executable).with_name("py-spy")
    if not py_spy.exists():
        return None
    log = workdir / "py-spy.log"
    with log.open("wb") as out:
        process = await asyncio.create_subprocess_exec(
            str(py_spy),
            "record",
            "--pid",
            str(pid),
            "--rate",
            str(rate),
            "--nonblocking",
            "--gil",
            "--format",
            "raw",
            "--output",
            str(output),
            stdout=out,
            stderr=out,
        )
    return Child("py-spy", process, log)


@dataclass(frozen=True)
class ProfileSummary:
    samples: int
    own: list[tuple[str, int]]  # the function running when sampled
    within: list[tuple[str, int]]  # functions on the stack, ours only (bot/, storage/, workflow/)
    areas: list[tuple[str, int]]  # the library each sample was running in


# py-spy names a frame `function (path:line)`, the path relative to the project or to site-packages.
OURS = ("bot/", "storage/", "workflow/")
AREAS = (
    ("asyncpg", "asyncpg"),
    ("sqlalchemy", "SQLAlchemy"),
    ("/aiogram/", "aiogram"),
    ("pydantic", "pydantic"),
    ("/aiohttp/", "aiohttp"),
    ("/asyncio/", "asyncio (event loop)"),
    ("/transitions/", "transitions"),
    ("/json/", "json"),
    ("/logging/", "logging"),
)


def summarise_profile(path: Path, top: int = 12) -> ProfileSummary | None:
    """Reads py-spy's raw output: one `frame;frame;...;leaf count` line per distinct stack."""
    if not path.exists():
        return None
    own: Counter[str] = Counter()
    within: Counter[str] = Counter()
    areas: Counter[str] = Counter()
    samples = 0
    for line in path.read_text(errors="replace").splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        samples += count
        frames = stack.split(";")
        own[_short(frames[-1])] += count
        for frame in {_short(frame, line=False) for frame in frames if _ours(frame)}:
            within[frame] += count
        areas[_area(frames)] += count
    # What is on every stack (the entry point, the polling loop) says nothing.
    telling = [(frame, count) for frame, count in within.most_common() if count < 0.9 * samples]
    return ProfileSummary(samples, own.most_common(top), telling[:top], areas.most_common())


def _short(frame: str, line: bool = True) -> str:
    """`handle (bot/handlers/filing.py:120)` from py-spy's `handle (/abs/path/bot/routers/filing.py:120)`."""
    name, _, where = frame.partition(" (")
    where = where.rstrip(")")
    if not line:
        where = where.rpartition(":")[0] or where
    for marker in ("/site-packages/", str(ROOT) + "/", "/lib/python3"):
        if marker in where:
            where = where.split(marker, 1)[1]
            break
    return f"{name} ({where})" if where else name


def _ours(frame: str) -> bool:
    where = frame.partition(" (")[2]
    if where.startswith(str(ROOT) + "/"):
        where = where[len(str(ROOT)) + 1 :]
    return where.startswith(OURS) and not where.startswith("bot/dev/local_api/")


def _area(frames: list[str]) -> str:
    leaf = frames[-1]
    for needle, name in AREAS:
        if needle in leaf:
            return name
    if _ours(leaf):
        return "our code (bot/, storage/, workflow/)"
    return "other (interpreter, stdlib, C)"
