"""Offices of three admins each, the cards the outbox brings them, and pressing them as a person would.

Expectations come from the bot's own text tables and from the workflow's allowed triggers, never from a
second list of buttons.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import SecretStr
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app.factory import create_services
from bot.app.settings import Settings
from bot.dev.local_api import ChatMessage, LocalBotApi, tiny_png
from bot.notices.notifier import Notifier, create_notifier
from bot.ui.cards import action_label
from storage import models
from storage.database import session_factory
from storage.models import utcnow
from storage.outbox.claims import OutboxStatus
from storage.outbox.notifications import NoticeKind
from storage.views import AdminInfo, ComplaintInfo
from tests.conftest import World, draft_for
from tests.e2e.admin_desk import send_to
from tests.e2e.chat import Reporter, visible
from tests.e2e.conftest import TEST_SENDER, TOKEN
from workflow.actors import Role
from workflow.calendar import WorkingCalendar
from workflow.complaint import AttachmentDraft, AttachmentKind
from workflow.definitions import T
from workflow.engine import workflow_for

# A third admin beside the two of `world` in the province and the city, two more in the agency DPUPR.
EXTRA_SEATS = [
    ("province3", 1003, Role.PROVINCE, "JATENG"),
    ("city3", 2003, Role.CITY, "KOTA-PKL"),
    ("opd2", 3002, Role.OPD, "PKL-DPUPR"),
    ("opd3", 3003, Role.OPD, "PKL-DPUPR"),
]
OFFICES = {
    "province": ("province", "province2", "province3"),
    "city": ("city", "city2", "city3"),
    "opd": ("opd", "opd2", "opd3"),
}
WAIT_S = 15.0


class AdminChat(Reporter):
    """One admin's Telegram chat."""

    def __init__(self, api: LocalBotApi, admin: AdminInfo, language: str = "id") -> None:
        super().__init__(api.user(admin.telegram_id, admin.full_name), language)
        self.admin = admin

    def cards(self, number: str) -> list[ChatMessage]:
        """Every copy of the card of `number` in this chat, oldest first, as it looks now."""
        prefix = f"📋 {number}"
        return [m for m in self.user.chat().bot_messages() if (m.text or "").startswith(prefix)]

    def live_card(self, number: str) -> ChatMessage | None:
        """The copy of the card that still has action buttons (there is at most one)."""
        live = [card for card in self.cards(number) if self.action_buttons(card)]
        assert len(live) <= 1, [card.text for card in live]
        return live[0] if live else None

    def action_buttons(self, card: ChatMessage) -> list[str]:
        files = self.t.plain("admin.btn.files", count=0).split("(")[0]
        return [text for text in card.button_texts if not text.startswith(files)]

    def expected_buttons(self, complaint: ComplaintInfo) -> list[str]:
        steps = workflow_for(complaint.kind).allowed_triggers(self.admin.as_actor(), complaint.snapshot())
        return [action_label(step.trigger, self.t) for step in steps]

    def handled_line(self, name: str, what: str) -> str:
        """The start of the "handled by" line, without the time."""
        return visible(self.t("notify.handled", name=name, at="@", what=what)).split("@")[0]

    async def press_action(self, card: ChatMessage, trigger: str) -> None:
        await self.user.press_button(card, action_label(trigger, self.t))

    async def act(
        self,
        card: ChatMessage,
        trigger: str,
        *,
        target: str | None = None,
        reason: str | None = None,
        result: str | None = None,
        photos: int = 0,
    ) -> None:
        """Press the action on the card and answer what it asks: a target, a reason, or a result."""
        await self.press_action(card, trigger)
        if target is not None:
            await send_to(self.user, self.t, card, target)
        elif reason is not None:
            await self.next_where(lambda m: m.button(self.t.plain("admin.btn.abort")) is not None, "reason")
            await self.send(reason)
            await self._confirm()
        elif result is not None:
            await self.next_where(lambda m: m.button(self.t.plain("admin.btn.abort")) is not None, "result")
            await self.send(result)
            done = await self.next_where(
                lambda m: m.button(self.t.plain("admin.btn.done")) is not None, "files"
            )
            for index in range(photos):
                await self.user.send_photo(tiny_png(12 + index, 9))
                done = await self.next_where(
                    lambda m: m.button(self.t.plain("admin.btn.done")) is not None, "file added"
                )
            await self.user.press_button(done, self.t.plain("admin.btn.done"))
            await self._confirm()

    async def _confirm(self) -> None:
        confirm = await self.next_where(
            lambda m: m.button(self.t.plain("admin.btn.confirm")) is not None, "the confirmation"
        )
        await self.user.press_button(confirm, self.t.plain("admin.btn.confirm"))


@dataclass
class Staff:
    chats: dict[str, AdminChat]

    def office(self, tier: str) -> list[AdminChat]:
        return [self.chats[seat] for seat in OFFICES[tier]]

    def __getitem__(self, seat: str) -> AdminChat:
        return self.chats[seat]


async def hire_staff(world: World, api: LocalBotApi) -> Staff:
    """Three admins in the province, the city and the agency DPUPR, each having opened the bot."""
    for seat, telegram_id, role, org in EXTRA_SEATS:
        world.admins[seat] = await world.directory.add_admin(
            telegram_id=telegram_id, role=role, org_code=org, full_name=f"Admin {seat}"
        )
    chats = {seat: AdminChat(api, world.admins[seat]) for tier in OFFICES.values() for seat in tier}
    for chat in chats.values():
        await chat.command("/start")
    await asyncio.gather(*(chat.next_where(lambda _: True, "the menu") for chat in chats.values()))
    return Staff(chats)


async def act(world: World, chat: AdminChat, number: str, trigger: str, **answers: object) -> ComplaintInfo:
    """`chat` acts on its live card of `number`; returns the complaint once the action has been applied."""
    before = await world.complaints.by_tracking_number(number)
    assert before is not None
    card = chat.live_card(number)
    assert card is not None, f"{chat.admin.full_name} has no card of {number} to act on"
    await chat.act(card, trigger, **answers)  # type: ignore[arg-type]
    deadline = time.monotonic() + WAIT_S
    while True:
        now = await world.complaints.get(before.id)
        assert now is not None
        if now.version > before.version:
            return now
        if time.monotonic() > deadline:
            raise TimeoutError(f"{trigger} by {chat.admin.full_name} was not applied")
        await asyncio.sleep(0.01)


async def delivered(engine: AsyncEngine, api: LocalBotApi | None, within: float = WAIT_S) -> None:
    """Until every outbox row is settled and, with a bot answering updates (`api` given), the local server
    has nothing left in flight."""
    sessions = session_factory(engine)
    deadline = time.monotonic() + within
    while True:
        async with sessions() as session:
            pending = await session.scalar(
                select(func.count())
                .select_from(models.OutboxMessage)
                .where(models.OutboxMessage.status == OutboxStatus.PENDING)
            )
        if not pending:
            break
        if time.monotonic() > deadline:
            raise TimeoutError(f"{pending} outbox rows still pending after {within}s")
        await asyncio.sleep(0.02)
    if api is not None:
        await api.wait_idle(timeout=within)


async def outbox_rows(engine: AsyncEngine) -> list[models.OutboxMessage]:
    async with session_factory(engine)() as session:
        return list(await session.scalars(select(models.OutboxMessage).order_by(models.OutboxMessage.id)))


# -- the sender alone, against the local server (no dispatcher: the admins' actions are fired directly) ------


def notifier_for(
    api: LocalBotApi,
    engine: AsyncEngine,
    world: World,
    *,
    outbox_clock: Callable[[], datetime] = utcnow,
    **settings: Any,
) -> Notifier:
    """The notifier `python -m bot` builds, pointed at the local server; `settings` override the fast ones."""
    configured = Settings(
        _env_file=None,  # type: ignore[call-arg]  # pydantic-settings reads it, its stubs omit it
        bot_token=SecretStr(TOKEN),
        telegram_api_base=api.base_url,
        **{**TEST_SENDER, **settings},
    )
    services = create_services(engine, WorkingCalendar(), clock=world.clock)
    return create_notifier(configured, engine, services, outbox_clock=outbox_clock)


async def open_chats(world: World, api: LocalBotApi, *seats: str) -> None:
    """The people have started the bot (a bot cannot write first); nobody answers, no bot is polling."""
    for seat in seats:
        await api.user(world.admins[seat].telegram_id, world.admins[seat].full_name).send_command("/start")
    assert world.reporter.telegram_id is not None
    await api.user(world.reporter.telegram_id, world.reporter.full_name).send_command("/start")


async def add_extra_admins(world: World) -> None:
    for seat, telegram_id, role, org in EXTRA_SEATS:
        world.admins[seat] = await world.directory.add_admin(
            telegram_id=telegram_id, role=role, org_code=org, full_name=f"Admin {seat}"
        )


async def result_photos(api: LocalBotApi, world: World, count: int) -> list[AttachmentDraft]:
    """Photos an agency admin uploaded to the bot, to attach to a result."""
    user = api.user(world.admins["opd"].telegram_id)
    photos = []
    for index in range(count):
        message = await user.send_photo(tiny_png(10 + index, 7))
        largest = message.media[-1]
        photos.append(AttachmentDraft(largest["file_id"], AttachmentKind.PHOTO, largest["file_unique_id"]))
    return photos


async def cards_settled(engine: AsyncEngine, complaint_id: int, version: int, within: float = 60.0) -> None:
    """Until the task cards of this version have been delivered (or given up): the office has seen them."""
    sessions = session_factory(engine)
    row = models.OutboxMessage
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        async with sessions() as session:
            waiting = await session.scalar(
                select(func.count())
                .select_from(row)
                .where(
                    row.complaint_id == complaint_id,
                    row.complaint_version == version,
                    row.kind == NoticeKind.TASK,
                    row.status == OutboxStatus.PENDING,
                )
            )
        if not waiting:
            return
        await asyncio.sleep(0.02)
    raise TimeoutError(f"the cards of complaint {complaint_id} v{version} were not delivered in {within}s")


async def journey(
    world: World,
    engine: AsyncEngine,
    photos: list[AttachmentDraft],
    chooser: random.Random,
    subject: str,
) -> ComplaintInfo:
    """One complaint from filing to the reporter's result; at each step a random admin of the office acts,
    once the office's cards have arrived."""
    complaint = await world.complaints.submit(
        draft_for(world.reporter, subject=subject), world.reporter.as_actor()
    )
    steps: list[tuple[str, str, dict[str, Any]]] = [
        ("province", T.DISPOSE, {"target_org_id": world.orgs["KOTA-PKL"].id}),
        ("city", T.FORWARD, {"target_org_id": world.orgs["PKL-DPUPR"].id}),
        ("opd", T.ACCEPT, {}),
        ("opd", T.SUBMIT_RESULT, {"result": f"Selesai: {subject}", "attachments": photos}),
        ("city", T.CONFIRM_RESULT, {}),
        ("province", T.APPROVE, {}),
    ]
    for tier, trigger, extra in steps:
        await cards_settled(engine, complaint.id, complaint.version)
        seat = chooser.choice(OFFICES[tier])
        moved = await world.complaints.fire(
            complaint.id, world.actor(seat), trigger, seen_version=complaint.version, **extra
        )
        complaint = moved.complaint
    return complaint


# A complaint's way from the province to the reporter, with a seat of each office acting.
STEPS: list[tuple[str, str, dict[str, Any]]] = [
    ("province", T.DISPOSE, {"target": "KOTA-PKL"}),
    ("city", T.FORWARD, {"target": "PKL-DPUPR"}),
    ("opd", T.ACCEPT, {}),
    ("opd", T.SUBMIT_RESULT, {"result": "Saluran sudah dibersihkan."}),
    ("city2", T.CONFIRM_RESULT, {}),
    ("province2", T.APPROVE, {}),
]


async def take_through(
    world: World,
    complaint: ComplaintInfo,
    steps: list[tuple[str, str, dict[str, Any]]],
    files: Sequence[AttachmentDraft] = (),
) -> ComplaintInfo:
    """Fire `steps` (seat, trigger, answers) directly as those seats' admins; `files` go with a result."""
    for seat, trigger, extra in steps:
        answers = {key: value for key, value in extra.items() if key != "target"}
        if "target" in extra:
            answers["target_org_id"] = world.orgs[extra["target"]].id
        if trigger == T.SUBMIT_RESULT:
            answers["attachments"] = files
        moved = await world.complaints.fire(
            complaint.id, world.actor(seat), trigger, seen_version=complaint.version, **answers
        )
        complaint = moved.complaint
    return complaint


def sent_ids(rows: list[models.OutboxMessage], chat_id: int) -> list[int]:
    """The Telegram messages the rows of one chat produced, in the order they were meant to arrive."""
    ids: list[int] = []
    for row in rows:
        if row.chat_id != chat_id or row.kind == NoticeKind.CARD_HANDLED or row.telegram_message_id is None:
            continue
        for part in (row.payload.get("parts") or {}).values():
            ids.extend(part)
        ids.append(row.telegram_message_id)
    return ids
