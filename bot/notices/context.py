"""What a notice renderer may use: the public face of `bot.notices.delivery.Delivery`.

Renderers of their own kinds of notice (relays, reminders, service responses) register with the delivery
and are handed this context rather than the delivery itself, so they depend on what it promises, not on
how it keeps it (the recipient read once per row, the rate gate between the parts of a row).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime
from typing import Protocol

from aiogram import Bot

from bot.notices.sender import Gate
from bot.ui.texts import Html, Texts
from storage.directory import Directory
from storage.outbox.claims import Outbox, OutboxEntry
from storage.outbox.parts import OutboxParts
from storage.views import AdminInfo, AttachmentInfo, CardInfo
from workflow.calendar import WorkingCalendar

# Renders one row of a complaint (as it is now) and sends it; returns the Telegram message id, if any.
Render = Callable[[OutboxEntry, CardInfo], Awaitable[int | None]]
# Renders a row about no complaint (the scheduler's notices about half-filed drafts) and sends it.
ChatRender = Callable[[OutboxEntry], Awaitable[int | None]]


class NoticeContext(Protocol):
    bot: Bot
    calendar: WorkingCalendar
    clock: Callable[[], datetime]
    # The parts of a row that reaches Telegram as several messages wait on the gate and are recorded.
    gate: Gate
    parts: OutboxParts
    sender_id: str
    # The rows themselves (a renderer may read what an earlier row became) and who holds which seat.
    outbox: Outbox
    directory: Directory

    @property
    def renderers(self) -> Mapping[str, Render]:
        """The renderer of each kind so far: one registered later may hand a row on to the earlier one."""
        ...

    def register(self, kind: str, render: Render) -> None:
        """Another kind of notice about a complaint, rendered by its own module."""
        ...

    def register_chat(self, kind: str, render: ChatRender) -> None:
        """A kind of notice about no complaint (a half-filed draft, say), rendered from its payload alone."""
        ...

    async def texts(self, chat_id: int, fallback: str | None = None) -> Texts:
        """The texts in the recipient's language (else `fallback`, else the default language)."""
        ...

    async def seat(self, chat_id: int, org_id: int | None, role: str | None) -> AdminInfo | None:
        """The recipient's seat in that organisation with that role, if they hold one."""
        ...

    async def send_files(self, chat_id: int, items: list[AttachmentInfo], caption: str) -> list[int]:
        """Attachments of one kind as one request (an album for several); the message ids sent."""
        ...

    def milestone(self, entry: OutboxEntry, card: CardInfo, trigger: str, t: Texts) -> Html:
        """What the reporter is told of a step of their complaint."""
        ...
