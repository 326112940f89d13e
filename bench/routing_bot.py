"""`python -m bench.routing --through-bot`: the routing figures read from the real bot's pickers.

The bot runs as in the e2e tests (tests/e2e: the real dispatcher, polling the local Bot API server, a SQLite
database migrated and loaded with the example registry). Each complaint of the set, in the seeded order, is
filed (ComplaintService.submit, as the filing conversation ends) and disposed to Kota Pekalongan; the city's
admin, a simulated Telegram user, opens its card from /antrian and presses "Teruskan ke OPD". The picker's
order is read as the admin sees it: the suggested targets in the order the message gives their whys ("•
… → DPUPR"; "Pemprov (kembalikan)" is the province's return), then the other buttons offered first. A test
complaint is scored on that order before its label is used. Then the admin sends every complaint where it
belongs, in the picker (the suggestion pressed when right, the right agency found in the list when not) or,
for a province matter, through the card's return with a reason — so the office's history grows by its own
presses, as it would. Unlike the pure mode, no agency sends anything back here: the admin corrects a wrong
suggestion in the picker before sending.
"""

from __future__ import annotations

import re
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.routing import CITY, REGISTRY, Labelled
from bot.app.settings import Mode
from bot.dev.local_api import ChatMessage, LocalBotApi, ServerConfig
from storage.complaints import ComplaintService
from storage.database import create_engine, migrate, session_factory
from storage.directory import Directory
from storage.registry import import_organisations
from tests.conftest import START, FakeClock, World, draft_for
from tests.e2e.admin_desk import Desk
from tests.e2e.conftest import TEST_RATE_LIMITS, TOKEN, RunningBot
from workflow.actors import Organisation, OrgKind, Role
from workflow.calendar import WorkingCalendar
from workflow.definitions import T
from workflow.identity import Identity
from workflow.suggestions import RETURN_TO_PROVINCE

WHY = re.compile(r"^• .* → (?P<label>.+?)(?: \(dikembalikan \d+×\))?$")
PROVINCE_REASON = "Kewenangan Pemerintah Provinsi (SMA/SMK, jalan provinsi, pajak kendaraan)."


@dataclass(frozen=True)
class BotFigures:
    train: int
    test: int
    top1: float
    top3: float
    picker_p50_ms: float
    picker_p99_ms: float
    seconds: float


async def _world(directory: Directory, complaints: ComplaintService, clock: FakeClock) -> World:
    sessions = directory.sessions
    await import_organisations(sessions, REGISTRY.read_text(encoding="utf-8"))
    orgs: dict[str, Organisation] = {}
    for code in ("JATENG", CITY):
        org = await directory.organisation_by_code(code)
        assert org is not None
        orgs[code] = org
    admins = {
        "province": await directory.add_admin(
            telegram_id=1001, role=Role.PROVINCE, org_code="JATENG", full_name="Admin Provinsi"
        ),
        "city": await directory.add_admin(
            telegram_id=2001, role=Role.CITY, org_code=CITY, full_name="Admin Kota"
        ),
    }
    reporter = await directory.save_reporter(
        telegram_id=9001,
        identity=Identity("Rina Marlina", "3375014507900002", "+6281234567801", "Jl. Sriwijaya No. 12"),
    )
    return World(clock, directory, complaints, orgs, admins, reporter)


def picker_order(desk: Desk, picker: ChatMessage, by_label: dict[str, str]) -> list[str]:
    """The targets as the admin reads them: the suggested ones (their whys, in order), then the buttons."""
    order: list[str] = []
    province = desk.said_plain("admin.pick.why.province")
    for line in (picker.text or "").splitlines():
        found = WHY.match(line.strip())
        if found is None:
            continue
        label = found["label"]
        code = RETURN_TO_PROVINCE if label == province else by_label.get(label)
        if code is not None and code not in order:
            order.append(code)
    yes = desk.said_plain("admin.btn.send_to", org="\0").split("\0")
    for text in picker.button_texts:
        label = text[len(yes[0]) : len(text) - len(yes[1])] if text.startswith(yes[0]) else text
        code = by_label.get(label)
        if code is not None and code not in order:
            order.append(code)
    return order


def routable(items: Sequence[Labelled], codes: set[str]) -> list[Labelled]:
    """The complaints the registry can route: to an active agency of the city, or back to the province."""
    return [item for item in items if item.route in codes or item.route == RETURN_TO_PROVINCE]


async def run_through_bot(train: Sequence[Labelled], test: Sequence[Labelled]) -> BotFigures:
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="laporgub-routing-") as folder:
        engine = create_engine(f"sqlite+aiosqlite:///{Path(folder) / 'routing.sqlite3'}")
        await migrate(engine)
        sessions = session_factory(engine)
        clock = FakeClock(START)
        directory = Directory(sessions)
        complaints = ComplaintService(sessions, WorkingCalendar(), clock=clock)
        world = await _world(directory, complaints, clock)
        city_org = world.orgs[CITY]
        agencies = await directory.targets(city_org.id, OrgKind.OPD)
        by_label = {org.label: org.code for org in agencies}
        by_code = {org.code: org for org in agencies}
        # The set labels a few complaints for the city's own Dinkominfo, which the registry retired as an
        # agency (it is the office itself): no picker offers it, so they are left out here.
        train, test = routable(train, set(by_code)), routable(test, set(by_code))
        config = ServerConfig.for_tests()
        config.rate_limits = TEST_RATE_LIMITS
        api = LocalBotApi(config)
        api.add_bot(TOKEN, "laporgub_routing_bot", "LaporGub")
        await api.start()
        bot = RunningBot(api, engine, world, Mode.POLLING)
        await bot.start()
        city = Desk(api, world, "city")
        back = city.said_plain("admin.btn.back")
        top1 = top3 = 0
        picker_ms: list[float] = []
        try:
            for n, item in enumerate([*train, *test]):
                draft = draft_for(
                    world.reporter,
                    subject=item.case.subject[:150],
                    chronology=item.case.chronology,
                    event_place=item.case.place,
                )
                filed = await complaints.submit(draft, world.reporter.as_actor())
                await complaints.fire(
                    filed.id,
                    world.actor("province"),
                    T.DISPOSE,
                    seen_version=filed.version,
                    target_org_id=city_org.id,
                )
                card = await city.open(filed.tracking_number)
                pressed = time.perf_counter()
                await city.press_action(card, T.FORWARD)
                picker = await city.settled(card, lambda m: back in m.button_texts)
                picker_ms.append((time.perf_counter() - pressed) * 1000)
                order = picker_order(city, picker, by_label)
                if n >= len(train):
                    top1 += order[:1] == [item.route]
                    top3 += item.route in order[:3]
                await _send_where_it_belongs(city, card, filed.tracking_number, item.route, by_code, back)
        finally:
            await bot.stop()
            await api.stop()
            await engine.dispose()
    total = len(test) or 1
    ordered = sorted(picker_ms)
    return BotFigures(
        train=len(train),
        test=len(test),
        top1=top1 / total,
        top3=top3 / total,
        picker_p50_ms=ordered[len(ordered) // 2] if ordered else 0.0,
        picker_p99_ms=ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))] if ordered else 0.0,
        seconds=time.perf_counter() - started,
    )


async def _send_where_it_belongs(
    city: Desk, card: ChatMessage, number: str, route: str, by_code: dict[str, Organisation], back: str
) -> None:
    if route == RETURN_TO_PROVINCE:
        # A province matter: back to the card, and its return with a reason.
        await city.press_text(card, back)
        await city.settled(card, lambda m: city.said_plain("admin.btn.return_to_province") in m.button_texts)
        confirmation = await city.give_reason(card, T.RETURN_TO_PROVINCE, PROVINCE_REASON)
        await city.confirm(confirmation)
        await city.done(card, T.RETURN_TO_PROVINCE)
        return
    target = by_code[route]
    await city.send_to(card, target.label)
    await city.done(card, T.FORWARD, target.name)
