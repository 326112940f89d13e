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

from sqlalchemy import bindparam, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from storage import models
from storage.directory import active_admins
from storage.models import table_of
from storage.unit_of_work import connection_of
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
    complaint: Any,
    reporter: Any,
    move: Move,
    actor: Actor,
    now: datetime,
    event_id: int,
    pressed_card: CardCopy | None = None,
) -> tuple[int, ...]:
    """Add outbox rows for everyone this move concerns; returns the chat ids that get a new task or update.

    `event_id` is the move's event: a relay is written once per event (`models.Relay`).
    `complaint` and `reporter` are their rows (a model or a Core row: only their columns are read).
    `pressed_card` is the copy of the card the actor pressed: the bot edits that one itself as it answers
    the press, so it gets no "handled" row (the sender's same edit would only be refused as not modified,
    and spend the actor's per-chat rate).
    """
    connection = await connection_of(session)
    common = {
        "trigger": move.trigger,
        "state": move.dest,
        "reason": move.reason,
        "actor_name": actor.name,
        "actor_role": actor.role,
        "actor_admin_id": actor.admin_id,
        "at": now.isoformat(),
    }
    notices = await _retired_copies(connection, complaint, move.after.version - 1, common, now, pressed_card)
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
        acting = (await connection.execute(_ADMIN_BY_ID, {"admin_id": actor.admin_id})).first()
        if acting is not None:
            notices.append(notice_row(complaint, NoticeKind.ACTION_DONE, acting.telegram_id, common, now))
    chats: list[int] = []
    if move.holder in ROLE_ORG_KIND and complaint.current_org_id is not None:
        for admin in await active_admins(session, complaint.current_org_id, move.holder):
            notices.append(notice_row(complaint, NoticeKind.TASK, admin.telegram_id, common, now))
            chats.append(admin.telegram_id)
    # A reporter who acted themselves (filed it) has just seen the bot's answer in their chat.
    reporter_acted = actor.role is Role.REPORTER and actor.reporter_id == reporter.id
    if move.trigger in REPORTER_MILESTONES and reporter.telegram_id is not None and not reporter_acted:
        milestone = await _reporter_milestone(connection, complaint, move)
        if milestone is not None:
            notices.append(
                notice_row(
                    complaint, NoticeKind.REPORTER_UPDATE, reporter.telegram_id, common | milestone, now
                )
            )
            chats.append(reporter.telegram_id)
    if move.trigger in RELAYED_MILESTONES and reporter.telegram_id is None:
        relay = await _relay_row(session, connection, complaint, common, now, event_id=event_id)
        if relay is not None:
            notices.append(relay)
            chats.append(relay["chat_id"])
    await _insert(connection, notices)
    return tuple(chats)


async def _reporter_milestone(
    connection: AsyncConnection, complaint: Any, move: Move
) -> dict[str, Any] | None:
    """What the reporter's row adds to the move's details; None when they heard of this milestone already.

    A dispose or forward to another organisation than the one they were told of before is a move they
    hear explained (`moved`): a complaint returned by an office that was not the right one, now sent on.
    """
    if complaint.kind != ComplaintKind.LAPORGUB:
        return {}
    earlier = {"complaint_id": complaint.id, "trigger": move.trigger, "version": complaint.version}
    if move.trigger == T.SUBMIT_RESULT:
        told = (await connection.execute(_EARLIER_EVENT, earlier)).first()
        return None if told is not None else {}
    column = _ONCE_PER_ORG.get(T(move.trigger))
    if column is None:
        return {}
    current = complaint.current_org_id  # where it went (dispose, forward), or who took it up (accept)
    before = set((await connection.execute(_EARLIER_ORGS[column], earlier)).scalars())
    if current in before:
        return None
    return {"moved": True} if before and move.trigger != T.ACCEPT else {}


async def relay_to_recording_officer(
    session: AsyncSession, complaint: Any, common: dict[str, Any], now: datetime, *, event_id: int
) -> list[int]:
    """The complainant is not on Telegram: the officer who recorded the complaint tells them instead; the
    chat told (none when there is no one to tell or they told them in person).

    `event_id` is the step that caused it: the complaint's own, or the earlier complaint's that a duplicate
    follows (several of those may share the duplicate's version); a relay is written once per event.
    """
    connection = await connection_of(session)
    relay = await _relay_row(session, connection, complaint, common, now, event_id=event_id)
    if relay is None:
        return []
    await _insert(connection, [relay])
    return [relay["chat_id"]]


async def _relay_row(
    session: AsyncSession,
    connection: AsyncConnection,
    complaint: Any,
    common: dict[str, Any],
    now: datetime,
    *,
    event_id: int,
) -> dict[str, Any] | None:
    """The relay of `relay_to_recording_officer`, written, and the row of its officer's notice (None when
    there is no one to tell or they told them in person)."""
    if complaint.recorded_by_admin_id is None:
        return None
    officer = (await connection.execute(_ADMIN_BY_ID, {"admin_id": complaint.recorded_by_admin_id})).first()
    if officer is None:
        return None
    officer_id, officer_chat = officer.id, officer.telegram_id
    if not officer.active:
        # The recorder left: any active officer of the office takes the relay over.
        others = await active_admins(session, officer.org_id, Role.OFFICER)
        if not others:
            return None
        officer_id, officer_chat = others[0].id, others[0].telegram_id
    in_person = told_at_recording(complaint.channel, common["trigger"])
    relay_id = (
        await connection.execute(
            _INSERT_RELAY,
            {
                "complaint_id": complaint.id,
                "complaint_version": complaint.version,
                "event_id": event_id,
                "officer_admin_id": officer_id,
                "trigger": common["trigger"],
                "created_at": now,
                "delivered_at": now if in_person else None,
                "delivered_by_admin_id": officer_id if in_person else None,
            },
        )
    ).scalar_one()
    if in_person:
        return None
    return notice_row(
        complaint,
        NoticeKind.RELAY,
        officer_chat,
        {**common, "relay_id": relay_id},
        now,
        key_suffix=f"event:{event_id}",
    )


async def retire_card_copies(
    session: AsyncSession,
    complaint: Any,
    shown_version: int,
    common: dict[str, Any],
    now: datetime,
    pressed_card: CardCopy | None,
) -> None:
    """Every copy of the card shown at `shown_version` gets edited, so no one acts on it twice; all but the
    copy the actor pressed, which the bot is editing already."""
    connection = await connection_of(session)
    await _insert(
        connection, await _retired_copies(connection, complaint, shown_version, common, now, pressed_card)
    )


async def _retired_copies(
    connection: AsyncConnection,
    complaint: Any,
    shown_version: int,
    common: dict[str, Any],
    now: datetime,
    pressed_card: CardCopy | None,
) -> list[dict[str, Any]]:
    copies = await connection.execute(
        _TASK_COPIES, {"complaint_id": complaint.id, "complaint_version": shown_version}
    )
    return [
        notice_row(
            complaint,
            NoticeKind.CARD_HANDLED,
            copy_id,
            {**common, "card_row_id": row_id},
            now,
            key_suffix=str(row_id),
        )
        for row_id, copy_id, message_id in copies
        if not _is_pressed(copy_id, message_id, pressed_card)
    ]


def _is_pressed(chat_id: int, message_id: int | None, pressed_card: CardCopy | None) -> bool:
    # A copy whose message id is not recorded yet (pressed before its sender wrote the id down) cannot be
    # told apart from the others: it keeps its row, and the sender's edit is merely redundant.
    return (
        pressed_card is not None
        and message_id is not None
        and (chat_id, message_id) == (pressed_card.chat_id, pressed_card.message_id)
    )


def notice_row(
    complaint: Any,
    kind: NoticeKind,
    chat_id: int,
    details: dict[str, Any],
    now: datetime,
    *,
    key_suffix: str = "",
) -> dict[str, Any]:
    """The outbox row of a notice about `complaint` (counted by `watching_notices`), for `_insert`."""
    if (watch := _watch.get()) is not None:
        watch.added += 1
    return {
        "chat_id": chat_id,
        "kind": kind,
        "complaint_id": complaint.id,
        "complaint_version": complaint.version,
        "payload": {"complaint_id": complaint.id, "tracking_number": complaint.tracking_number, **details},
        "next_attempt_at": now,
        "dedupe_key": f"{kind}:{complaint.id}:{complaint.version}:{chat_id}:{key_suffix}",
    }


async def add_notice(
    session: AsyncSession,
    complaint: Any,
    kind: NoticeKind,
    chat_id: int,
    details: dict[str, Any],
    now: datetime,
    *,
    key_suffix: str = "",
) -> None:
    await _insert(
        await connection_of(session),
        [notice_row(complaint, kind, chat_id, details, now, key_suffix=key_suffix)],
    )


async def _insert(connection: AsyncConnection, notices: list[dict[str, Any]]) -> None:
    """The rows in one executemany, in their order (their ids follow it: a chat's notices are sent by id)."""
    if notices:
        await connection.execute(_INSERT_NOTICE, notices)


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
    session: AsyncSession, *, complaint: Any, failed_row_id: int, error: str, now: datetime
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
    notices = [
        notice_row(
            complaint,
            NoticeKind.REPORTER_UNREACHABLE,
            admin.telegram_id,
            details,
            now,
            key_suffix=str(failed_row_id),
        )
        for admin in admins
    ]
    await _insert(await connection_of(session), notices)
    return tuple(admin.telegram_id for admin in admins)


# The statements of a move's notices, built once (building one costs more CPU than running it).
_OUTBOX, _ADMINS, _EVENTS = (
    table_of(models.OutboxMessage),
    table_of(models.Admin),
    table_of(models.ComplaintEvent),
)
_INSERT_NOTICE = insert(_OUTBOX)
_INSERT_RELAY = insert(table_of(models.Relay)).returning(table_of(models.Relay).c.id)
_TASK_COPIES = select(_OUTBOX.c.id, _OUTBOX.c.chat_id, _OUTBOX.c.telegram_message_id).where(
    _OUTBOX.c.complaint_id == bindparam("complaint_id"),
    _OUTBOX.c.complaint_version == bindparam("complaint_version"),
    _OUTBOX.c.kind == NoticeKind.TASK,
)
_ADMIN_BY_ID = select(_ADMINS.c.id, _ADMINS.c.telegram_id, _ADMINS.c.org_id, _ADMINS.c.active).where(
    _ADMINS.c.id == bindparam("admin_id")
)
_EARLIER = (
    _EVENTS.c.complaint_id == bindparam("complaint_id"),
    _EVENTS.c.trigger == bindparam("trigger"),
    _EVENTS.c.version < bindparam("version"),
)
_EARLIER_EVENT = select(_EVENTS.c.id).where(*_EARLIER).limit(1)
_EARLIER_ORGS = {column: select(_EVENTS.c[column]).where(*_EARLIER) for column in set(_ONCE_PER_ORG.values())}
