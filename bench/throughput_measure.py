"""What the throughput bench measures: when each update reached the local server and when the bot answered
it (both from the server's own record), percentiles, peak memory and CPU of a process (from /proc)."""

from __future__ import annotations

import asyncio
import bisect
import math
import os
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from bot.dev.local_api import LocalBotApi
from bot.dev.local_api.models import BotAccount

# Requests that are not an answer to someone: the bot asking for work.
NOT_ANSWERS = frozenset({"getupdates", "getme", "deletewebhook", "setwebhook", "getfile"})


@dataclass
class Pushed:
    at: float  # time.time(), the clock the server's request log uses
    chat_id: int | None
    callback_query_id: str | None


@dataclass
class UpdateStamps:
    """Records every update the server queues for one bot, by wrapping that bot's queue."""

    pushed: dict[int, Pushed] = field(default_factory=dict)

    def attach(self, account: BotAccount) -> None:
        queue = account.queue
        original = queue.push

        def push(kind: str, payload: dict[str, Any]) -> dict[str, Any] | None:
            update = original(kind, payload)
            if update is not None:
                self.pushed[update["update_id"]] = _pushed(kind, payload)
            return update

        queue.push = push  # type: ignore[method-assign]

    def clear(self) -> None:
        self.pushed.clear()


def _pushed(kind: str, payload: dict[str, Any]) -> Pushed:
    chat = (payload.get("chat") or (payload.get("message") or {}).get("chat") or {}).get("id")
    if chat is None:
        chat = (payload.get("from") or {}).get("id")
    return Pushed(time.time(), chat, payload.get("id") if kind == "callback_query" else None)


@dataclass(frozen=True)
class Latencies:
    samples: list[float]  # seconds, one per answered update
    unanswered: int

    def percentile(self, share: float) -> float:
        if not self.samples:
            return math.nan
        ordered = sorted(self.samples)
        return ordered[min(len(ordered) - 1, max(0, math.ceil(share * len(ordered)) - 1))]

    @property
    def p50_ms(self) -> float:
        return self.percentile(0.50) * 1000

    @property
    def p99_ms(self) -> float:
        return self.percentile(0.99) * 1000


def answer_latencies(api: LocalBotApi, account: BotAccount, stamps: UpdateStamps) -> Latencies:
    """For each update: the first request the bot made afterwards in that update's chat (or answering that
    callback query), as the server journalled it (the time it finished the request)."""
    by_chat: dict[int, list[float]] = defaultdict(list)
    by_query: dict[str, float] = {}
    for record in api.log.records:
        if record.bot_id != account.id or record.method.lower() in NOT_ANSWERS:
            continue
        if record.method.lower() == "answercallbackquery":
            query = record.params.get("callback_query_id")
            if query is not None:
                by_query.setdefault(str(query), record.time)
            continue
        if record.chat_id is not None:
            by_chat[record.chat_id].append(record.time)
    samples: list[float] = []
    unanswered = 0
    for pushed in stamps.pushed.values():
        candidates = []
        if pushed.callback_query_id is not None and pushed.callback_query_id in by_query:
            candidates.append(by_query[pushed.callback_query_id])
        times = by_chat.get(pushed.chat_id or 0, [])
        index = bisect.bisect_left(times, pushed.at)
        if index < len(times):
            candidates.append(times[index])
        if candidates:
            samples.append(min(candidates) - pushed.at)
        else:
            unanswered += 1
    return Latencies(samples, unanswered)


# -- processes -----------------------------------------------------------------------------------------

_TICKS = os.sysconf("SC_CLK_TCK")


def peak_rss_mb(pid: int) -> float:
    """VmHWM: the resident set's high-water mark since the process started."""
    return _status_kb(pid, "VmHWM") / 1024


def rss_mb(pid: int) -> float:
    return _status_kb(pid, "VmRSS") / 1024


def _status_kb(pid: int, key: str) -> float:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith(key + ":"):
                    return float(line.split()[1])
    except FileNotFoundError:
        return math.nan
    return math.nan


def cpu_seconds(pid: int) -> float:
    """User + system CPU time so far (children not included)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return math.nan
    return (int(fields[11]) + int(fields[12])) / _TICKS


def machine_busy_seconds() -> float:
    """CPU seconds all cores spent not idle since boot (/proc/stat: all but idle and iowait)."""
    with open("/proc/stat") as stat:
        values = [int(value) for value in stat.readline().split()[1:]]
    return (sum(values[:8]) - values[3] - values[4]) / _TICKS


def loadavg() -> str:
    with open("/proc/loadavg") as load:
        return " ".join(load.read().split()[:3])


class CpuMeter:
    """CPU seconds each process used between `start()` and `stop()`, and the wall time. A group (PostgreSQL's
    backends) is a set of pids read at both ends; one that appeared in between counts from its start."""

    def __init__(self, pids: dict[str, int], groups: dict[str, set[int]] | None = None) -> None:
        self.pids = pids
        self.groups = groups or {}
        self._start: dict[str, float] = {}
        self._group_start: dict[str, dict[int, float]] = {}
        self._started = 0.0
        self._machine_start = 0.0
        self._machine_busy = 0.0
        self.used: dict[str, float] = {}
        self.wall = 0.0

    def start(self) -> CpuMeter:
        self._machine_start = machine_busy_seconds()
        self._started = time.monotonic()
        self._start = {name: cpu_seconds(pid) for name, pid in self.pids.items()}
        self._group_start = {
            name: {pid: cpu_seconds(pid) for pid in pids} for name, pids in self.groups.items()
        }
        return self

    def stop(self, groups: dict[str, set[int]] | None = None) -> CpuMeter:
        self.wall = time.monotonic() - self._started
        self._machine_busy = machine_busy_seconds() - self._machine_start
        self.used = {name: cpu_seconds(pid) - self._start[name] for name, pid in self.pids.items()}
        for name, pids in (groups or {}).items():
            before = self._group_start.get(name, {})
            used = [cpu_seconds(pid) - before.get(pid, 0.0) for pid in pids]
            self.used[name] = sum(value for value in used if not math.isnan(value))
        return self

    def shares(self) -> str:
        """E.g. ``bot 97%, bench 61%, machine 190%``: shares of one core over the wall time; the machine's
        figure counts every process (other work on the machine included), out of 100% per core."""
        if self.wall <= 0:
            return ""
        ours = [f"{name} {used / self.wall:.0%}" for name, used in self.used.items()]
        return ", ".join([*ours, f"machine {self._machine_busy / self.wall:.0%}"])


# -- pacing --------------------------------------------------------------------------------------------


class Pacer:
    """Spaces the simulated people's actions to `rate` per second in all (None: as fast as they can)."""

    def __init__(self, rate: float | None = None) -> None:
        self.rate = rate
        self._next = 0.0

    async def slot(self) -> None:
        if self.rate is None:
            return
        now = time.monotonic()
        at = max(now, self._next)
        self._next = at + 1.0 / self.rate
        if at > now:
            await asyncio.sleep(at - now)


PACED = frozenset(
    {
        "send_text",
        "send_command",
        "send_contact",
        "send_location",
        "send_photo",
        "send_document",
        "press_button",
        "press_reply_button",
    }
)


class PacedUser:
    """A SimUser whose every action first waits for the pacer; everything else is the SimUser's own."""

    def __init__(self, user: Any, pacer: Pacer) -> None:
        self._user = user
        self._pacer = pacer

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._user, name)
        if name not in PACED:
            return attribute

        async def paced(*args: Any, **kwargs: Any) -> Any:
            await self._pacer.slot()
            return await attribute(*args, **kwargs)

        return paced


async def gather_limited(jobs: Iterable[Callable[[], Any]], limit: int) -> list[Any]:
    """Runs the jobs with at most `limit` at once; the first failure is raised once all have ended."""
    semaphore = asyncio.Semaphore(limit)

    async def run(job: Callable[[], Any]) -> Any:
        async with semaphore:
            return await job()

    results = await asyncio.gather(*(run(job) for job in jobs), return_exceptions=True)
    for result in results:
        if isinstance(result, BaseException):
            raise result
    return results
