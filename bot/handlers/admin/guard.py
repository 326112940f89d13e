"""Checking a button press before anything changes, and turning every refusal into a toast.

A press is refused when it is forged (a payload we never issue, a complaint or organisation that does not
exist), stale (the complaint moved on since the card was shown), or not the presser's to make (another
organisation's complaint, or someone who is no admin). Each refusal answers the callback with a short
explanation, changes nothing and is logged without personal data (ids and codes only).

The handlers only raise: `RefusePresses`, an inner middleware of the admin side's button presses, rolls
back what the update had not committed and hands the error, as a `Refused`, to the dispatcher's error
handlers, where `press_refused` (registered in bot/handlers/error_handler.py) is the one that answers. It does
so within the update's handling: a refused press is an update handled to its end, not a failure to replay.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from aiogram import BaseMiddleware
from aiogram.dispatcher.event.bases import UNHANDLED
from aiogram.types import ErrorEvent, TelegramObject, Update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.handlers.replies import drop_keyboard
from bot.ui.admin_callbacks import TRIGGERS_BY_CODE
from bot.ui.callbacks import MAX_ROW_ID
from bot.ui.cards import did_words, follows_earlier
from bot.ui.display import utf16_len
from bot.ui.texts import Texts, texts_for
from storage.complaints import ComplaintService
from storage.data_errors import ComplaintNotFound, UnknownOrganisation
from storage.duplicates import ALREADY_RESULT, FOLLOWS_EARLIER, NOT_LINKABLE, NOT_LINKED
from storage.views import AdminInfo, CardInfo, ComplaintInfo
from workflow.actors import OrgKind
from workflow.definitions import Step
from workflow.engine import NOT_THEIR_COMPLAINT, SPEAKS_FOR_THEMSELVES, WRONG_ROLE, workflow_for
from workflow.errors import InvalidTarget, InvalidTransition, NotPermitted, StaleVersion, WorkflowError

log = logging.getLogger(__name__)
TOAST_LIMIT = 200


class Forged(Exception):
    """A payload in our format that names something we never offered."""


class NotAnAdmin(Exception):
    """The presser holds no active admin seat (never had one, or was just deactivated)."""


# What a handler of a press raises to refuse it.
REFUSALS = (WorkflowError, ComplaintNotFound, UnknownOrganisation, Forged, NotAnAdmin)


class Refused(Exception):
    """A press refused by one of `REFUSALS` (`cause`), with the complaint and version it named, if any."""

    def __init__(self, cause: Exception, complaint_id: int | None, seen_version: int | None) -> None:
        super().__init__(type(cause).__name__)
        self.cause = cause
        self.complaint_id = complaint_id
        self.seen_version = seen_version


@dataclass(frozen=True)
class Press:
    """A press that passed every check: who acts, on what, and which step."""

    admin: AdminInfo
    complaint: ComplaintInfo
    step: Step
    seen_version: int


@dataclass(frozen=True)
class CardPress:
    """A press of a card's button that is no step of the machine (joining, separating), checked: the card
    as it is now, and the presser's seat that holds it."""

    card: CardInfo
    seat: AdminInfo


# Button data is bounded at the edge (bot/ui/callbacks.py); what a conversation kept is checked the same way.
MAX_ID = MAX_ROW_ID
# The workflow's reasons that have words of their own; any other is "not in your organisation's queue".
REFUSAL_KEYS = {
    WRONG_ROLE: "admin.refused.wrong_role",
    SPEAKS_FOR_THEMSELVES: "admin.refused.complainant_answers",
    FOLLOWS_EARLIER: "admin.refused.follows_earlier",
    NOT_LINKABLE: "admin.refused.not_linkable",
    ALREADY_RESULT: "admin.refused.already_result",
    NOT_LINKED: "admin.refused.forged",  # no "separate" button is ever shown on a complaint not joined
}


def require_ids(*values: int) -> None:
    if not all(0 < value <= MAX_ID for value in values):
        raise Forged("an id out of range")


def trigger_of(code: str) -> str:
    trigger = TRIGGERS_BY_CODE.get(code)
    if trigger is None:
        raise Forged(f"unknown trigger code {code!r}")
    return trigger


def seat_for(admins: list[AdminInfo], complaint: ComplaintInfo) -> AdminInfo:
    """The presser's admin seat that holds this complaint now; any seat if none does (to be refused)."""
    if not admins:
        raise NotAnAdmin()
    for admin in admins:
        steps = workflow_for(complaint.kind).allowed_triggers(admin.as_actor(), complaint.snapshot())
        if steps:
            return admin
    return admins[0]


async def check_press(
    complaints: ComplaintService,
    admins: list[AdminInfo],
    complaint_id: int,
    seen_version: int,
    code: str,
    *,
    session: AsyncSession | None = None,
) -> Press:
    """Everything `fire` would check, checked before asking for a reason or showing a picker: once per
    seat, by the workflow's machine. In the update's `session` the complaint read here is the one `fire`
    then moves (no second read)."""
    trigger = trigger_of(code)
    complaint = await _pressed(complaints.get, admins, complaint_id, seen_version, session)
    workflow = workflow_for(complaint.kind)
    refused: list[WorkflowError] = []
    for admin in admins:
        try:
            step = workflow.check(admin.as_actor(), complaint.snapshot(), trigger, seen_version=seen_version)
        except WorkflowError as error:
            refused.append(error)
        else:
            # A duplicate follows the complaint it was joined to: no office steps of its own.
            if follows_earlier(complaint):
                raise NotPermitted(trigger, FOLLOWS_EARLIER)
            return Press(admin, complaint, step, seen_version)
    # The machine refuses someone else's complaint before a stale view (which would tell who handled it);
    # a seat that sees the complaint has the more telling reason.
    raise min(refused, key=lambda error: isinstance(error, NotPermitted) and error.why == NOT_THEIR_COMPLAINT)


async def check_card_press(
    complaints: ComplaintService,
    admins: list[AdminInfo],
    complaint_id: int,
    seen_version: int,
    trigger: str,
    *,
    session: AsyncSession | None = None,
) -> CardPress:
    """A card's button that is no step of the machine (`storage.duplicates` checks the step itself): the
    card read once, refused like a step's button when it is not the presser's to see or it has moved on."""
    card = await _pressed(complaints.card, admins, complaint_id, seen_version, session)
    complaint = card.complaint
    # Someone else's complaint is refused before staleness, which would tell them who handled it.
    if not any(may_view(seat, complaint) for seat in admins):
        raise NotPermitted(trigger, NOT_THEIR_COMPLAINT)
    if complaint.version != seen_version:
        raise StaleVersion(seen_version, complaint.version)
    return CardPress(card, seat_for(admins, complaint))


async def check_view(
    complaints: ComplaintService,
    admins: list[AdminInfo],
    complaint_id: int,
    *,
    session: AsyncSession | None = None,
) -> tuple[CardInfo, AdminInfo]:
    """A card to show: refused unless a seat of the presser's sees it; with the seat that holds the
    complaint now, so that its buttons are the ones this person may press."""
    if not admins:
        raise NotAnAdmin()
    require_ids(complaint_id)
    card = await complaints.card(complaint_id, session=session)
    if card is None:
        raise ComplaintNotFound(complaint_id)
    viewers = [admin for admin in admins if may_view(admin, card.complaint)]
    if not viewers:
        raise NotPermitted("view", "another organisation's complaint")
    holding = [admin for admin in viewers if admin.org.id == card.complaint.current_org_id]
    return card, (holding or viewers)[0]


_Read = TypeVar("_Read")


async def _pressed(
    read: Callable[..., Awaitable[_Read | None]],
    admins: list[AdminInfo],
    complaint_id: int,
    seen_version: int,
    session: AsyncSession | None,
) -> _Read:
    """What a press names, read once; refused when its ids are out of range, it is gone, or the presser
    holds no seat."""
    require_ids(complaint_id, seen_version)
    found = await read(complaint_id, session=session)
    if found is None:
        raise ComplaintNotFound(complaint_id)
    if not admins:
        raise NotAnAdmin()
    return found


def may_view(admin: AdminInfo, complaint: ComplaintInfo) -> bool:
    """An admin sees the complaints their organisation holds or has held; no one else's."""
    slot = {
        OrgKind.PROVINCE: complaint.province_org_id,
        OrgKind.CITY: complaint.city_org_id,
        OrgKind.OPD: complaint.opd_org_id,
    }[admin.org.kind]
    return admin.org.id in (slot, complaint.current_org_id)


def toast(text: str) -> str:
    """Telegram refuses a callback answer over 200 UTF-16 units; a long name must not cost the answer."""
    if utf16_len(text) <= TOAST_LIMIT:
        return text
    while utf16_len(text) > TOAST_LIMIT - 1:
        text = text[:-1]
    return text.rstrip() + "…"


class RefusePresses(BaseMiddleware):
    """An inner middleware of the admin side's button presses: one of `REFUSALS` raised by the handler
    rolls back what the update has not committed and goes, as `Refused`, to the dispatcher's error handlers
    (`press_refused` answers it) while the update is still being handled."""

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        try:
            return await handler(event, data)
        except REFUSALS as error:
            pressed = data.get("callback_data")
            refused = Refused(error, getattr(pressed, "c", None), getattr(pressed, "v", None))
            session: AsyncSession | None = data.get("session")
            if session is not None:
                await session.rollback()  # a refused press changes nothing
            update: Update = data["event_update"]
            answered = await data["dispatcher"].propagate_event(
                update_type="error", event=ErrorEvent(update=update, exception=refused), **data
            )
            if answered is UNHANDLED:
                raise refused from error
            return answered


async def press_refused(
    event: ErrorEvent,
    complaints: ComplaintService,
    t: Texts | None = None,
    admins: list[AdminInfo] | None = None,
    session: AsyncSession | None = None,
) -> None:
    """The one answer to every refused press: the refusal's words as the callback's toast, and a log line."""
    refused = event.exception
    query = event.update.callback_query
    assert isinstance(refused, Refused)
    if query is None:  # `RefusePresses` serves presses only
        raise refused
    t = t or texts_for(None)
    text, moved_on = await _explain(
        refused.cause, t, complaints, refused.complaint_id, refused.seen_version, session
    )
    admin_ids = [admin.id for admin in admins or []]
    log.warning(
        "admin press refused (%s): update callback %s, complaint %s, admin seats %s",
        type(refused.cause).__name__,
        query.id,
        refused.complaint_id,
        admin_ids or "none",
    )
    await query.answer(toast(text), show_alert=True)
    if moved_on:
        # Its buttons can only be refused from now on. This also mends a pressed card whose own edit
        # was lost (the bot killed after the transition's commit, its press replayed and refused).
        await drop_keyboard(query)


async def _explain(
    error: Exception,
    t: Texts,
    complaints: ComplaintService,
    complaint_id: int | None,
    seen_version: int | None,
    session: AsyncSession | None,
) -> tuple[str, bool]:
    """The refusal's words, and whether the complaint has moved on since the card was shown."""
    if isinstance(error, StaleVersion | InvalidTransition):
        handled = await handled_by(t, complaints, complaint_id, seen_version, session=session)
        if handled is not None:
            return handled, True
        # No one moved it since the card was shown: a step its state never offered was made up.
        key = "admin.refused.stale" if isinstance(error, StaleVersion) else "admin.refused.forged"
        return t.plain(key), False
    if isinstance(error, NotAnAdmin):
        return t.plain("admin.refused.not_admin"), False
    if isinstance(error, NotPermitted):
        return t.plain(REFUSAL_KEYS.get(error.why, "admin.refused.not_permitted")), False
    if isinstance(error, InvalidTarget):
        return t.plain("admin.refused.invalid_target"), False
    return t.plain("admin.refused.forged"), False


async def handled_by(
    t: Texts,
    complaints: ComplaintService,
    complaint_id: int | None,
    seen_version: int | None,
    *,
    session: AsyncSession | None = None,
) -> str | None:
    """Who moved the complaint on from the version the admin saw, if anyone did."""
    card = await complaints.card(complaint_id, session=session) if complaint_id is not None else None
    if card is None:
        return None
    later = [event for event in card.history if seen_version is None or event.version > seen_version]
    if not later:
        return None
    handled = later[0]
    target = card.orgs.get(handled.to_org_id) if handled.to_org_id is not None else None
    return t.plain(
        "admin.refused.stale_by",
        name=handled.actor_name or t.plain("org.unknown"),
        what=did_words(handled.trigger, t, target.name if target else t.plain("org.unknown")),
        at=t.moment(handled.at),
    )
