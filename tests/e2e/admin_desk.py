"""Admins at their desks: seeding complaints, opening cards from the queue, pressing, and forging presses."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from bot.dev.local_api import ChatMessage, ChatView, LocalBotApi
from bot.dev.local_api.models import CallbackState
from bot.dev.local_api.sim import SimUser
from bot.ui.texts import Texts
from storage.views import ComplaintInfo, EventInfo
from tests.conftest import World, draft_for
from tests.e2e.chat import Reporter, visible
from workflow.definitions import T

# Each step that moves a complaint down to the next tier, with the seat that takes it in the `world` tree.
DOWN = {
    T.DISPOSE: ("province", "KOTA-PKL"),
    T.FORWARD: ("city", "PKL-DPUPR"),
    T.ACCEPT: ("opd", None),
}


class Desk(Reporter):
    """An admin's chat: a Reporter's helpers plus the admin screens."""

    def __init__(self, api: LocalBotApi, world: World, seat: str, language: str = "id") -> None:
        admin = world.admins[seat]
        super().__init__(api.user(admin.telegram_id, admin.full_name), language)
        self.api = api
        self.admin = admin

    async def queue(self) -> ChatMessage:
        await self.command("/antrian")
        return await self.next_where(lambda m: (m.text or "").startswith("📥"), "the queue")

    async def open(self, number: str) -> ChatMessage:
        """The card of `number`, opened from the queue."""
        queue = await self.queue()
        button = next(b for b in queue.buttons if b["text"].endswith(number))
        await self.user.press_button(queue, button["callback_data"])
        return await self.card(number)

    async def card(self, number: str) -> ChatMessage:
        return await self.next_where(
            lambda m: (m.text or "").startswith(f"📋 {number}"), f"the card {number}"
        )

    async def press_action(self, card: ChatMessage, trigger: str) -> None:
        await self.press(card, f"admin.btn.{trigger}")

    async def send_to(self, card: ChatMessage, label: str) -> None:
        await send_to(self.user, self.t, card, label)

    async def toast(self) -> str:
        """The next callback answer that says something (plain acknowledgements are skipped)."""
        while True:
            text = str((await self.user.wait_for_toast(timeout=10.0))["text"])
            if text:
                return text

    async def settled(self, message: ChatMessage, check: Callable[[ChatMessage], bool]) -> ChatMessage:
        """`message` as it is once an edit has made `check` true."""

        def now(view: ChatView) -> bool:
            current = view.message(message.message_id)
            return current is not None and check(current)

        view = await self.user.wait_until(now, timeout=10.0)
        current = view.message(message.message_id)
        assert current is not None
        return current

    async def done(self, card: ChatMessage, trigger: str, org: str = "") -> ChatMessage:
        """The pressed card once it shows what was done and has lost its buttons."""
        what = self.t.plain(f"admin.did.{trigger}", org=org)
        return await self.settled(card, lambda m: not m.buttons and what in (m.text or ""))

    async def give_reason(self, card: ChatMessage, trigger: str, reason: str) -> ChatMessage:
        """Press a step that needs a reason, write it, and return the confirmation (not yet confirmed)."""
        await self.press_action(card, trigger)
        await self.next_where(lambda m: (m.text or "").startswith("✍️"), "the reason prompt")
        await self.send(reason)
        return await self.next_where(
            lambda m: (m.text or "").startswith(
                visible(self.t("admin.confirm.reason", action="", number="", reason=""))[:10]
            ),
            "the reason shown back",
        )

    async def confirm(self, confirmation: ChatMessage) -> str:
        await self.press(confirmation, "admin.btn.confirm")
        return await self.toast()

    async def press_forged(self, message: ChatMessage, data: str) -> None:
        """A modified client can send any callback_data on any message of its chat."""
        forge_press(self.api, self.user.id, message.message_id, data)

    def said_plain(self, key: str, **values: object) -> str:
        return self.t.plain(key, **values)


async def send_to(user: SimUser, t: Texts, card: ChatMessage, label: str) -> None:
    """In the picker open on `card`, find `label` — asked about already, among the likely targets, or in the
    whole list behind "Lainnya…", page by page — and press its ✅."""
    yes, more, back = (
        t.plain(key, org=label) for key in ("admin.btn.send_to", "admin.btn.more", "admin.btn.back")
    )
    seen: set[tuple[str, ...]] = set()

    def fresh(view: ChatView) -> bool:
        shown = view.message(card.message_id)
        return shown is not None and back in shown.button_texts and tuple(shown.button_texts) not in seen

    while True:
        picker = (await user.wait_until(fresh, timeout=10.0)).message(card.message_id)
        assert picker is not None
        labels = picker.button_texts
        seen.add(tuple(labels))
        if yes in labels:
            await user.press_button(picker, yes)
            return
        following = next((text for text in labels if text.endswith("▶️")), None)
        step = label if label in labels else more if more in labels else following
        if step is None:
            raise AssertionError(f"{label} is not among the choices: {labels}")
        await user.press_button(picker, step)


def forge_press(api: LocalBotApi, user_id: int, message_id: int, data: str, bot: str | None = None) -> None:
    user = api.user(user_id, bot=bot)
    chat = user._chat
    raw: dict[str, Any] = chat.messages[message_id]
    query_id = str(secrets.randbits(62))
    user.bot.callbacks[query_id] = CallbackState(query_id, user_id, message_id, data, user._world.clock())
    user.bot.queue.push(
        "callback_query",
        {
            "id": query_id,
            "from": user.person.user_json(),
            "message": dict(raw),
            "chat_instance": str(user.bot.id ^ user_id),
            "data": data,
        },
    )
    user._world.touch()


async def seed(world: World, **changes: object) -> ComplaintInfo:
    return await world.complaints.submit(draft_for(world.reporter, **changes), world.reporter.as_actor())


async def fire(
    world: World, complaint: ComplaintInfo, seat: str, trigger: str, **extra: Any
) -> ComplaintInfo:
    current = await world.complaints.get(complaint.id)
    assert current is not None
    moved = await world.complaints.fire(
        complaint.id, world.actor(seat), trigger, seen_version=current.version, **extra
    )
    return moved.complaint


async def down_to(world: World, complaint: ComplaintInfo, *triggers: T) -> ComplaintInfo:
    """Move a complaint down the tiers directly through the service (the `world` tree's Pekalongan path)."""
    for trigger in triggers:
        seat, target = DOWN[trigger]
        extra: dict[str, Any] = {"target_org_id": world.orgs[target].id} if target else {}
        complaint = await fire(world, complaint, seat, trigger, **extra)
    return complaint


async def last_event(world: World, complaint: ComplaintInfo) -> EventInfo:
    return (await world.complaints.history(complaint.id))[-1]
