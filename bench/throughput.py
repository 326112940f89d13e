"""Throughput figures: our bot against the framework floors, on one machine, in one run.

    python -m bench.throughput            # under 5 minutes on 2 busy cores; --help for the sizes

Everything talks to one local Bot API server (bot.dev.local_api) run in this process, with its flood control
off (the figures are about the bots, not Telegram's limits). In order:

1. a minimal aiogram echo bot and a minimal python-telegram-bot echo bot (bench/echo_*.py): one message in
   flight at a time, then draining a backlog of texts from distinct users; then the same aiogram echo bot
   keeping what every update of ours must keep in PostgreSQL (bench/echo_durable.py): its update marks,
   then also the chat's conversation row (the floor of a durable bot, between the framework and ours);
2. our bot (`python -m bot`, polling, its outbox sender inside, PostgreSQL in a database created for the run
   and dropped after): reporters file complaints with the conversation the end-to-end tests script, admins
   press their cards through all seven steps; one complaint at a time, then as fast as the bot answers
   (profiled with py-spy), then paced at half that rate; then 10,000 half-filed conversations are opened
   and its memory read;
3. `python -m bot sender` alone at a configured rate, delivering a backlog of notifications.

Latency is per update: from the moment the server queued it to the end of the bot's first request in that
chat (or answering that button press), both as the server records them.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, fields
from functools import partial
from pathlib import Path

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from bench.throughput_measure import (
    CpuMeter,
    Latencies,
    UpdateStamps,
    answer_latencies,
    gather_limited,
    loadavg,
    peak_rss_mb,
    rss_mb,
)
from bench.throughput_people import OPEN_IDS, copy_conversations, greet_admins, seat_people, unfinished
from bench.throughput_procs import Child, ProfileSummary, spawn, start_profile, summarise_profile
from bot.dev.local_api import LocalBotApi, ServerConfig
from bot.dev.local_api.models import BotAccount
from storage import models
from storage.database import create_engine, migrate, session_factory
from storage.outbox.claims import OutboxStatus
from storage.outbox.notifications import NoticeKind
from tests.backends import postgres_database
from workflow.definitions import T

OUR_TOKEN = "7100001:bench-laporgub"
AIOGRAM_TOKEN = "7100002:bench-echo-aiogram"
PTB_TOKEN = "7100003:bench-echo-ptb"
MARKS_TOKEN = "7100004:bench-echo-marks"
CONVERSATION_TOKEN = "7100005:bench-echo-conversation"
START_TIMEOUT_S = 60.0
# The floor of a durable bot (bench/echo_durable.py --conversation) that issue 15's figures are held against.
DURABLE_FLOOR = "aiogram echo + marks + conversation"
# The workflow's phases (reporters filing, admins pressing), whose transactions per update are a target.
# How long after a phase its transactions are all in pg_stat_database: a PostgreSQL (15+) backend that
# reported its statistics less than a second before it went idle reports the rest 10 s later
# (PGSTAT_IDLE_INTERVAL). Read sooner, a phase's last transactions were counted in the next phase.
STATS_SETTLE_S = 10.5
WORKFLOW_PHASES = ("one at a time", "saturated", "half of saturation")


@dataclass
class Sizes:
    echo_single: int = 100  # messages sent one at a time to each echo bot
    echo_updates: int = 4_000
    ptb_updates: int = 2_000
    durable_updates: int = 2_000  # for each echo bot keeping marks (and a conversation) in PostgreSQL
    single: int = 3
    saturated: int = 24
    concurrency: int = 30
    half: int = 6
    open_conversations: int = 10_000
    # Of those, opened through the bot; the rest are copies of the state rows the bot wrote.
    open_via_bot: int = 200
    notifications: int = 300
    sender_rate: float = 25.0
    lanes: int = 8
    province_admins: int = 3
    profile: bool = True
    # `python -m <bot_module>` runs our bot: `bot`, or bench.throughput_tuned for the experiment.
    bot_module: str = "bot"
    # The outbox sender in a process of its own (`python -m bot sender`, SENDER_IN_BOT=false) beside the bot.
    sender_apart: bool = False
    echo: bool = True
    durable: bool = True
    # How long after a phase its transactions are read (`STATS_SETTLE_S`; a smoke test may read sooner).
    stats_settle_s: float = STATS_SETTLE_S


@dataclass
class Phase:
    name: str
    updates: int
    wall: float
    latencies: Latencies
    cpu: str
    complaints: int = 0
    main_cpu: float = 0.0  # CPU seconds of the bot measured (the first process of the phase)
    connections: int = 0  # PostgreSQL connections opened during the phase
    transactions: int = 0  # PostgreSQL transactions ended during the phase (a few are the bench's own)

    @property
    def cpu_ms_per_update(self) -> float:
        return self.main_cpu / self.updates * 1000 if self.updates else 0.0

    @property
    def updates_per_s(self) -> float:
        return self.updates / self.wall if self.wall > 0 else 0.0

    @property
    def complaints_per_s(self) -> float:
        return self.complaints / self.wall if self.wall > 0 else 0.0


@dataclass
class EchoRun:
    name: str
    single: Latencies
    drain: Phase
    peak_rss_mb: float


@dataclass
class SenderRun:
    configured: float
    sent: int
    achieved: float

    @property
    def deviation(self) -> float:
        return abs(self.achieved - self.configured) / self.configured


@dataclass
class Report:
    sizes: Sizes
    load_before: str
    load_after: str = ""
    echoes: list[EchoRun] = field(default_factory=list)
    ours: list[Phase] = field(default_factory=list)
    numbers: list[str] = field(default_factory=list)
    unfinished: list[str] = field(default_factory=list)
    open_rss_mb: float = 0.0
    our_peak_rss_mb: float = 0.0
    open_conversations: int = 0
    opened_via_bot: int = 0
    sender: SenderRun | None = None
    profile: ProfileSummary | None = None
    profile_path: Path | None = None

    def phase(self, name: str) -> Phase:
        return next(phase for phase in self.ours if phase.name == name)

    def echo(self, name: str) -> EchoRun:
        return next(run for run in self.echoes if run.name == name)


# -- the server and the bots ---------------------------------------------------------------------------


def local_server() -> LocalBotApi:
    config = ServerConfig()
    config.rate_limits.enabled = False
    api = LocalBotApi(config)
    for token, username in (
        (OUR_TOKEN, "laporgub_bench_bot"),
        (AIOGRAM_TOKEN, "echo_aiogram_bot"),
        (PTB_TOKEN, "echo_ptb_bot"),
        (MARKS_TOKEN, "echo_marks_bot"),
        (CONVERSATION_TOKEN, "echo_conversation_bot"),
    ):
        api.add_bot(token, username, username)
    return api


async def polling(api: LocalBotApi, account: BotAccount, child: Child) -> None:
    """Until the bot is about to poll: it has called the Bot API (getMe, deleteWebhook) and had a moment more.
    The server journals a request when it ends, so a first getUpdates shows only once its long poll does."""
    deadline = time.monotonic() + START_TIMEOUT_S
    while not any(r.bot_id == account.id for r in api.log.records):
        if child.process.returncode is not None or time.monotonic() > deadline:
            raise RuntimeError(f"{child.name} did not start polling:\n{child.tail()}")
        await asyncio.sleep(0.05)
    await asyncio.sleep(1.0)


def answers_since(api: LocalBotApi, account: BotAccount, since: int) -> list[float]:
    return [
        r.time
        for r in api.log.records
        if r.seq > since and r.bot_id == account.id and r.ok and r.method == "sendMessage"
    ]


async def run_echo(
    api: LocalBotApi,
    name: str,
    module: str,
    token: str,
    updates: int,
    single_count: int,
    workdir: Path,
    options: tuple[str, ...] = (),
) -> EchoRun:
    account = api.world.find_bot(token)
    child = await spawn(name, ["-m", module, "--token", token, "--api", api.base_url, *options], workdir)
    try:
        await polling(api, account, child)
        stamps = UpdateStamps()
        stamps.attach(account)
        single_user = api.user(600_000, "Ping", bot=token)
        for index in range(single_count):
            await single_user.send_text(f"ping {index}")
            await single_user.wait_for_message(timeout=10)
        single = answer_latencies(api, account, stamps)
        stamps.clear()
        users = [api.user(610_000 + index, f"Echo {index}", bot=token) for index in range(updates)]
        since = api.log.records[-1].seq
        meter = CpuMeter({name: child.pid, "bench": os.getpid()}).start()
        started = time.time()
        for index, user in enumerate(users):
            await user.send_text(f"halo {index}")
        deadline = time.monotonic() + max(60.0, updates / 50)
        while len(answered := answers_since(api, account, since)) < updates:
            if child.process.returncode is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{name} answered {len(answered)} of {updates}:\n{child.tail()}")
            await asyncio.sleep(0.05)
        meter.stop()
        wall = max(answered) - started
        drain = Phase("drain", updates, wall, answer_latencies(api, account, stamps), meter.shares())
        drain.main_cpu = meter.used[name]
        return EchoRun(name, single, drain, peak_rss_mb(child.pid))
    finally:
        await child.stop()
        api.log.clear()


def our_bot_env(api: LocalBotApi, database: str) -> dict[str, str]:
    return {
        "BOT_TOKEN": OUR_TOKEN,
        "TELEGRAM_API_BASE": api.base_url,
        "DATABASE_URL": database,
        "MODE": "polling",
        "LOG_LEVEL": "WARNING",
        # The sender inside the bot, unthrottled: cards must reach the admins as fast as the bot can send.
        "SENDER_GLOBAL_RATE": "10000",
        "SENDER_PER_CHAT_INTERVAL": "0",
        # Its idle poll stays at the default second: new rows wake it (in the bot's process, after the update
        # that queued them; in a process of its own, by PostgreSQL's notification).
    }


async def database_counters(engine: AsyncEngine) -> tuple[int, int]:
    """Connections ever opened to the bench's database and transactions ended in it (pg_stat_database;
    `sessions` needs PostgreSQL 14+). They lag: see `STATS_SETTLE_S`."""
    async with engine.connect() as connection:
        row = (
            await connection.execute(
                text(
                    "SELECT sessions, xact_commit + xact_rollback FROM pg_stat_database"
                    " WHERE datname = current_database()"
                )
            )
        ).one()
        return int(row[0] or 0), int(row[1] or 0)


async def backends(engine: AsyncEngine) -> dict[str, set[int]]:
    """PostgreSQL's server processes for the bench's database (this process's own connections included)."""
    async with engine.connect() as connection:
        pids = await connection.scalars(
            text(
                "SELECT pid FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        )
        return {"postgres": set(pids)}


async def measure(
    api: LocalBotApi,
    engine: AsyncEngine,
    stamps: UpdateStamps,
    name: str,
    pids: dict[str, int],
    work: Callable[[], Awaitable[list[str]]],
    settle_s: float = STATS_SETTLE_S,
) -> tuple[Phase, list[str]]:
    account = api.world.find_bot(OUR_TOKEN)
    stamps.clear()
    api.log.clear()
    connections, transactions = await database_counters(engine)
    meter = CpuMeter(pids, await backends(engine)).start()
    numbers = await work()
    meter.stop(await backends(engine))
    await asyncio.sleep(settle_s)
    now_connections, now_transactions = await database_counters(engine)
    phase = Phase(
        name, len(stamps.pushed), meter.wall, answer_latencies(api, account, stamps), meter.shares()
    )
    phase.complaints = len(numbers)
    # The bot's CPU, and its sender's when that runs in a process of its own.
    phase.main_cpu = meter.used["bot"] + meter.used.get("sender", 0.0)
    phase.connections = now_connections - connections
    phase.transactions = now_transactions - transactions
    return phase, numbers


async def run_ours(
    api: LocalBotApi, engine: AsyncEngine, database: str, sizes: Sizes, report: Report
) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="bench-ours-"))
    account = api.world.find_bot(OUR_TOKEN)
    people = await seat_people(api, engine, lanes=sizes.lanes, province_admins=sizes.province_admins)
    stamps = UpdateStamps()
    stamps.attach(account)
    env = our_bot_env(api, database)
    sender = None
    if sizes.sender_apart:
        env["SENDER_IN_BOT"] = "false"
        sender = await spawn("sender", ["-m", "bot", "sender"], workdir, env)
    child = await spawn("bot", ["-m", sizes.bot_module], workdir, env)
    pids = {"bot": child.pid, "bench": os.getpid()} | ({"sender": sender.pid} if sender else {})
    try:
        await polling(api, account, child)
        await greet_admins(people)
        report.numbers.append(await people.journey(0))  # warm-up, not measured
        await asyncio.sleep(sizes.stats_settle_s)  # the warm-up's transactions counted before the first phase

        async def one_at_a_time(first: int, count: int) -> list[str]:
            return [await people.journey(first + index) for index in range(count)]

        async def many(first: int, count: int) -> list[str]:
            jobs = [lambda index=index: people.journey(first + index) for index in range(count)]
            return list(await gather_limited(jobs, sizes.concurrency))

        phase, numbers = await measure(
            api,
            engine,
            stamps,
            "one at a time",
            pids,
            lambda: one_at_a_time(1, sizes.single),
            sizes.stats_settle_s,
        )
        report.ours.append(phase)
        report.numbers += numbers

        first = 1 + sizes.single
        profiler = None
        if sizes.profile:
            report.profile_path = workdir / "profile.txt"
            profiler = await start_profile(child.pid, report.profile_path, workdir)
        try:
            phase, numbers = await measure(
                api,
                engine,
                stamps,
                "saturated",
                pids,
                lambda: many(first, sizes.saturated),
                sizes.stats_settle_s,
            )
        finally:
            if profiler is not None:
                await profiler.stop(signal.SIGINT)
        report.ours.append(phase)
        report.numbers += numbers
        if report.profile_path is not None:
            report.profile = summarise_profile(report.profile_path)

        first += sizes.saturated
        people.pacer.rate = phase.updates_per_s / 2
        phase, numbers = await measure(
            api,
            engine,
            stamps,
            "half of saturation",
            pids,
            lambda: many(first, sizes.half),
            sizes.stats_settle_s,
        )
        people.pacer.rate = None
        report.ours.append(phase)
        report.numbers += numbers

        opened = min(sizes.open_via_bot, sizes.open_conversations)

        async def open_all() -> list[str]:
            jobs = [lambda index=index: people.open_conversation(index) for index in range(opened)]
            await gather_limited(jobs, 50)
            return []

        phase, _ = await measure(
            api, engine, stamps, "opening conversations", pids, open_all, sizes.stats_settle_s
        )
        report.ours.append(phase)
        copied = await copy_conversations(engine, OPEN_IDS, opened, sizes.open_conversations - opened)
        sample = copied[:: max(1, len(copied) // 100)][:100]

        async def continue_some() -> list[str]:
            await gather_limited([partial(people.continue_conversation, index) for index in sample], 50)
            return []

        phase, _ = await measure(
            api, engine, stamps, "continuing copied conversations", pids, continue_some, sizes.stats_settle_s
        )
        report.ours.append(phase)
        report.open_conversations = sizes.open_conversations
        report.opened_via_bot = opened
        report.open_rss_mb = rss_mb(child.pid)
        report.our_peak_rss_mb = peak_rss_mb(child.pid)
        api.log.clear()
        report.unfinished = await unfinished(engine, report.numbers)
    finally:
        for process in (child, sender):
            if process is None:
                continue
            code = await process.stop()
            if code not in (0, -15):
                print(f"{process.name} exited with {code}:\n{process.tail()}", file=sys.stderr)


async def run_sender(
    api: LocalBotApi, engine: AsyncEngine, database: str, sizes: Sizes, report_opened: int
) -> SenderRun:
    """A backlog of reporters' milestone notices (copies of ones already sent), then the sender alone. The
    copies go to the people with an open conversation, one each while they last, so that the global rate and
    not the per-chat interval is what the sender must hold."""
    account = api.world.find_bot(OUR_TOKEN)
    sessions = session_factory(engine)
    async with sessions.begin() as session:
        sent = list(
            await session.scalars(
                select(models.OutboxMessage)
                .where(models.OutboxMessage.kind == NoticeKind.REPORTER_UPDATE)
                .order_by(models.OutboxMessage.id)
            )
        )
        sent = [row for row in sent if row.payload.get("trigger") in (T.FORWARD, T.ACCEPT)]
        now = models.utcnow()
        for index in range(sizes.notifications):
            model = sent[index % len(sent)]
            session.add(
                models.OutboxMessage(
                    chat_id=OPEN_IDS + index if index < report_opened else model.chat_id,
                    kind=model.kind,
                    complaint_id=model.complaint_id,
                    complaint_version=model.complaint_version,
                    payload=model.payload,
                    next_attempt_at=now,
                    status=OutboxStatus.PENDING,
                    dedupe_key=f"bench:{index}",
                )
            )
    workdir = Path(tempfile.mkdtemp(prefix="bench-sender-"))
    env = {**our_bot_env(api, database), "SENDER_GLOBAL_RATE": str(sizes.sender_rate)}
    env.pop("SENDER_PER_CHAT_INTERVAL")
    api.log.clear()
    since = 0
    child = await spawn("sender", ["-m", "bot", "sender"], workdir, env)
    try:
        deadline = time.monotonic() + sizes.notifications / sizes.sender_rate * 2 + START_TIMEOUT_S
        while len(times := answers_since(api, account, since)) < sizes.notifications:
            if child.process.returncode is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the sender sent {len(times)} of {sizes.notifications}:\n{child.tail()}")
            await asyncio.sleep(0.1)
    finally:
        await child.stop()
    times.sort()
    achieved = (len(times) - 1) / (times[-1] - times[0]) if len(times) > 1 else 0.0
    return SenderRun(sizes.sender_rate, len(times), achieved)


async def run(sizes: Sizes, out: Callable[[str], None] = print) -> Report:
    report = Report(sizes, load_before=loadavg())
    began = time.monotonic()
    api = local_server()
    await api.start()
    workdir = Path(tempfile.mkdtemp(prefix="bench-echo-"))
    try:
        out(f"local Bot API at {api.base_url}, flood control off; load average {report.load_before}")
        for name, module, token, count in (
            ("aiogram echo", "bench.echo_aiogram", AIOGRAM_TOKEN, sizes.echo_updates),
            ("python-telegram-bot echo", "bench.echo_ptb", PTB_TOKEN, sizes.ptb_updates),
        )[: 2 if sizes.echo else 0]:
            report.echoes.append(await run_echo(api, name, module, token, count, sizes.echo_single, workdir))
            out(f"  {name}: done ({time.monotonic() - began:.0f}s)")
        async with postgres_database() as database:
            engine = create_engine(database)
            try:
                await migrate(engine)
                for name, token, options in (
                    ("aiogram echo + update marks", MARKS_TOKEN, ("--database", database)),
                    (
                        DURABLE_FLOOR,
                        CONVERSATION_TOKEN,
                        ("--database", database, "--conversation"),
                    ),
                )[: 2 if sizes.durable else 0]:
                    report.echoes.append(
                        await run_echo(
                            api,
                            name,
                            "bench.echo_durable",
                            token,
                            sizes.durable_updates,
                            sizes.echo_single,
                            workdir,
                            options,
                        )
                    )
                    out(f"  {name}: done ({time.monotonic() - began:.0f}s)")
                await run_ours(api, engine, database, sizes, report)
                out(f"  our bot: done ({time.monotonic() - began:.0f}s)")
                report.sender = await run_sender(api, engine, database, sizes, report.opened_via_bot)
                out(f"  sender: done ({time.monotonic() - began:.0f}s)")
            finally:
                await engine.dispose()
    finally:
        await api.stop()
    report.load_after = loadavg()
    return report


# -- printing ------------------------------------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def render(report: Report) -> str:
    lines = [
        "",
        f"machine: {os.cpu_count()} cores, {_cpu_model()}, Python {sys.version.split()[0]}; "
        f"load average before {report.load_before}, after {report.load_after}",
        "",
        f"{'run':<44} {'updates/s':>10} {'compl./s':>9} {'p50 ms':>8} {'p99 ms':>8}  CPU (share of one core)",
    ]
    for echo in report.echoes:
        lines.append(_row(f"{echo.name}, 1 in flight ({report.sizes.echo_single})", None, echo.single, ""))
        lines.append(
            _row(f"{echo.name}, drain {echo.drain.updates}", echo.drain, echo.drain.latencies, echo.drain.cpu)
        )
    for phase in report.ours:
        label = f"ours, {phase.name}" + (
            f" ({phase.complaints} compl.)" if phase.complaints else f" ({phase.updates})"
        )
        lines.append(_row(label, phase, phase.latencies, phase.cpu, complaints=bool(phase.complaints)))
    lines.append("")
    per_update = [f"{echo.name} {echo.drain.cpu_ms_per_update:.2f} ms" for echo in report.echoes]
    per_update += [f"ours {phase.name} {phase.cpu_ms_per_update:.1f} ms" for phase in report.ours]
    lines.append("bot CPU per update (independent of the machine's load): " + ", ".join(per_update))
    lines.append(
        "ours: polling, PostgreSQL, "
        + (
            "the outbox sender in a process of its own (CPU above is bot + sender)"
            if report.sizes.sender_apart
            else "the outbox sender inside the bot's process"
        )
    )
    lines.append(
        "PostgreSQL per update of ours, transactions / connections opened: "
        + ", ".join(
            f"{phase.name} {phase.transactions / max(phase.updates, 1):.1f} / "
            f"{phase.connections / max(phase.updates, 1):.2f}"
            for phase in report.ours
        )
        + f" (each phase counts {report.sizes.stats_settle_s:.1f} s of the bot idle after it, waiting"
        + " for PostgreSQL's statistics)"
    )
    rss = [f"{echo.name} {echo.peak_rss_mb:.0f} MB" for echo in report.echoes]
    rss.append(
        f"ours {report.our_peak_rss_mb:.0f} MB (now {report.open_rss_mb:.0f} MB with "
        f"{report.open_conversations} conversations open, {report.opened_via_bot} of them through the bot)"
    )
    lines.append("peak RSS (VmHWM): " + ", ".join(rss))
    saturated = report.phase("saturated")
    for echo in report.echoes:
        lines.append(
            f"ours saturated / {echo.name} drain: {saturated.updates_per_s / echo.drain.updates_per_s:.0%}"
        )
    if report.sender:
        lines.append(
            f"sender: {report.sender.sent} notifications at {report.sender.configured:g}/s configured, "
            f"{report.sender.achieved:.2f}/s achieved ({report.sender.deviation:.1%} off)"
        )
    completed = len(report.numbers) - len(report.unfinished)
    lines.append(f"complaints filed {len(report.numbers)}, through all seven steps {completed}")
    aiogram = next((echo for echo in report.echoes if echo.name == "aiogram echo"), None)
    floor = next((echo for echo in report.echoes if echo.name == DURABLE_FLOOR), None)
    single = report.phase("one at a time")
    half = report.phase("half of saturation")
    lines += ["", "targets:"]
    transactions = max(
        phase.transactions / max(phase.updates, 1) for phase in report.ours if phase.name in WORKFLOW_PHASES
    )
    lines.append(
        f"  PostgreSQL transactions per update of ours <= 3 (the most of {', '.join(WORKFLOW_PHASES)}): "
        f"{transactions:.1f} {verdict(transactions <= 3)}"
    )
    if floor is not None:
        cpu = saturated.cpu_ms_per_update / floor.drain.cpu_ms_per_update
        drain = saturated.updates_per_s / floor.drain.updates_per_s
        p50 = single.latencies.p50_ms / floor.single.p50_ms
        with_sender = "bot + sender" if report.sizes.sender_apart else "sender inside"
        lines += [
            f"  bot CPU per update ({with_sender}) <= 2x the durable floor's: "
            f"{saturated.cpu_ms_per_update:.1f} ms / {floor.drain.cpu_ms_per_update:.2f} ms = {cpu:.1f}x "
            f"{verdict(cpu <= 2)}",
            f"  ours saturated >= 50% of the durable floor's drain: {saturated.updates_per_s:.0f} / "
            f"{floor.drain.updates_per_s:.0f} updates/s = {drain:.0%} {verdict(drain >= 0.5)}",
            f"  one update in flight, p50 <= 1.5x the durable floor's: {single.latencies.p50_ms:.1f} ms / "
            f"{floor.single.p50_ms:.1f} ms = {p50:.1f}x {verdict(p50 <= 1.5)}",
        ]
    if aiogram is not None:
        share = saturated.updates_per_s / aiogram.drain.updates_per_s
        rss_share = report.our_peak_rss_mb / aiogram.peak_rss_mb
        lines.append(
            f"  ours on PostgreSQL >= 50% of the aiogram echo floor: {share:.0%} {verdict(share >= 0.5)}"
        )
    lines += [
        f"  one update in flight, p99 <= 10 ms: {single.latencies.p99_ms:.1f} ms "
        f"{verdict(single.latencies.p99_ms <= 10)}",
        f"  half of saturation ({half.updates_per_s:.0f} updates/s), p99 <= 100 ms: "
        f"{half.latencies.p99_ms:.1f} ms {verdict(half.latencies.p99_ms <= 100)}",
    ]
    if aiogram is not None:
        lines.append(
            f"  peak RSS <= 1.3x aiogram echo's with {report.open_conversations} conversations open: "
            f"{rss_share:.2f}x {verdict(rss_share <= 1.3)}"
        )
    if report.sender:
        lines.append(
            f"  sender within 5% of its configured rate: {report.sender.deviation:.1%} "
            f"{verdict(report.sender.deviation <= 0.05)}"
        )
    if report.profile:
        profile = report.profile
        lines += [
            "",
            f"profile of our bot, saturated (py-spy, {profile.samples} samples; {report.profile_path}):",
        ]
        lines.append(
            "  where the time went: "
            + ", ".join(f"{name} {count / profile.samples:.0%}" for name, count in profile.areas)
        )
        lines.append("  our functions on the stack (share of samples):")
        lines += [f"    {count / profile.samples:5.1%}  {frame}" for frame, count in profile.within]
        lines.append("  running when sampled:")
        lines += [f"    {count / profile.samples:5.1%}  {frame}" for frame, count in profile.own]
    return "\n".join(lines)


def _row(label: str, phase: Phase | None, latencies: Latencies, cpu: str, complaints: bool = False) -> str:
    rate = f"{phase.updates_per_s:10.0f}" if phase else f"{'':>10}"
    done = f"{phase.complaints_per_s:9.2f}" if phase and complaints else f"{'':>9}"
    return f"{label:<44} {rate} {done} {latencies.p50_ms:8.1f} {latencies.p99_ms:8.1f}  {cpu}"


def _cpu_model() -> str:
    with contextlib.suppress(OSError), open("/proc/cpuinfo") as info:
        for line in info:
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return "unknown CPU"


def _arguments() -> Sizes:
    defaults = Sizes()
    parser = argparse.ArgumentParser(
        prog="python -m bench.throughput",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    for item in fields(Sizes):
        option = "--" + item.name.replace("_", "-")
        if item.type == "bool" or isinstance(getattr(defaults, item.name), bool):
            if getattr(defaults, item.name):
                parser.add_argument(f"--no-{option[2:]}", dest=item.name, action="store_false")
            else:
                parser.add_argument(option, dest=item.name, action="store_true")
        else:
            kind = type(getattr(defaults, item.name))
            parser.add_argument(option, type=kind, default=getattr(defaults, item.name))
    return Sizes(**vars(parser.parse_args()))


def main() -> None:
    sizes = _arguments()
    report = asyncio.run(run(sizes))
    print(render(report), flush=True)
    if report.unfinished:
        print(f"NOT through all seven steps: {report.unfinished}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
