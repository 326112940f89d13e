"""Who is told what when a complaint moves: outbox rows written inside the transition's transaction.

Rows carry what happened, not rendered text: the sender renders each in the recipient's language when it
delivers, from the complaint as it is then, so a message is never stored half-translated.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage import models
from storage.directory import active_admins
from workflow.actors import ROLE_ORG_KIND, Actor, Role
from workflow.channels import FIRST_STEPS, told_at_recording
from workflow.definitions import ST, ComplaintKind, T
from workflow.engine import Move


class NoticeKind(StrEnum):
    TASK = "task"  # a complaint has landed in an organisation's queue: the card, with its buttons
    CARD_HANDLED = "card_handled"  # edit an earlier card copy: handled by someone, buttons removed
    ACTION_DONE = "action_done"  # confirmation to the admin who acted
    REPORTER_UPDATE = "reporter_update"  # a milestone the reporter hears about
    REPORTER_UNREACHABLE = "reporter_unreachable"  # the reporter blocked the bot: deliver another way
    # Written by the scheduler (storage/scheduler.py); payloads are listed there.
    STAGE_HALF = "stage_half"  # half of the stage's target used: to the holding organisation's admins
    STAGE_DUE_TODAY = "stage_due_today"  # the stage is due today: to the holding organisation's admins
    STAGE_OVERDUE = "stage_overdue"  # the stage is overdue: to the admins of the tier above
    DRAFT_REMINDER = "draft_reminder"  # a half-filed complaint idle for 24 hours: to the reporter's chat
    DRAFT_DISCARDED = "draft_discarded"  # a half-filed complaint idle for 10 days was discarded
    # -- channels/onboarding: a notice for a complainant not on Telegram, as a task for the recording officer
    RELAY = "relay"  # "tell <name> at <contact> via <channel>: ..." with a "delivered" button
    # -- citizens: written by the scheduler once per complaint past its deadline, to the reporter's chat
    REPORTER_OVERDUE = "reporter_overdue"  # an apology, where it is, and what happens next
    # -- data requests (storage/data_requests.py), about no complaint; payload: `request_id`
    DATA_REQUEST = "data_request"  # to each admin of the handling office: the request with its buttons
    DATA_REQUEST_HANDLED = "data_request_handled"  # edit another admin's copy: decided (`card_row_id`)
    DATA_REQUEST_DECIDED = "data_request_decided"  # to the reporter: erased, or refused and why


# Milestones the reporter hears about, one message each: received (when an officer filed it for them),
# disposed to a city, forwarded to an agency (a move to another one explained), followed up, result under
# verification (steps 5-6), the result, rejected, closed. Moves back down the tiers (returns, revisions) are
# the offices' business: the reporter hears of the next move forward instead. The scheduler adds "overdue".
REPORTER_MILESTONES = frozenset(
    {
        T.SUBMIT,
        T.DISPOSE,
        T.FORWARD,
        T.ACCEPT,
        T.SUBMIT_RESULT,
        T.APPROVE,
        T.REJECT,
        T.ACKNOWLEDGE,
        T.AUTO_CLOSE,
        ST.RECORD,
        ST.RESPOND,
        ST.RESOLVE,
    }
)
# What an officer relays to a complainant who is not on Telegram (the officer's own desk decides the rest).
RELAYED_MILESTONES = frozenset(
    {T.SUBMIT, T.FORWARD, T.ACCEPT, T.APPROVE, T.REJECT, T.AUTO_CLOSE, ST.RECORD, ST.RESPOND, ST.RESOLVE}
)
# LaporGub moves the reporter hears of only the first time (to that organisation, for dispose, forward and
# accept): a complaint returned and sent to the same place again, or a result resubmitted after a
# revision, is the same milestone.
_ONCE_PER_ORG = {T.DISPOSE: "to_org_id", T.FORWARD: "to_org_id", T.ACCEPT: "org_id"}


@dataclass(frozen=True)
class CardCopy:
    """One delivered copy of a task card: the chat it sits in and its Telegram message id."""

    chat_id: int
    message_id: int


@dataclass
class NoticeWatch:
    """How many outbox rows the code run under `watching_notices` added (a rolled-back one included)."""

    added: int = 0


_watch: ContextVar[NoticeWatch | None] = ContextVar("notice_watch", default=None)


@contextmanager
def watching_notices() -> Iterator[NoticeWatch]:
    """Counts the notices added by what runs inside, in this task and the tasks it starts: the bot wakes
    its outbox sender after an update only if the update queued something
    (bot.notices.notifier.WakeSender)."""
    watch = NoticeWatch()
    token = _watch.set(watch)
    try:
        yield watch
    finally:
        _watch.reset(token)


async def write_notifications(
    session: AsyncSession,
    *,
    complaint: models.Complaint,
    reporter: models.Reporter,
    move: Move,
    actor: Actor,
    now: datetime,
    event_id: int,
    pressed_card: CardCopy | None = None,
) -> tuple[int, ...]:
    """Add outbox rows for everyone this move concerns; returns the chat ids that get a new task or update.

    `event_id` is the move's event: a relay is written once per event (`models.Relay`).

    `pressed_card` is the copy of the card the actor pressed: the bot edits that one itself as it answers
    the press, so it gets no "handled" row (the sender's same edit would only be refused as not modified,
    and spend the actor's per-chat rate).
    """
    common = {
        "trigger": move.trigger,
        "state": move.dest,
        "reason": move.reason,
        "actor_name": actor.name,
        "actor_role": actor.role,
        "actor_admin_id": actor.admin_id,
        "at": now.isoformat(),
    }
    await retire_card_copies(session, complaint, move.after.version - 1, common, now, pressed_card)
    # An admin who pressed a card has its toast and the card itself, edited to say what was done: a third
    # message saying it again only pushes the next live card up. Moves made without a card (an officer's
    # typed answer, a relay) still get their confirmation; an officer's recording is confirmed by the bot's
    # answer in their chat.
    if (
        actor.is_admin
        and actor.admin_id is not None
        and pressed_card is None
        and move.trigger not in FIRST_STEPS
    ):
        acting = await session.get(models.Admin, actor.admin_id)
        if acting is not None:
            add_notice(session, complaint, NoticeKind.ACTION_DONE, acting.telegram_id, common, now)
    chats: list[int] = []
    if move.holder in ROLE_ORG_KIND and complaint.current_org_id is not None:
        for admin in await active_admins(session, complaint.current_org_id, move.holder):
            add_notice(session, complaint, NoticeKind.TASK, admin.telegram_id, common, now)
            chats.append(admin.telegram_id)
    # A reporter who acted themselves (filed it) has just seen the bot's answer in their chat.
    reporter_acted = actor.role is Role.REPORTER and actor.reporter_id == reporter.id
    if move.trigger in REPORTER_MILESTONES and reporter.telegram_id is not None and not reporter_acted:
        milestone = await _reporter_milestone(session, complaint, move)
        if milestone is not None:
            add_notice(
                session, complaint, NoticeKind.REPORTER_UPDATE, reporter.telegram_id, common | milestone, now
            )
            chats.append(reporter.telegram_id)
    if move.trigger in RELAYED_MILESTONES and reporter.telegram_id is None:
        chats.extend(await relay_to_recording_officer(session, complaint, common, now, event_id=event_id))
    return tuple(chats)


async def _reporter_milestone(
    session: AsyncSession, complaint: models.Complaint, move: Move
) -> dict[str, Any] | None:
    """What the reporter's row adds to the move's details; None when they heard of this milestone already.

    A dispose or forward to another organisation than the one they were told of before is a move they
    hear explained (`moved`): a complaint returned by an office that was not the right one, now sent on.
    """
    if complaint.kind != ComplaintKind.LAPORGUB:
        return {}
    event = models.ComplaintEvent
    earlier = select(event).where(
        event.complaint_id == complaint.id, event.trigger == move.trigger, event.version < complaint.version
    )
    if move.trigger == T.SUBMIT_RESULT:
        told = await session.scalar(earlier.with_only_columns(event.id).limit(1))
        return None if told is not None else {}
    column = _ONCE_PER_ORG.get(T(move.trigger))
    if column is None:
        return {}
    current = complaint.current_org_id  # where it went (dispose, forward), or who took it up (accept)
    before = set((await session.scalars(earlier.with_only_columns(getattr(event, column)))).all())
    if current in before:
        return None
    return {"moved": True} if before and move.trigger != T.ACCEPT else {}


async def relay_to_recording_officer(
    session: AsyncSession,
    complaint: models.Complaint,
    common: dict[str, Any],
    now: datetime,
    *,
    event_id: int,
) -> list[int]:
    """The complainant is not on Telegram: the officer who recorded the complaint tells them instead.

    `event_id` is the step that caused it: the complaint's own, or the earlier complaint's that a duplicate
    follows (several of those may share the duplicate's version); a relay is written once per event.
    """
    if complaint.recorded_by_admin_id is None:
        return []
    officer = await session.get(models.Admin, complaint.recorded_by_admin_id)
    if officer is None:
        return []
    if not officer.active:
        # The recorder left: any active officer of the office takes the relay over.
        others = await active_admins(session, officer.org_id, Role.OFFICER)
        if not others:
            return []
        officer = await session.get(models.Admin, others[0].id)
        assert officer is not None
    in_person = told_at_recording(complaint.channel, common["trigger"])
    relay = models.Relay(
        complaint_id=complaint.id,
        complaint_version=complaint.version,
        event_id=event_id,
        officer_admin_id=officer.id,
        trigger=common["trigger"],
        created_at=now,
        delivered_at=now if in_person else None,
        delivered_by_admin_id=officer.id if in_person else None,
    )
    session.add(relay)
    await session.flush()
    if in_person:
        return []
    add_notice(
        session,
        complaint,
        NoticeKind.RELAY,
        officer.telegram_id,
        {**common, "relay_id": relay.id},
        now,
        key_suffix=f"event:{event_id}",
    )
    return [officer.telegram_id]


async def retire_card_copies(
    session: AsyncSession,
    complaint: models.Complaint,
    shown_version: int,
    common: dict[str, Any],
    now: datetime,
    pressed_card: CardCopy | None,
) -> None:
    """Every copy of the card shown at `shown_version` gets edited, so no one acts on it twice; all but the
    copy the actor pressed, which the bot is editing already."""
    copies = await session.scalars(
        select(models.OutboxMessage).where(
            models.OutboxMessage.complaint_id == complaint.id,
            models.OutboxMessage.complaint_version == shown_version,
            models.OutboxMessage.kind == NoticeKind.TASK,
        )
    )
    for copy in copies:
        if _is_pressed(copy, pressed_card):
            continue
        add_notice(
            session,
            complaint,
            NoticeKind.CARD_HANDLED,
            copy.chat_id,
            {**common, "card_row_id": copy.id},
            now,
            key_suffix=str(copy.id),
        )


def _is_pressed(copy: models.OutboxMessage, pressed_card: CardCopy | None) -> bool:
    # A copy whose message id is not recorded yet (pressed before its sender wrote the id down) cannot be
    # told apart from the others: it keeps its row, and the sender's edit is merely redundant.
    return (
        pressed_card is not None
        and copy.telegram_message_id is not None
        and (copy.chat_id, copy.telegram_message_id) == (pressed_card.chat_id, pressed_card.message_id)
    )


def add_notice(
    session: AsyncSession,
    complaint: models.Complaint,
    kind: NoticeKind,
    chat_id: int,
    details: dict[str, Any],
    now: datetime,
    *,
    key_suffix: str = "",
) -> None:
    if (watch := _watch.get()) is not None:
        watch.added += 1
    session.add(
        models.OutboxMessage(
            chat_id=chat_id,
            kind=kind,
            complaint_id=complaint.id,
            complaint_version=complaint.version,
            payload={"complaint_id": complaint.id, "tracking_number": complaint.tracking_number, **details},
            next_attempt_at=now,
            dedupe_key=f"{kind}:{complaint.id}:{complaint.version}:{chat_id}:{key_suffix}",
        )
    )


def add_chat_notice(
    session: AsyncSession,
    kind: NoticeKind,
    chat_id: int,
    details: dict[str, Any],
    now: datetime,
    dedupe_key: str,
) -> None:
    """An outbox row about no complaint (a data request, say), rendered from its payload when sent."""
    if (watch := _watch.get()) is not None:
        watch.added += 1
    session.add(
        models.OutboxMessage(
            chat_id=chat_id,
            kind=kind,
            payload=dict(details),
            next_attempt_at=now,
            dedupe_key=dedupe_key,
        )
    )


async def alert_reporter_unreachable(
    session: AsyncSession, *, complaint: models.Complaint, failed_row_id: int, error: str, now: datetime
) -> tuple[int, ...]:
    """The reporter cannot be messaged (they blocked the bot): the city's admins must reach them otherwise."""
    org_id, role = (
        (complaint.city_org_id, Role.CITY)
        if complaint.city_org_id
        else (complaint.province_org_id, Role.PROVINCE)
    )
    if org_id is None:
        return ()
    admins = await active_admins(session, org_id, role)
    details = {"failed_row_id": failed_row_id, "error": error}
    for admin in admins:
        add_notice(
            session,
            complaint,
            NoticeKind.REPORTER_UNREACHABLE,
            admin.telegram_id,
            details,
            now,
            key_suffix=str(failed_row_id),
        )
    return tuple(admin.telegram_id for admin in admins)
