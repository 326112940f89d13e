"""What every admin handler works with, gathered once per update, and a card button's press checked once.

`AdminDesk` holds the update's services, texts, the caller's seats and its session (the update's unit of
work, bot/updates/once.py); `SetUpDesk`, an inner middleware of the admin side, hands it to the handlers as
`desk`. A handler registered with the `PRESS` flag gets its press checked by the same middleware before it
runs, once:

* `Check.STEP`, a workflow step's button (`ActionCb`, the picker's): `guard.check_press`, the complaint read
  once and `Workflow.check`ed per seat, handed over as `press`;
* `Check.TARGET`, the same for a step that chooses a target (the picker's buttons);
* `Check.LINK`, `Check.UNLINK`, a card's button that is no step of the machine (joining a duplicate to an
  earlier complaint, separating it): `guard.check_card_press`, the card read once, handed over as `press`
  (a `CardPress`).

A pressed card's message is handed over as `pressed`; a press on a message Telegram no longer gives us is
answered "expired" and goes no further. A refusal is raised, for `guard.RefusePresses` to answer.
"""

from __future__ import annotations

import enum
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.dispatcher.flags import get_flag
from aiogram.types import CallbackQuery, Message, TelegramObject
from sqlalchemy.ext.asyncio import AsyncSession

from bot.handlers.admin.guard import CardPress, Forged, Press, check_card_press, check_press, check_view
from bot.ui.texts import Texts
from storage.complaints import ComplaintService
from storage.directory import Directory
from storage.duplicates import LINK, UNLINK
from storage.views import AdminInfo, CardInfo
from workflow.calendar import WorkingCalendar

# What an aiogram middleware calls next: the handler, or the next middleware.
Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]
# The handler flag that asks for a checked press: a `Check`.
PRESS = "press"


class Check(enum.Enum):
    STEP = "step"
    TARGET = "target"
    LINK = LINK
    UNLINK = UNLINK


@dataclass(frozen=True)
class AdminDesk:
    """The update's services and caller, as the dispatcher holds them."""

    bot: Bot
    t: Texts
    admins: list[AdminInfo]
    directory: Directory
    complaints: ComplaintService
    calendar: WorkingCalendar
    clock: Callable[[], datetime]
    session: AsyncSession | None = None  # the update's

    async def check(self, complaint_id: int, seen_version: int, code: str) -> Press:
        return await check_press(
            self.complaints, self.admins, complaint_id, seen_version, code, session=self.session
        )

    async def card(self, complaint_id: int) -> CardInfo | None:
        return await self.complaints.card(complaint_id, session=self.session)

    async def viewable_card(self, complaint_id: int) -> tuple[CardInfo, AdminInfo]:
        """The card and the caller's seat to show it to (`guard.check_view`)."""
        return await check_view(self.complaints, self.admins, complaint_id, session=self.session)


def desk_of(data: dict[str, Any]) -> AdminDesk:
    return AdminDesk(
        bot=data["bot"],
        t=data["t"],
        admins=data.get("admins") or [],
        directory=data["directory"],
        complaints=data["complaints"],
        calendar=data["calendar"],
        clock=data["clock"],
        session=data.get("session"),
    )


class SetUpDesk(BaseMiddleware):
    """An inner middleware of the admin side: `desk` for every handler, `press` and `pressed` for the
    handlers flagged `PRESS`."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        desk = desk_of(data)
        data["desk"] = desk
        check: Check | None = get_flag(data, PRESS)
        if check is None or not isinstance(event, CallbackQuery):
            return await handler(event, data)
        data["press"] = await _checked(desk, check, data["callback_data"])
        if not isinstance(event.message, Message):
            await event.answer(desk.t.plain("button.expired"), show_alert=True)
            return None
        data["pressed"] = event.message
        return await handler(event, data)


async def _checked(desk: AdminDesk, check: Check, pressed: Any) -> Press | CardPress:
    if check in (Check.LINK, Check.UNLINK):
        return await check_card_press(
            desk.complaints, desk.admins, pressed.c, pressed.v, check.value, session=desk.session
        )
    press = await desk.check(pressed.c, pressed.v, pressed.t)
    if check is Check.TARGET and press.step.target_kind is None:
        raise Forged("a picker's button for a step without a target")
    return press
