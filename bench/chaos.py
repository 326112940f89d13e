"""Chaos: complaints taken through all seven steps by simulated reporters and admins while the bot and the
outbox sender are killed with SIGKILL and restarted, PostgreSQL is restarted once, and the Bot API answers a
fifth of the sender's requests with 500 or 429 and holds some past the sender's timeout. Then it checks
that nothing was lost or done twice, and prints what happened.

    .venv/bin/python -m bench.chaos                      # the default size (about 3 minutes)
    .venv/bin/python -m bench.chaos --complaints 20 --bot-kills 6 --sender-kills 6 --mode webhook

The bot (`python -m bot`, SENDER_IN_BOT=false) and the sender (`python -m bot sender`) run as processes of
their own, on a private PostgreSQL cluster (initdb in a temporary directory, port 55432 by default) that is
always stopped at the end. The local Bot API server runs in this process, with Telegram's limits (1 message/s
per chat with a burst of 3, 30/s per bot); each process generation talks to it under an address of its own,
so its journal says which process made every request.
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import json
import os
import random
import re
import shutil
import signal
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bench.chaos_people import AdminDesk, FilingReporter, Tally, from_db, until_state
from bench.chaos_postgres import PrivateCluster, private_cluster
from bench.chaos_server import ChaosServer, Origin, message_ids
from bot.app.settings import SENDER_REQUEST_TIMEOUT_S
from bot.dev.local_api import Faults, RateLimits, RequestRecord, ServerConfig, WebhookSettings
from storage import models
from storage.complaints import ComplaintService
from storage.database import create_engine, migrate, session_factory
from storage.directory import Directory
from storage.outbox.notifications import NoticeKind
from tests.e2e.notifications import outbox_rows, sent_ids
from workflow.actors import OrgKind, Role
from workflow.calendar import WorkingCalendar
from workflow.definitions import S, T

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "7000077:chaos-token"
DATABASE = "laporgub"
WEBHOOK_SECRET = "chaos-webhook-secret"
FAULTY = frozenset({"sendMessage", "sendPhoto", "sendDocument", "sendMediaGroup", "editMessageText"})
SENDER_ID = re.compile(r"outbox sender (sender-[0-9a-f]{12}) started")
FINISHED = re.compile(r"Update id=(\d+) is (?:not )?handled")
ALREADY_TAKEN = re.compile(r"update (\d+) delivered again: already taken, skipped")
READY_S = 90.0
RESTART_AFTER_S = 1.0
RESULT = "Lubang sudah ditambal dan jalan diaspal ulang."
# The seven steps after filing, by seat: each admin presses the action on the card the outbox brought.
STEPS = [
    ("province", T.DISPOSE, S.AT_CITY, "city"),
    ("city", T.FORWARD, S.AT_OPD, "opd"),
    ("opd", T.ACCEPT, S.IN_FOLLOW_UP, None),
    ("opd", T.SUBMIT_RESULT, S.RESULT_AT_CITY, None),
    ("city", T.CONFIRM_RESULT, S.RESULT_AT_PROVINCE, None),
    ("province", T.APPROVE, S.RESOLVED, None),
]


@dataclass(frozen=True)
class Plan:
    complaints: int = 6
    start_every: float = 4.0  # a new reporter starts filing every so many seconds
    bot_kills: int = 3
    sender_kills: int = 3
    restart_postgres: bool = True
    mode: str = "polling"
    error_share: float = 0.2  # of the sender's sends and edits: half 500, half 429
    delay_share: float = 0.03  # of them held past the sender's client timeout
    seed: int = 8
    port: int = 55432
    lease_seconds: float = 50.0  # SENDER_LEASE_SECONDS: a killed sender's rows are sent again after it
    keep: str | None = None  # a directory for the processes' logs and the server's journal (journal.jsonl)

    @property
    def load_seconds(self) -> float:
        """The stretch in which the kills fall: while complaints are being filed and worked on."""
        return self.complaints * self.start_every + 30.0


@dataclass
class Kill:
    origin: Origin
    at: float  # time.time(), as in the server's journal
    on_the_wire: int  # requests of the process the server was still serving
    claimed_rows: set[int] = field(default_factory=set)  # outbox rows it held (senders only)


@dataclass
class Generation:
    origin: Origin
    process: asyncio.subprocess.Process
    log_path: Path
    sender_id: str | None = None


class Processes:
    """The bot and the sender as `python -m bot` runs them, each restartable as a new generation."""

    def __init__(self, server: ChaosServer, cluster: PrivateCluster, plan: Plan, workdir: Path) -> None:
        self.server = server
        self.cluster = cluster
        self.plan = plan
        self.workdir = workdir
        self.current: dict[str, Generation] = {}
        self.generations: list[Generation] = []
        self.kills: list[Kill] = []
        self.webhook_port = _free_port()
        self._random = random.Random(plan.seed)
        self._logs: list[IO[bytes]] = []

    def _env(self, origin: Origin) -> dict[str, str]:
        env = {key: value for key, value in os.environ.items() if not key.startswith(("SENDER_", "WEBHOOK_"))}
        env.update(
            PYTHONPATH=str(ROOT),
            BOT_TOKEN=TOKEN,
            TELEGRAM_API_BASE=self.server.base_for(origin),
            DATABASE_URL=self.cluster.url_for(DATABASE),
            REDIS_URL="",
            SENDER_IN_BOT="false",
            SENDER_IDLE_POLL_SECONDS="0.2",
            SENDER_BACKOFF_BASE_SECONDS="0.5",
            SENDER_BACKOFF_MAX_SECONDS="4",
            SENDER_MAX_ATTEMPTS="40",
            SENDER_BATCH_SIZE="10",
            SENDER_LEASE_SECONDS=f"{self.plan.lease_seconds:g}",
            SCHEDULER_INTERVAL_SECONDS="30",
            LOG_LEVEL="INFO",
            MODE=self.plan.mode,
        )
        if self.plan.mode == "webhook":
            env.update(
                WEBHOOK_PUBLIC_URL=f"http://127.0.0.1:{self.webhook_port}",
                WEBHOOK_LISTEN_HOST="127.0.0.1",
                WEBHOOK_LISTEN_PORT=str(self.webhook_port),
                WEBHOOK_SECRET=WEBHOOK_SECRET,
            )
        return env

    async def start(self, role: str) -> Generation:
        origin = Origin(role, len([g for g in self.generations if g.origin.role == role]))
        log_path = self.workdir / f"{role}-{origin.generation}.log"
        log = log_path.open("wb")
        self._logs.append(log)
        args = ["sender"] if role == "sender" else []
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            *args,
            cwd=self.workdir,
            env=self._env(origin),
            stdout=log,
            stderr=log,
        )
        generation = Generation(origin, process, log_path)
        self.generations.append(generation)
        self.current[role] = generation
        await self._ready(generation)
        return generation

    async def _ready(self, generation: Generation) -> None:
        """Up once it has reached the Bot API (and, for a sender, said which sender it is)."""
        deadline = time.monotonic() + READY_S
        wanted = "getMe"
        while time.monotonic() < deadline:
            if generation.process.returncode is not None:
                raise RuntimeError(f"{generation.origin} exited: {generation.log_path.read_text()[-2000:]}")
            seen = any(
                self.server.log.origin_of(r) == generation.origin and r.method == wanted and r.ok
                for r in self.server.log.records[-500:]
            )
            if seen and generation.origin.role == "sender":
                found = SENDER_ID.search(generation.log_path.read_text(errors="replace"))
                generation.sender_id = found.group(1) if found else None
                seen = generation.sender_id is not None
            if seen:
                return
            await asyncio.sleep(0.1)
        raise TimeoutError(f"{generation.origin} not up after {READY_S:g}s: {generation.log_path}")

    async def kill(self, role: str, engine: AsyncEngine) -> Kill:
        """SIGKILL, note what it had on the wire and (a sender) which rows it held, and start the next one.
        The bot is killed just after a person acted, while it is most likely handling that update; the sender
        just after one of its messages was sent."""
        generation = self.current[role]
        if role == "bot":
            await self._someone_just_acted()
        else:
            # Right after Telegram answered a send, before the sender can record it: the row goes out again.
            await self.server.log.next_send_by(generation.origin, within=10.0)
        wire = self.server.on_the_wire(generation.origin)
        generation.process.send_signal(signal.SIGKILL)
        await generation.process.wait()
        kill = Kill(generation.origin, time.time(), len(wire))
        if role == "sender" and generation.sender_id:
            kill.claimed_rows = await claimed_by(engine, generation.sender_id)
        self.kills.append(kill)
        await asyncio.sleep(RESTART_AFTER_S)
        await self.start(role)
        return kill

    async def _someone_just_acted(self, within: float = 10.0) -> None:
        queue = self.server.api.world.find_bot(None).queue
        last = queue.next_id
        deadline = time.monotonic() + within
        while queue.next_id == last and time.monotonic() < deadline:  # noqa: ASYNC110 - watching the server
            await asyncio.sleep(0.005)
        await asyncio.sleep(self._random.uniform(0.02, 0.25))

    async def stop(self) -> None:
        for generation in self.current.values():
            if generation.process.returncode is None:
                generation.process.send_signal(signal.SIGTERM)
        for generation in self.current.values():
            try:
                await asyncio.wait_for(generation.process.wait(), timeout=30)
            except TimeoutError:
                generation.process.kill()
                await generation.process.wait()
        for log in self._logs:
            log.close()


async def claimed_by(engine: AsyncEngine, sender_id: str) -> set[int]:
    row = models.OutboxMessage

    async def read() -> set[int]:
        async with session_factory(engine)() as session:
            query = select(row.id).where(row.claimed_by == sender_id, row.status == "pending")
            return set(await session.scalars(query))

    found = await from_db(read)
    assert isinstance(found, set)
    return found


# -- the world ---------------------------------------------------------------------------------------------


@dataclass
class Cast:
    desks: dict[str, AdminDesk]
    targets: dict[str, str]  # seat → the organisation name a picker shows for it


async def seed(engine: AsyncEngine, server: ChaosServer, tally: Tally) -> Cast:
    """A province, one of its cities and an agency of that city; two province admins (the second sees its
    copy of each card retired), one city admin and one agency admin."""
    directory = Directory(session_factory(engine))
    tree = [
        ("JATENG", "Pemerintah Provinsi Jawa Tengah", OrgKind.PROVINCE, None),
        ("KOTA-PKL", "Dinkominfo Kota Pekalongan", OrgKind.CITY, "JATENG"),
        ("PKL-DPUPR", "Dinas Pekerjaan Umum dan Penataan Ruang Kota Pekalongan", OrgKind.OPD, "KOTA-PKL"),
    ]
    names = {}
    for code, name, kind, parent in tree:
        names[code] = (
            await directory.add_organisation(code=code, name=name, kind=kind, parent_code=parent)
        ).name
    seats = [
        ("province", 1001, Role.PROVINCE, "JATENG"),
        ("province2", 1002, Role.PROVINCE, "JATENG"),
        ("city", 2001, Role.CITY, "KOTA-PKL"),
        ("opd", 3001, Role.OPD, "PKL-DPUPR"),
    ]
    desks = {}
    for seat, telegram_id, role, org in seats:
        admin = await directory.add_admin(
            telegram_id=telegram_id, role=role, org_code=org, full_name=f"Admin {seat}"
        )
        desks[seat] = AdminDesk(server.api, admin, tally)
        await desks[seat].user.send_command("/start")  # a chat the bot may write to
    return Cast(desks, {"city": names["KOTA-PKL"], "opd": names["PKL-DPUPR"]})


async def journey(
    index: int, server: ChaosServer, cast: Cast, complaints: ComplaintService, tally: Tally
) -> None:
    """One reporter files; the admins take it through every step; the reporter acknowledges the result."""
    reporter = FilingReporter(server.api, 90000 + index, f"Pelapor {index}", tally, phone=f"62812{index:08d}")
    began = time.monotonic()
    marks: list[str] = []
    try:
        number = await reporter.file(index)
        if number is None:
            return
        marks.append(f"filed {time.monotonic() - began:.0f}s")
        await until_state(complaints, number, S.AT_PROVINCE)
        for seat, trigger, then, target in STEPS:
            marks.append(f"{trigger} {time.monotonic() - began:.0f}s")
            await cast.desks[seat].step(
                complaints,
                number,
                trigger,
                then,
                target=cast.targets[target] if target else None,
                result=RESULT if trigger == T.SUBMIT_RESULT else None,
            )
        marks.append(f"result {time.monotonic() - began:.0f}s")
        await reporter.acknowledge(number, complaints)
        print(
            f"  complaint {index} closed after {time.monotonic() - began:.0f}s: {', '.join(marks)}",
            flush=True,
        )
    except (TimeoutError, LookupError) as error:
        tally.abandoned.append(f"complaint {index}: {error} ({', '.join(marks)})")


async def chaos(processes: Processes, cluster: PrivateCluster, engine: AsyncEngine, plan: Plan) -> float:
    """The kills and the restart, spread over the load; returns how long PostgreSQL was away."""
    events: list[tuple[float, str]] = []
    for n in range(plan.bot_kills):
        events.append(((n + 0.5) / plan.bot_kills * plan.load_seconds, "bot"))
    for n in range(plan.sender_kills):
        events.append(((n + 0.8) / (plan.sender_kills + 0.3) * plan.load_seconds * 0.8, "sender"))
    if plan.restart_postgres:
        events.append((plan.load_seconds * 0.45, "postgres"))
    began = time.monotonic()
    away = 0.0
    for at, what in sorted(events):
        await asyncio.sleep(max(0.0, began + at - time.monotonic()))
        if what == "postgres":
            away = await asyncio.to_thread(cluster.restart)
            print(f"  {time.monotonic() - began:5.1f}s PostgreSQL restarted ({away:.1f}s away)", flush=True)
        else:
            kill = await processes.kill(what, engine)
            held = f", {len(kill.claimed_rows)} outbox rows claimed" if what == "sender" else ""
            print(
                f"  {time.monotonic() - began:5.1f}s kill -9 {what} #{kill.origin.generation}: "
                f"{kill.on_the_wire} requests on the wire{held}; restarted",
                flush=True,
            )
    return away


# -- what must hold afterwards -------------------------------------------------------------------------------


@dataclass
class Findings:
    lines: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def say(self, line: str) -> None:
        self.lines.append(line)
        print(line, flush=True)

    def check(self, ok: bool, failure: str) -> None:
        if not ok:
            self.failures.append(failure)
            print(f"FAILED: {failure}", flush=True)


async def verify(
    engine: AsyncEngine, server: ChaosServer, processes: Processes, tally: Tally, findings: Findings
) -> None:
    sessions = session_factory(engine)
    async with sessions() as session:
        complaints = list(await session.scalars(select(models.Complaint).order_by(models.Complaint.id)))
        events = list(await session.scalars(select(models.ComplaintEvent).order_by(models.ComplaintEvent.id)))
        reporters = dict(
            (await session.execute(select(models.Reporter.id, models.Reporter.telegram_id))).all()
        )
        marks = await session.scalar(select(func.count()).select_from(models.ProcessedUpdate))

    # Every complaint whose number a reporter received exists exactly once, and is theirs.
    by_reporter = Counter(reporters.get(c.reporter_id) for c in complaints)
    by_number = {c.tracking_number: c for c in complaints}
    for telegram_id, number in tally.numbers.items():
        findings.check(number in by_number, f"{number} (reporter {telegram_id}) is not in the database")
        findings.check(
            by_reporter[telegram_id] == 1, f"reporter {telegram_id} has {by_reporter[telegram_id]}"
        )
    findings.say(
        f"complaints: {len(tally.numbers)} numbers received, {len(complaints)} in the database, "
        f"{tally.closed} closed by their reporter; {len(tally.abandoned)} abandoned"
    )

    # Every transition happened once: one event per version, no trigger twice on one complaint.
    triggers: dict[int, list[str]] = {}
    versions: dict[int, list[int]] = {}
    for event in events:
        triggers.setdefault(event.complaint_id, []).append(event.trigger)
        versions.setdefault(event.complaint_id, []).append(event.version)
    for complaint in complaints:
        done = triggers.get(complaint.id, [])
        findings.check(
            versions.get(complaint.id) == list(range(1, complaint.version + 1)),
            f"{complaint.tracking_number}: versions {versions.get(complaint.id)} for v{complaint.version}",
        )
        repeated = [name for name, count in Counter(done).items() if count > 1]
        findings.check(not repeated, f"{complaint.tracking_number}: {repeated} happened more than once")
    closed = [c for c in complaints if c.state == S.CLOSED]
    sample = triggers.get(closed[0].id, []) if closed else []
    findings.say(f"transitions: {len(events)} events, each once; a closed complaint's: {' → '.join(sample)}")

    # Every outbox row delivered, in order per chat; doubles only of rows a killed sender held.
    rows = await outbox_rows(engine)
    statuses = Counter(row.status for row in rows)
    findings.check(set(statuses) <= {"sent"}, f"outbox rows not delivered: {dict(statuses)}")
    sender_sends = [
        r
        for r in server.sends()
        if server.log.origin_of(r).role == "sender" and not r.method.startswith("edit")
    ]
    killed = {kill.origin: kill for kill in processes.kills}
    doubled: list[tuple[int, str]] = []
    for chat in sorted({row.chat_id for row in rows}):
        expected = sent_ids(rows, chat)
        records = [r for r in sender_sends if r.chat_id == chat]
        received = [(message_id, r) for r in records for message_id in message_ids(r)]
        in_order = [message_id for message_id, _ in received if message_id in expected]
        findings.check(in_order == expected, f"chat {chat}: delivered {in_order}, the outbox says {expected}")
        for message_id, record in received:
            if message_id in expected:
                continue
            origin = server.log.origin_of(record)
            kill = killed.get(origin)
            held = kill is not None and any(
                row.id in kill.claimed_rows and row.chat_id == chat for row in rows
            )
            findings.check(
                held and record.time <= kill.at if kill else False,
                f"chat {chat}: message {message_id} ({record.method} by {origin}) arrived twice, "
                "but no killed sender held a row of that chat",
            )
            doubled.append((chat, record.method))
    handled = [row for row in rows if row.kind == NoticeKind.CARD_HANDLED and row.telegram_message_id]
    edits = {
        (r.chat_id, r.params.get("message_id"))
        for r in server.log.records
        if r.method == "editMessageText" and (r.ok or "not modified" in (r.description or ""))
    }
    missing = [
        row.id
        for row in handled
        if (row.chat_id, str(row.telegram_message_id)) not in edits
        and (row.chat_id, row.telegram_message_id) not in edits
    ]
    findings.check(not missing, f"card-handled rows whose edit never reached Telegram: {missing}")
    held_total = sum(len(kill.claimed_rows) for kill in processes.kills)
    findings.say(
        f"outbox: {len(rows)} rows, all sent ({sum(1 for r in rows if r.telegram_message_id is None)} had "
        f"nothing left to send), {sum(r.attempts - 1 for r in rows if r.attempts)} retries; in order in "
        "every "
        f"chat; {len(doubled)} messages arrived twice, all from rows a killed sender held "
        f"({held_total} rows held at the kills)"
    )

    # No rate exceeded: the server refuses what would exceed it, so a refusal it did not inject is the proof.
    records = server.records()
    injected = [r for r in records if r.fault]
    flood = [r for r in records if r.status == 429 and not r.fault]
    timed_out = [f for f in server.abandoned if f.origin.role == "sender" and f.origin not in killed]
    by_origin = Counter(server.log.origin_of(r).role for r in flood)
    # The sender paces itself; the bot's direct replies (a pressed card edited, an answer) share a chat's
    # burst with it, and only those may have pushed a send of the sender over. Its own pace never may.
    bot_sends = [r for r in server.sends() if server.log.origin_of(r).role == "bot"]
    crowded = [
        r
        for r in flood
        if server.log.origin_of(r).role == "sender"
        and any(b.chat_id == r.chat_id and r.time - 3.0 <= b.time <= r.time for b in bot_sends)
    ]
    findings.check(
        by_origin.get("sender", 0) == len(crowded),
        f"the sender went over Telegram's rates by itself {by_origin.get('sender', 0) - len(crowded)} times",
    )
    counted = [r for r in server.sends() if server.log.origin_of(r).role == "sender"]
    chats = {r.chat_id for r in counted}
    fired = {r.status for r in injected}
    findings.check(
        {500, 429} <= fired and bool(timed_out), f"faults did not all fire: {fired}, {len(timed_out)} held"
    )
    findings.say(
        f"faults injected into the sender's requests: {Counter(str(r.fault) for r in injected).most_common()}"
        " "
        f"and {len(timed_out)} held past its timeout; "
        f"refused by flood control: {dict(by_origin) or 'none'} (the sender's all in a chat the bot had just "
        f"written to: {len(crowded)}); the sender's busiest second: "
        f"{busiest(counted)} requests in all (limit 30), "
        f"{max((busiest([r for r in counted if r.chat_id == c]) for c in chats), default=0)}"
        " in one chat (limit 1/s, burst 3)"
    )

    # Updates: every one the people sent was handled to its end by some bot process. aiogram logs each update
    # it finishes ("Update id=N is handled"); a process killed in the middle of one never does, and a process
    # that skips a redelivery as already taken does not count as finishing it.
    queue = server.api.world.find_bot(None).queue
    finished: set[int] = set()
    skipped = 0
    for generation in processes.generations:
        if generation.origin.role != "bot":
            continue
        log = generation.log_path.read_text(errors="replace")
        taken_before = {int(n) for n in ALREADY_TAKEN.findall(log)}
        skipped += len(taken_before)
        finished |= {int(n) for n in FINISHED.findall(log)} - taken_before
    lost = sorted(set(range(1, queue.next_id)) - finished)
    findings.check(not lost, f"updates never handled to their end by any bot process: {lost}")
    findings.say(
        f"updates: {queue.next_id - 1} sent by people, {len(finished)} handled to their end, {skipped} "
        f"redeliveries skipped as already taken, lost: {lost or 'none'}"
    )
    findings.check(
        not queue.pending or processes.plan.mode == "polling", f"{len(queue.pending)} updates unconfirmed"
    )
    findings.say(
        f"people: {tally.repeats} actions done again after the bot said nothing, {tally.apologies} apologies;"
        " "
        f"{marks} updates marked taken in the database"
    )
    findings.check(not tally.abandoned, f"abandoned: {tally.abandoned}")


def busiest(records: list[RequestRecord]) -> int:
    """The most requests that arrived within any one second."""
    arrivals = sorted(r.time - r.duration for r in records)
    return max((bisect.bisect_left(arrivals, at + 1.0) - i for i, at in enumerate(arrivals)), default=0)


# -- the run -------------------------------------------------------------------------------------------------


def server_config(plan: Plan) -> ServerConfig:
    half = plan.error_share / 2
    return ServerConfig(
        rate_limits=RateLimits(),  # Telegram's: 1/s per chat (burst 3), 30/s per bot
        faults=Faults(
            error_500_share=half,
            error_429_share=half,
            retry_after=1,
            delay_share=plan.delay_share,
            delay_seconds=SENDER_REQUEST_TIMEOUT_S + 2,
            methods=FAULTY,
            seed=plan.seed,
            origins=frozenset({"sender"}),
        ),
        webhook=WebhookSettings(retry_initial=0.2, retry_max=2.0, request_timeout=30.0),
    )


async def run(plan: Plan) -> Findings:
    findings = Findings()
    began = time.monotonic()
    with (
        tempfile.TemporaryDirectory(prefix="laporgub-chaos-") as workdir,
        private_cluster(plan.port) as cluster,
    ):
        await _create_database(cluster)
        engine = create_engine(cluster.url_for(DATABASE), pool_pre_ping=True)
        server = ChaosServer.create(server_config(plan))
        server.api.add_bot(TOKEN, "laporgub_chaos_bot", "LaporGub")
        await server.start()
        processes = Processes(server, cluster, plan, Path(workdir))
        tally = Tally()
        try:
            await migrate(engine)
            cast = await seed(engine, server, tally)
            await asyncio.gather(processes.start("bot"), processes.start("sender"))
            print(f"chaos: {plan}; up after {time.monotonic() - began:.1f}s", flush=True)
            complaints = ComplaintService(session_factory(engine), WorkingCalendar())
            load = time.monotonic()

            async def staggered(index: int) -> None:
                await asyncio.sleep(index * plan.start_every)
                await journey(index, server, cast, complaints, tally)

            people = asyncio.gather(*(staggered(i) for i in range(plan.complaints)))
            away = await chaos(processes, cluster, engine, plan)
            await people
            await drained(engine)
            findings.say(f"load: {time.monotonic() - load:.1f}s for {plan.complaints} complaints")
            await processes.stop()
            kills = Counter(kill.origin.role for kill in processes.kills)
            findings.say(
                f"chaos: bot killed {kills['bot']}x, sender killed {kills['sender']}x (kill -9, restarted), "
                f"PostgreSQL restarted {int(plan.restart_postgres)}x ({away:.1f}s away), mode {plan.mode}"
            )
            await verify(engine, server, processes, tally, findings)
        finally:
            if plan.keep:
                keep_records(Path(plan.keep), Path(workdir), server)
            await processes.stop()
            await server.stop()
            await engine.dispose()
    findings.say(f"chaos run: {time.monotonic() - began:.0f}s in all; load average {_loadavg()}")
    return findings


def keep_records(keep: Path, workdir: Path, server: ChaosServer) -> None:
    keep.mkdir(parents=True, exist_ok=True)
    for log in workdir.glob("*.log"):
        shutil.copy(log, keep / log.name)
    with (keep / "journal.jsonl").open("w") as out:
        for record in server.records():
            origin = server.log.origin_of(record)
            line = {**record.to_json(), "origin": f"{origin.role}-{origin.generation}"}
            out.write(json.dumps(line, default=str) + "\n")


async def drained(engine: AsyncEngine, within: float = 120.0) -> None:
    row = models.OutboxMessage
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        async with session_factory(engine)() as session:
            pending = await session.scalar(
                select(func.count()).select_from(row).where(row.status == "pending")
            )
        if not pending:
            return
        await asyncio.sleep(0.5)


async def _create_database(cluster: PrivateCluster) -> None:
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    admin = create_async_engine(cluster.url, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as connection:
            await connection.execute(text(f'CREATE DATABASE "{DATABASE}"'))
    finally:
        await admin.dispose()


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    defaults = Plan()
    parser.add_argument("--complaints", type=int, default=defaults.complaints)
    parser.add_argument("--start-every", type=float, default=defaults.start_every)
    parser.add_argument("--bot-kills", type=int, default=defaults.bot_kills)
    parser.add_argument("--sender-kills", type=int, default=defaults.sender_kills)
    parser.add_argument("--no-postgres-restart", action="store_true")
    parser.add_argument("--mode", choices=("polling", "webhook"), default=defaults.mode)
    parser.add_argument("--port", type=int, default=defaults.port)
    parser.add_argument("--seed", type=int, default=defaults.seed)
    parser.add_argument("--keep", help="a directory to keep the processes' logs and the server's journal in")
    args = parser.parse_args(argv)
    plan = Plan(
        complaints=args.complaints,
        start_every=args.start_every,
        bot_kills=args.bot_kills,
        sender_kills=args.sender_kills,
        restart_postgres=not args.no_postgres_restart,
        mode=args.mode,
        port=args.port,
        seed=args.seed,
        keep=args.keep,
    )
    findings = asyncio.run(run(plan))
    if findings.failures:
        print(f"{len(findings.failures)} checks FAILED", file=sys.stderr)
        return 1
    print("every check held")
    return 0


if __name__ == "__main__":
    sys.exit(main())
