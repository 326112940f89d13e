"""Log lines: UTC ISO times, JSON with the work's fields on request, library noise off, no secret."""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterator

import pytest
from aiogram import Bot, Dispatcher
from aiogram.types import Message, Update

from bot.app.logs import JsonFormatter, TextFormatter, configure_logging
from bot.updates.middlewares import LogFields
from storage import log_context
from tests.conftest import World, draft_for
from workflow.definitions import T

TOKEN = "7000001:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"


@pytest.fixture
def captured() -> Iterator[tuple[io.StringIO, logging.Handler]]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield stream, handler
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def test_text_lines_have_utc_iso_times_and_the_works_fields() -> None:
    record = logging.LogRecord("bot.x", logging.INFO, __file__, 1, "pressed %s", ("dispose",), None)
    record.created = 1_796_368_800.5  # 2026-12-04T07:20:00.500Z (14:20 WIB)
    record.msecs = 500
    with log_context.bound(update_id=42, complaint="LG-2026-000007"):
        line = TextFormatter().format(record)
    assert (
        line == "2026-12-04T07:20:00.500Z INFO bot.x: pressed dispose [update_id=42 complaint=LG-2026-000007]"
    )


def test_no_line_shows_a_token_or_the_webhook_secret() -> None:
    formatter = JsonFormatter(secrets=(TOKEN, "webhook-secret-xyz"))
    for message in (
        f"GET /bot{TOKEN}/getUpdates 200",
        f"POST /file/bot{TOKEN}/photos/file_1.jpg",
        "header X-Telegram-Bot-Api-Secret-Token: webhook-secret-xyz",
        "another bot 123456789:ABCdefGHIjklMNOpqrSTUvwxYZ012345678 in an exception",
    ):
        record = logging.LogRecord("aiohttp.access", logging.INFO, __file__, 1, message, (), None)
        line = formatter.format(record)
        assert "AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw" not in line
        assert "webhook-secret-xyz" not in line
        assert "ABCdefGHIjklMNOpqrSTUvwxYZ012345678" not in line
        json.loads(line)


def test_library_noise_is_off_by_default() -> None:
    configure_logging("INFO")
    try:
        for name in ("transitions", "transitions.core", "aiohttp.access", "alembic"):
            assert not logging.getLogger(name).isEnabledFor(logging.INFO), name
        assert logging.getLogger("bot").isEnabledFor(logging.INFO)
    finally:
        logging.getLogger().handlers.clear()


async def test_a_transition_logs_its_complaint_number_and_trigger_as_json(
    world: World, captured: tuple[io.StringIO, logging.Handler]
) -> None:
    stream, handler = captured
    handler.setFormatter(JsonFormatter())
    complaint = await world.complaints.submit(draft_for(world.reporter), world.reporter.as_actor())
    await world.complaints.fire(
        complaint.id,
        world.actor("province"),
        T.DISPOSE,
        seen_version=complaint.version,
        target_org_id=world.orgs["KOTA-PKL"].id,
    )
    entries = [json.loads(line) for line in stream.getvalue().splitlines()]
    transitions = [entry for entry in entries if entry["logger"] == "storage.complaints"]
    assert transitions, entries
    entry = transitions[-1]
    assert entry["complaint"] == complaint.tracking_number
    assert entry["trigger"] == str(T.DISPOSE)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", str(entry["time"]))


async def test_every_line_of_an_update_names_its_update_id(
    captured: tuple[io.StringIO, logging.Handler],
) -> None:
    stream, handler = captured
    handler.setFormatter(JsonFormatter())
    dispatcher = Dispatcher()
    dispatcher.update.outer_middleware(LogFields())

    @dispatcher.message()
    async def handle(message: Message) -> None:
        logging.getLogger("bot.test").info("handling")

    update = Update.model_validate(
        {
            "update_id": 987654,
            "message": {
                "message_id": 1,
                "date": 0,
                "chat": {"id": 5, "type": "private"},
                "from": {"id": 5, "is_bot": False, "first_name": "A"},
                "text": "hi",
            },
        }
    )
    bot = Bot("7000001:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw")
    try:
        await dispatcher.feed_update(bot, update)
    finally:
        await bot.session.close()
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert {"update_id": 987654, "message": "handling"}.items() <= next(
        line for line in lines if line["logger"] == "bot.test"
    ).items()
