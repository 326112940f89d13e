"""The sandbox without a browser: one origin serving the page, the simulation, the bot and the demo data."""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.app.startup import StartupProblem
from bot.dev.sandbox import Sandbox
from bot.dev.sandbox.personas import ADMINS, REPORTER, REPORTER_IDENTITY
from bot.ui.texts import texts_for
from storage.database import session_factory
from storage.directory import Directory
from tests.e2e.chat import visible
from tests.sandbox.conftest import WAIT_S
from workflow.actors import OrgKind
from workflow.calendar import WIB, to_wib

ID = texts_for("id")


async def answer(response: aiohttp.ClientResponse) -> Any:
    body = await response.json()
    assert body["ok"], body
    return body["result"]


async def test_it_starts_with_no_token_and_serves_the_page_under_a_strict_policy(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    assert sandbox.settings.bot_token is None
    async with http.get(sandbox.url) as page:
        assert page.status == 200
        assert page.content_type == "text/html"
        assert "default-src 'self'" in page.headers["Content-Security-Policy"]
        html = await page.text()
    assert '<script type="module" src="/static/app.js">' in html
    assert "<script>" not in html, "no inline script: the policy would refuse it"
    for asset in ("app.js", "chat.js", "format.js", "clock.js", "api.js", "style.css"):
        async with http.get(f"{sandbox.url}static/{asset}") as response:
            assert response.status == 200, asset
            assert "default-src 'self'" in response.headers["Content-Security-Policy"]


async def test_the_simulation_answers_on_the_same_origin(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    async with http.get(f"{sandbox.url}sim/bots") as bots:
        [bot] = await answer(bots)
    assert bot["is_bot"] is True
    async with http.get(f"{sandbox.url}sim/users") as users:
        known = {user["id"] for user in await answer(users)}
    assert {persona.telegram_id for persona in sandbox.cast.personas} <= known


async def test_a_reporter_sends_start_and_sees_the_welcome_with_the_menu(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    user = f"{sandbox.url}sim/users/{REPORTER.telegram_id}"
    async with http.post(f"{user}/send", json={"type": "command", "command": "/start"}) as sent:
        assert (await answer(sent))["text"] == "/start"
    chat = await poll_until(http, user, lambda chat: len(chat["messages"]) >= 2)
    welcome = chat["messages"][1]
    assert welcome["sender"] == "bot"
    assert welcome["text"] == visible(ID("welcome"))
    labels = [button["text"] for row in welcome["inline_keyboard"] for button in row]
    assert labels[0] == ID.plain("btn.menu.new")
    assert ID.plain("btn.menu.contacts") in labels

    async with http.post(f"{user}/press", json={"message_id": welcome["message_id"], "button": labels[0]}):
        pass
    chat = await poll_until(http, user, lambda chat: len(chat["messages"]) >= 3, since=chat["version"])
    assert chat["messages"][2]["sender"] == "bot"


async def poll_until(http: aiohttp.ClientSession, user: str, done: Any, since: int = 0) -> dict[str, Any]:
    """The long-poll the page uses, repeated until the chat satisfies ``done``."""
    deadline = asyncio.get_running_loop().time() + WAIT_S
    while True:
        async with http.get(f"{user}/chat/poll", params={"since": str(since), "timeout": "2"}) as polled:
            chat = await answer(polled)
        if done(chat):
            return chat
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError(f"chat never got there: {[m['text'] for m in chat['messages']]}")
        since = chat["version"]


async def test_the_clock_jumps_by_working_days_over_holidays_and_weekends(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    async with http.get(f"{sandbox.url}sandbox/clock") as now:
        before = await answer(now)
    assert to_wib(datetime.fromisoformat(before["now"])) == datetime(2026, 12, 23, 10, 0, tzinfo=WIB)
    assert before["closed_reason"] is None

    async with http.post(f"{sandbox.url}sandbox/clock", json={"working_days": 1}) as jumped:
        after = await answer(jumped)
    assert to_wib(datetime.fromisoformat(after["now"])) == datetime(2026, 12, 28, 10, 0, tzinfo=WIB)
    assert after["offset_seconds"] == 5 * 24 * 3600
    assert [jump["offset_seconds"] for jump in after["jumps"]] == [0, 5 * 24 * 3600]
    assert sandbox.services is not None
    assert sandbox.services.clock() == datetime.fromisoformat(after["now"]), "the bot sees the same time"


@pytest.mark.parametrize("body", [{"working_days": 0}, {"working_days": "2"}, {"working_days": 61}, {}])
async def test_the_clock_refuses_nonsense(
    sandbox: Sandbox, http: aiohttp.ClientSession, body: dict[str, Any]
) -> None:
    async with http.post(f"{sandbox.url}sandbox/clock", json=body) as refused:
        assert refused.status == 400
        assert "working_days" in (await refused.json())["error"]


async def test_the_demo_organisations_and_one_admin_per_role_are_there(sandbox: Sandbox) -> None:
    assert sandbox.engine is not None
    directory = Directory(session_factory(sandbox.engine))
    for persona in ADMINS:
        [seat] = await directory.admins_of_user(persona.telegram_id)
        assert (seat.role, seat.org.code, seat.full_name) == (persona.role, persona.org_code, persona.name)
    pekalongan = await directory.organisation_by_code("KOTA-PEKALONGAN")
    assert pekalongan is not None
    assert len(await directory.children(pekalongan.id)) >= 3
    reporter = await directory.reporter_by_telegram_id(REPORTER.telegram_id)
    assert reporter is not None
    assert reporter.nik == REPORTER_IDENTITY.nik


async def test_personas_in_picker_order_and_a_new_reporter_on_request(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    async with http.get(f"{sandbox.url}sandbox/personas") as listed:
        personas = await answer(listed)
    assert [p["role"] for p in personas] == [
        "reporter", "province", "city", "opd", "opd", "officer", "official", "reporter",
    ]  # fmt: skip
    assert personas[1]["label"] == {"id": "Admin Pemprov Jateng", "en": "Province admin"}
    async with http.post(f"{sandbox.url}sandbox/personas", json={}) as created:
        fresh = await answer(created)
    assert fresh["id"] not in {p["id"] for p in personas}
    async with http.get(f"{sandbox.url}sim/users/{fresh['id']}/chat") as chat:
        assert (await answer(chat))["messages"] == []


async def test_the_command_menu_the_bot_registered(sandbox: Sandbox, http: aiohttp.ClientSession) -> None:
    deadline = asyncio.get_running_loop().time() + WAIT_S
    commands: list[dict[str, str]] = []
    while not commands and asyncio.get_running_loop().time() < deadline:
        async with http.get(f"{sandbox.url}sandbox/commands", params={"language": "id"}) as response:
            commands = await answer(response)
        await asyncio.sleep(0.05)
    assert {"command": "start", "description": ID.plain("cmd.start")} in commands


async def test_a_taken_port_is_one_line_for_the_operator(sandbox: Sandbox, tmp_path: Path) -> None:
    port = int(sandbox.url.rsplit(":", 1)[1].strip("/"))
    with pytest.raises(StartupProblem, match=f"cannot listen on 127.0.0.1:{port}"):
        await Sandbox(port=port, database=tmp_path / "second.sqlite3").start()


async def test_every_start_begins_from_a_fresh_database(tmp_path: Path) -> None:
    database = tmp_path / "sandbox.sqlite3"
    async with Sandbox(port=0, database=database) as first:
        assert first.engine is not None
        await Directory(session_factory(first.engine)).add_organisation(
            code="LEFTOVER", name="From an earlier run", kind=OrgKind.OPD, parent_code="KOTA-PEKALONGAN"
        )
    async with Sandbox(port=0, database=database) as second:
        assert second.engine is not None
        assert await Directory(session_factory(second.engine)).organisation_by_code("LEFTOVER") is None
