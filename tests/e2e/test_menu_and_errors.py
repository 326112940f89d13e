"""The menu's information screens, and what people see (and logs keep) when something fails."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app.logs import LIBRARY_LEVELS, quiet_libraries
from bot.dev.local_api import LocalBotApi
from storage import models
from storage.complaints import ComplaintService
from storage.database import session_factory
from tests.conftest import World
from tests.e2e.chat import Reporter
from tests.e2e.conftest import RunningBot
from tests.e2e.scripts import Answers, answer_complaint, answer_identity, start_filing, submit
from workflow.actors import OrgKind

NIK = "3375014507900002"


async def test_contacts_show_the_offices_channels_and_the_service_entry_starts_a_service_complaint(
    running_bot: RunningBot, local_api: LocalBotApi
) -> None:
    person = Reporter(local_api.user(8101, "Lina"))
    await person.command("/start")
    menu = await person.expect_key("welcome")
    await person.press(menu, "btn.menu.contacts")
    contacts = await person.expect_starting("Dinas Komunikasi dan Informatika Kota Pekalongan")
    for channel in (
        "(0285) 421243",
        "(0285) 420223",
        "diskominfo@gafe.pekalongankota.go.id",
        "kominfo.pekalongankota.go.id",
        "@pkl.diskominfo",
        "0816644000",
        "Jl. Mataram No. 5",
    ):
        assert channel in (contacts.text or "")
    await person.press(menu, "btn.menu.service")
    await person.expect_key("service.intro")
    commands = local_api.world.find_bot().commands
    assert commands, "the command menu was registered at start-up"
    assert local_api.requests(ok=False) == []


async def test_a_domain_error_becomes_a_friendly_text_and_the_draft_survives(
    running_bot: RunningBot, local_api: LocalBotApi, clean_engine: AsyncEngine
) -> None:
    reporter = Reporter(local_api.user(8201, "Made", phone_number="6281234567898"))
    await start_filing(reporter)
    answers = Answers(photos=0, share_location=False)
    await answer_identity(reporter, answers)
    summary = await answer_complaint(reporter, answers)

    sessions = session_factory(clean_engine)
    province = update(models.Organisation).where(models.Organisation.kind == OrgKind.PROVINCE)
    async with sessions.begin() as session:
        await session.execute(province.values(active=False))
    await reporter.press(summary, "btn.submit")
    await reporter.expect_key("error.not_ready")

    async with sessions.begin() as session:
        await session.execute(province.values(active=True))
    await submit(reporter, summary)
    assert local_api.requests(ok=False) == []


async def test_an_unexpected_error_gets_an_apology_and_a_log_without_personal_data(
    running_bot: RunningBot,
    local_api: LocalBotApi,
    world: World,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def broken(self: ComplaintService, reporter_id: int, **_: object) -> list[object]:
        raise RuntimeError(f"database exploded while reading NIK {NIK}")

    person = Reporter(local_api.user(8301, "Wayan", phone_number="6281234567899"))
    for name in LIBRARY_LEVELS:
        monkeypatch.setattr(logging.getLogger(name), "level", logging.getLogger(name).level)
    quiet_libraries()  # as `python -m bot` configures them
    with caplog.at_level(logging.DEBUG):
        await start_filing(person)
        await answer_identity(person, Answers(nik=NIK, phone="081234567899"))
        await person.expect_prompt("subject", 5)
        await person.command("/cancel")
        await person.expect_key("cancel.done")
        monkeypatch.setattr(ComplaintService, "reporter_complaints", broken)
        rina = Reporter(local_api.user(world.reporter.telegram_id or 0, "Rina"))
        await rina.command("/my")
        apology = await rina.user.wait_for_message(lambda m: m.text == rina.said("error.unexpected"))
    assert apology is not None
    assert "RuntimeError" in caplog.text
    for personal in (NIK, "6281234567899", "081234567899", "Siti Aminah", world.reporter.nik):
        assert personal not in caplog.text
