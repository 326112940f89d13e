"""What runs beside the sandbox's bot: the outbox sender brings the admins their cards and the reporter her
news, and the scheduler looks at once when a person jumps the clock."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any

import aiohttp
from sqlalchemy import select

from bot.dev.local_api import ChatMessage
from bot.dev.sandbox import Sandbox
from bot.dev.sandbox.personas import ADMINS, CITY_CODE, OPD_CODE, REPORTER
from storage import models
from storage.database import session_factory
from storage.outbox.notifications import NoticeKind
from storage.views import ComplaintInfo
from tests.sandbox.conftest import WAIT_S
from workflow.actors import Actor
from workflow.complaint import ComplaintDraft
from workflow.definitions import S, T
from workflow.sla import AUTO_CLOSE_WORKING_DAYS

SEATS = {persona.key: persona for persona in ADMINS}


async def file(sandbox: Sandbox) -> ComplaintInfo:
    assert sandbox.services is not None
    reporter = await sandbox.services.directory.reporter_by_telegram_id(REPORTER.telegram_id)
    assert reporter is not None
    draft = ComplaintDraft(
        reporter_id=reporter.id,
        subject="Lampu jalan mati di Jl. Dr. Cipto",
        chronology="Sudah seminggu lampu jalan di depan masjid mati, jalan gelap di malam hari.",
        event_date=date(2026, 12, 20),
        event_place="Jl. Dr. Cipto, Pekalongan Timur",
    )
    return await sandbox.services.complaints.submit(draft, reporter.as_actor())


async def actor(sandbox: Sandbox, seat: str) -> Actor:
    assert sandbox.services is not None
    [admin] = await sandbox.services.directory.admins_of_user(SEATS[seat].telegram_id)
    return admin.as_actor()


async def fire(
    sandbox: Sandbox, complaint: ComplaintInfo, seat: str, trigger: str, **extra: Any
) -> ComplaintInfo:
    assert sandbox.services is not None
    moved = await sandbox.services.complaints.fire(
        complaint.id, await actor(sandbox, seat), trigger, seen_version=complaint.version, **extra
    )
    return moved.complaint


async def org_id(sandbox: Sandbox, code: str) -> int:
    assert sandbox.services is not None
    org = await sandbox.services.directory.organisation_by_code(code)
    assert org is not None
    return org.id


async def jump(http: aiohttp.ClientSession, sandbox: Sandbox, working_days: int) -> None:
    async with http.post(f"{sandbox.url}sandbox/clock", json={"working_days": working_days}) as jumped:
        assert (await jumped.json())["ok"]


async def outbox_kinds(sandbox: Sandbox, complaint: ComplaintInfo) -> list[str]:
    assert sandbox.engine is not None
    async with session_factory(sandbox.engine)() as session:
        rows = await session.scalars(
            select(models.OutboxMessage.kind).where(models.OutboxMessage.complaint_id == complaint.id)
        )
        return [str(kind) for kind in rows]


async def until(check: Any, what: str) -> Any:
    deadline = asyncio.get_running_loop().time() + WAIT_S
    while True:
        found = await check()
        if found:
            return found
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError(what)
        await asyncio.sleep(0.05)


async def test_a_new_complaint_reaches_the_province_admin_who_never_typed(sandbox: Sandbox) -> None:
    complaint = await file(sandbox)
    province = sandbox.api.user(SEATS["province"].telegram_id)
    assert province.messages() == []
    card = await province.wait_for_message(
        lambda m: (m.text or "").startswith(f"📋 {complaint.tracking_number}"), timeout=WAIT_S
    )
    assert card.buttons, "the card carries the province's steps"


async def test_a_clock_jump_brings_the_reminders_that_fell_due_at_once(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    complaint = await file(sandbox)
    assert sandbox.scheduler is not None
    before = sandbox.scheduler.runs
    await jump(http, sandbox, 2)

    async def escalated() -> bool:
        return NoticeKind.STAGE_OVERDUE in await outbox_kinds(sandbox, complaint)

    await until(escalated, "no escalation after two working days at the province")
    assert sandbox.scheduler.runs > before
    # The sender delivers it: the province is the tier above itself.
    province = sandbox.api.user(SEATS["province"].telegram_id)

    def reminder(message: ChatMessage) -> bool:
        text = message.text or ""
        return complaint.tracking_number in text and not text.startswith(f"📋 {complaint.tracking_number}")

    await province.wait_for_message(reminder, timeout=WAIT_S)


async def test_a_result_the_reporter_leaves_unanswered_closes_after_the_jump(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    complaint = await file(sandbox)
    complaint = await fire(
        sandbox, complaint, "province", T.DISPOSE, target_org_id=await org_id(sandbox, CITY_CODE)
    )
    complaint = await fire(
        sandbox, complaint, "city", T.FORWARD, target_org_id=await org_id(sandbox, OPD_CODE)
    )
    complaint = await fire(sandbox, complaint, "opd", T.ACCEPT)
    complaint = await fire(sandbox, complaint, "opd", T.SUBMIT_RESULT, result="Lampu sudah diganti.")
    complaint = await fire(sandbox, complaint, "city", T.CONFIRM_RESULT)
    complaint = await fire(sandbox, complaint, "province", T.APPROVE)
    assert complaint.state == S.RESOLVED
    reporter = sandbox.api.user(REPORTER.telegram_id)

    def result(message: ChatMessage) -> bool:
        return "Lampu sudah diganti." in (message.text or "")

    await reporter.wait_for_message(result, timeout=WAIT_S)
    seen = len(reporter.messages())

    await jump(http, sandbox, AUTO_CLOSE_WORKING_DAYS + 1)
    assert sandbox.services is not None
    services = sandbox.services

    async def closed() -> bool:
        now = await services.complaints.get(complaint.id)
        return now is not None and now.state == S.CLOSED

    await until(closed, "the resolved complaint was not auto-closed after the jump")
    news = await reporter.wait_until(lambda view: len(view.messages) > seen, timeout=WAIT_S)
    assert complaint.tracking_number in (news.messages[-1].text or "")
