"""Similar complaints on the card, and a complaint joined to an earlier one about the same problem.

Candidates are found in SQL, scored in Python: each complaint's stemmed words are written to
`complaint_terms` when it is filed; the similar list takes the complaint's rarest words (how many complaints
hold each, counted only up to `COMMON_AT`), the latest complaints holding any of them, keeps the open or
recently finished ones of the same city, and lets `workflow.suggestions.similar` decide. Every step orders by
counts, words and ids, so SQLite and PostgreSQL give the same list.

A duplicate *follows* the earlier complaint (`complaints.duplicate_of_id`): it keeps its own state where it
was linked, leaves every queue and reminder, and in the transaction of each of the earlier one's steps its
reporter is told the same milestone; when the earlier one gets its result (or is rejected), the duplicate
gets it too, as its own step, and its reporter confirms and rates it separately. A duplicate's complainant
who is not on Telegram is relayed, by the officer who recorded the duplicate, what a complainant off Telegram
is relayed of their own complaint (`RELAYED_MILESTONES`): the earlier one's forward, its acceptance and its
outcome, one relay per step of the earlier complaint (`models.Relay.event_id`). Link and unlink are events
of the duplicate (who, when, the unlink's reason); they are not steps of the workflow machine.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from functools import lru_cache
from types import MappingProxyType
from typing import Any, Protocol

from sqlalchemy import (
    Row,
    Select,
    Text,
    TextClause,
    bindparam,
    cast,
    func,
    insert,
    literal,
    or_,
    select,
    text,
    union_all,
    update,
)
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from storage import models
from storage.data_errors import ComplaintNotFound
from storage.directory import active_admins
from storage.models import table_of
from storage.outbox.notifications import (
    RELAYED_MILESTONES,
    CardCopy,
    NoticeKind,
    add_notice,
    relay_to_recording_officer,
    retire_card_copies,
)
from storage.reports.rollups import record_finished
from storage.views import ComplaintInfo, EarlierInfo, SimilarInfo, complaint_of
from workflow.actors import ROLE_ORG_KIND, Actor, Role
from workflow.calendar import WorkingCalendar
from workflow.definitions import ComplaintKind, S, T
from workflow.engine import workflow_for
from workflow.errors import NotPermitted, StaleVersion
from workflow.suggestions import Case, Keywords, similar
from workflow.text_match import terms

LINK = "link_duplicate"
UNLINK = "unlink_duplicate"
# Where a card shows its similar complaints and may be linked: it has just reached an office.
SIMILAR_STATES = frozenset({S.AT_PROVINCE, S.AT_CITY, S.AT_OPD})
SIMILAR_SHOWN = 3
RECENTLY_FINISHED = timedelta(days=30)  # a closed complaint is still a candidate this long
COMMON_AT = 300  # a word held by this many complaints is counted no further: it is common
RARE_WORDS = 6  # the complaint's rarest words that look for candidates
LATEST_PER_WORD = 100  # the latest complaints holding each of those words
CANDIDATES = 20  # scored in Python, the ones sharing most words first
TERM_LENGTH = 64
# The earlier complaint's steps its duplicates' reporters hear of; approve and reject also move them.
FOLLOWED_MILESTONES = frozenset({T.DISPOSE, T.FORWARD, T.ACCEPT, T.SUBMIT_RESULT})
FOLLOWED_OUTCOMES = frozenset({T.APPROVE, T.REJECT})
# Why a link or an unlink is refused (NotPermitted.why); the bot words each.
FOLLOWS_EARLIER = "the complaint follows an earlier one"
NOT_LINKABLE = "that complaint cannot be joined to"
NOT_LINKED = "the complaint is not joined to an earlier one"
ALREADY_RESULT = "the complaint already has its result"


class ComplaintText(Protocol):
    """What the similar list reads of the complaint it is asked about: an ORM row, a Core row or the
    complaint's view (read only)."""

    @property
    def id(self) -> int: ...
    @property
    def kind(self) -> str: ...
    @property
    def duplicate_of_id(self) -> int | None: ...
    @property
    def city_org_id(self) -> int | None: ...
    @property
    def subject(self) -> str: ...
    @property
    def chronology(self) -> str: ...
    @property
    def event_place(self) -> str: ...
    @property
    def latitude(self) -> float | None: ...
    @property
    def longitude(self) -> float | None: ...


def _keywords_query(city_org_id: int | None) -> Select[str, str]:
    org = models.Organisation
    query = select(org.code, cast(org.keywords, Text)).where(org.keywords.is_not(None))
    if city_org_id is not None:
        query = query.where(or_(org.parent_id == city_org_id, org.parent_id.is_(None)))
    return query


async def registry_keywords(session: AsyncSession, city_org_id: int | None) -> Keywords:
    """The duty keywords (the registry's) of the city's agencies and the province, by code; of every
    organisation before a complaint has a city: what tells a reporter's own matter
    (`workflow.suggestions.is_personal`) from a shared problem. Read with the list: an import of the
    registry counts from the next card on."""
    return _keywords_of(tuple(sorted(await session.execute(_keywords_query(city_org_id)))))


@lru_cache(maxsize=256)
def _keywords_of(stored: tuple[tuple[str, str], ...]) -> Keywords:
    """The keywords as stored (JSON text per code), parsed once per distinct registry."""
    # A JSON null is stored as the text "null" (the column's own NULL only when never set).
    parsed = ((code, json.loads(words) if words is not None else None) for code, words in stored)
    return MappingProxyType({code: tuple(words) for code, words in parsed if words})


def terms_of(subject: str, chronology: str, place: str) -> list[str]:
    """The distinct stemmed words stored for a complaint, sorted."""
    return sorted({term[:TERM_LENGTH] for term in terms(f"{subject} {chronology} {place}")})


async def insert_terms(connection: AsyncConnection, row: Row[Any]) -> None:
    """The words of a complaint just filed, for the similar lists of the complaints after it."""
    found = terms_of(row.subject, row.chronology, row.event_place)
    if found:
        await connection.execute(_ADDING_TERM, [{"complaint_id": row.id, "term": term} for term in found])


_ADDING_TERM = insert(table_of(models.ComplaintTerm))


async def similar_to(session: AsyncSession, row: ComplaintText, now: datetime) -> list[SimilarInfo]:
    """Up to three earlier open or recently finished complaints of the same city that read like the same
    concrete problem, best first.

    Two statements, both Core (tuples, no ORM objects): the complaint's rarest words together with the
    registry's duty keywords (read every time, so an import counts from the next card on; parsed once per
    distinct registry), then the candidates with the columns the scoring reads.
    """
    if row.kind != ComplaintKind.LAPORGUB or row.duplicate_of_id is not None:
        return []
    rare: list[str] = []
    stored: list[tuple[str, str]] = []
    for part, word, words in await session.execute(
        _rarest_and_keywords(row.city_org_id),
        {"complaint_id": row.id, "common": COMMON_AT, "rare": RARE_WORDS, "city": row.city_org_id},
    ):
        if part == 0:
            rare.append(word)
        else:
            stored.append((word, words))
    if not rare:
        return []
    values: dict[str, Any] = {f"word_{n}": word for n, word in enumerate(sorted(rare))}
    values.update(before=row.id, since=now - RECENTLY_FINISHED, city=row.city_org_id)
    found = await session.execute(_candidates(len(rare), row.city_org_id is not None), values)
    candidates = {key: rest for key, *rest in found}
    if not candidates:
        return []
    listed = similar(
        _case(row),
        [
            Case(str(key), subject, chronology, place, lat, lon)
            for key, (_, _, _, subject, chronology, place, lat, lon) in sorted(candidates.items())
        ],
        keywords=_keywords_of(tuple(sorted(stored))),
        limit=SIMILAR_SHOWN,
    )
    out = []
    for item in listed:
        number, state, received_at, subject, *_ = candidates[int(item.key)]
        out.append(
            SimilarInfo(
                id=int(item.key),
                tracking_number=number,
                state=state,
                received_at=received_at,
                subject=subject,
                score=item.score,
            )
        )
    return out


@lru_cache(maxsize=2 * RARE_WORDS)
def _candidates(words: int, of_city: bool) -> Select[*tuple[Any, ...]]:
    """The latest complaints holding each of `words` rare words (`word_0`, …, before `before`), the open or
    recently finished (since `since`) ones of the city (`city`, when `of_city`), those sharing most words
    first, with the columns the scoring and the list read. Built once per shape: building it costs more
    than the database takes to run it."""
    term_table = models.ComplaintTerm
    latest = [
        select(term_table.complaint_id)
        .where(term_table.term == bindparam(f"word_{n}"), term_table.complaint_id < bindparam("before"))
        .order_by(term_table.complaint_id.desc())
        .limit(LATEST_PER_WORD)
        .subquery()
        for n in range(words)
    ]
    postings = union_all(*(select(sub.c.complaint_id) for sub in latest)).subquery()
    complaint = models.Complaint
    shared = func.count().label("shared")
    region = (
        or_(complaint.city_org_id == bindparam("city"), complaint.city_org_id.is_(None))
        if of_city
        else literal(True)
    )
    ranked = (
        select(postings.c.complaint_id, shared)
        .join(complaint, complaint.id == postings.c.complaint_id)
        .where(
            complaint.kind == ComplaintKind.LAPORGUB,
            complaint.duplicate_of_id.is_(None),
            complaint.state != S.REJECTED,
            or_(complaint.state != S.CLOSED, complaint.updated_at >= bindparam("since")),
            region,
        )
        .group_by(postings.c.complaint_id)
        .order_by(shared.desc(), postings.c.complaint_id.desc())
        .limit(CANDIDATES)
        .subquery()
    )
    # The candidates' columns in the same statement: a round trip costs more than the query on a busy host.
    return select(
        complaint.id,
        complaint.tracking_number,
        complaint.state,
        complaint.received_at,
        complaint.subject,
        complaint.chronology,
        complaint.event_place,
        complaint.latitude,
        complaint.longitude,
    ).join(ranked, ranked.c.complaint_id == complaint.id)


# The complaint's words held by the fewest complaints, each counted only up to COMMON_AT (a LIMIT inside the
# count: a common word costs no more than that), ties by the word; and in the same round trip the registry's
# duty keywords of the city's organisations (of all before the complaint has a city). Plain SQL both
# databases run alike.
_RAREST = (
    "SELECT 0 AS part, picked.term AS word, NULL AS words FROM ("
    "SELECT mine.term FROM complaint_terms AS mine WHERE mine.complaint_id = :complaint_id "
    "ORDER BY (SELECT count(*) FROM (SELECT 1 FROM complaint_terms AS other WHERE other.term = mine.term "
    "LIMIT :common) AS held), mine.term LIMIT :rare) AS picked "
    "UNION ALL SELECT 1, org.code, CAST(org.keywords AS TEXT) FROM organisations AS org "
    "WHERE org.keywords IS NOT NULL"
)
_RAREST_OF_ALL = text(_RAREST)
_RAREST_OF_CITY = text(_RAREST + " AND (org.parent_id = :city OR org.parent_id IS NULL)")


def _rarest_and_keywords(city_org_id: int | None) -> TextClause:
    return _RAREST_OF_ALL if city_org_id is None else _RAREST_OF_CITY


def _case(row: ComplaintText) -> Case:
    return Case(
        key=str(row.id),
        subject=row.subject,
        chronology=row.chronology,
        place=row.event_place,
        lat=row.latitude,
        lon=row.longitude,
    )


async def earlier_of(session: AsyncSession, row: ComplaintText) -> EarlierInfo | None:
    if row.duplicate_of_id is None:
        return None
    earlier = await session.get(models.Complaint, row.duplicate_of_id)
    return EarlierInfo(earlier.id, earlier.tracking_number, earlier.state) if earlier else None


async def earlier_orgs(session: AsyncSession, row: ComplaintText) -> list[models.Organisation]:
    """The offices the earlier complaint is at or has passed: its duplicate's reporter hears of them."""
    if row.duplicate_of_id is None:
        return []
    earlier = await session.get(models.Complaint, row.duplicate_of_id)
    if earlier is None:
        return []
    ids = {earlier.current_org_id, earlier.city_org_id, earlier.opd_org_id} - {None}
    org = models.Organisation
    return list(await session.scalars(select(org).where(org.id.in_(ids)).order_by(org.id)))


def may_link(actor: Actor, row: models.Complaint) -> bool:
    """The admin holding the complaint's queue, where the similar list is shown."""
    if row.duplicate_of_id is not None or row.state not in SIMILAR_STATES:
        return False
    return bool(workflow_for(row.kind).allowed_triggers(actor, complaint_of(row).snapshot()))


def may_unlink(actor: Actor, row: models.Complaint | ComplaintInfo) -> bool:
    """An admin of an office the duplicate has reached, while it has no result of its own yet."""
    if row.duplicate_of_id is None or row.state in (S.RESOLVED, S.CLOSED, S.REJECTED):
        return False
    slots = {Role.PROVINCE: row.province_org_id, Role.CITY: row.city_org_id, Role.OPD: row.opd_org_id}
    if actor.role not in slots or actor.org_id is None:
        return False
    return actor.org_id in (slots[actor.role], row.current_org_id)


def linkable(dup: models.Complaint, earlier: models.Complaint | None, now: datetime) -> bool:
    return (
        earlier is not None
        and earlier.id != dup.id
        and earlier.kind == ComplaintKind.LAPORGUB
        and earlier.duplicate_of_id is None
        and earlier.state != S.REJECTED
        and (earlier.state != S.CLOSED or earlier.updated_at >= now - RECENTLY_FINISHED)
    )


async def link(
    session: AsyncSession,
    *,
    dup_id: int,
    earlier_id: int,
    actor: Actor,
    seen_version: int,
    now: datetime,
    calendar: WorkingCalendar,
    pressed_card: CardCopy | None,
) -> models.Complaint:
    """Join `dup_id` to `earlier_id`, in the caller's transaction; refusals raise before anything is
    written."""
    row = await session.get(models.Complaint, dup_id)
    if row is None:
        raise ComplaintNotFound(dup_id)
    if row.version != seen_version:
        raise StaleVersion(seen_version, row.version)
    if not may_link(actor, row):
        raise NotPermitted(
            LINK, FOLLOWS_EARLIER if row.duplicate_of_id is not None else "not this admin's step"
        )
    # Locked: an earlier step of the earlier complaint racing this link either commits first (seen here) or
    # waits, and then finds this duplicate to mirror to.
    earlier = await session.scalar(
        select(models.Complaint).where(models.Complaint.id == earlier_id).with_for_update()
    )
    if not linkable(row, earlier, now):
        raise NotPermitted(LINK, NOT_LINKABLE)
    assert earlier is not None
    shown = row.version
    await _bump(session, row, seen_version, now, duplicate_of_id=earlier.id)
    # Its own duplicates follow the earlier one from now on: no chain in which a step is heard by no one.
    await session.execute(
        update(models.Complaint)
        .where(models.Complaint.duplicate_of_id == row.id)
        .values(duplicate_of_id=earlier.id)
        .execution_options(synchronize_session=False)
    )
    _event(
        session,
        row,
        actor,
        LINK,
        row.state,
        now,
        note=earlier.tracking_number,
        from_org_id=row.current_org_id,
    )
    common = _common(LINK, row.state, actor, now, reason=None) | {"earlier": earlier.tracking_number}
    await retire_card_copies(session, row, shown, common, now, pressed_card)
    await _tell_reporter(session, row, common, now)
    if earlier.state in (S.RESOLVED, S.CLOSED):
        await _follow_outcome(session, row, earlier, T.APPROVE, actor, now, calendar)
    return row


async def unlink(
    session: AsyncSession,
    *,
    dup_id: int,
    actor: Actor,
    seen_version: int,
    reason: str,
    now: datetime,
    pressed_card: CardCopy | None,
) -> models.Complaint:
    """Put a duplicate back on its own path where it was linked: its office's queue again, its reporter
    told."""
    if not reason.strip():
        raise ValueError("an unlink needs a reason")
    row = await session.get(models.Complaint, dup_id)
    if row is None:
        raise ComplaintNotFound(dup_id)
    if row.version != seen_version:
        raise StaleVersion(seen_version, row.version)
    if row.duplicate_of_id is None:
        raise NotPermitted(UNLINK, NOT_LINKED)
    if not may_unlink(actor, row):
        raise NotPermitted(
            UNLINK, ALREADY_RESULT if row.state in (S.RESOLVED, S.CLOSED) else "not this office's"
        )
    earlier = await session.get(models.Complaint, row.duplicate_of_id)
    shown = row.version
    await _bump(session, row, seen_version, now, duplicate_of_id=None)
    number = earlier.tracking_number if earlier else ""
    _event(session, row, actor, UNLINK, row.state, now, note=number, reason=reason, from_org_id=actor.org_id)
    common = _common(UNLINK, row.state, actor, now, reason=reason) | {"earlier": number}
    await retire_card_copies(session, row, shown, common, now, pressed_card)
    holder = workflow_for(row.kind).holder(row.state)
    if holder in ROLE_ORG_KIND and row.current_org_id is not None:
        for admin in await active_admins(session, row.current_org_id, holder):
            await add_notice(session, row, NoticeKind.TASK, admin.telegram_id, common, now)
    await _tell_reporter(session, row, common, now)
    return row


async def follow(
    session: AsyncSession,
    earlier: models.Complaint,
    trigger: str,
    actor: Actor,
    now: datetime,
    calendar: WorkingCalendar,
    reason: str | None,
    event_id: int,
) -> None:
    """In the transaction of the earlier complaint's step (`event_id`): its duplicates' reporters hear the
    same milestone, and an outcome becomes each duplicate's own."""
    if trigger not in FOLLOWED_MILESTONES | FOLLOWED_OUTCOMES:
        return
    complaint = models.Complaint
    dups = list(
        await session.scalars(
            select(complaint)
            .where(
                complaint.duplicate_of_id == earlier.id,
                complaint.state.not_in([S.RESOLVED, S.CLOSED, S.REJECTED]),
            )
            .order_by(complaint.id)
        )
    )
    for dup in dups:
        if trigger in FOLLOWED_OUTCOMES:
            await _follow_outcome(session, dup, earlier, trigger, actor, now, calendar, reason=reason)
            continue
        org_id = earlier.current_org_id
        common = _common(trigger, dup.state, actor, now, reason=None) | {
            "org_id": org_id,
            "earlier": earlier.tracking_number,
        }
        await _tell_reporter(
            session, dup, common, now, key_suffix=f"follow:{earlier.id}:{earlier.version}", event_id=event_id
        )


async def _follow_outcome(
    session: AsyncSession,
    dup: models.Complaint,
    earlier: models.Complaint,
    trigger: str,
    actor: Actor,
    now: datetime,
    calendar: WorkingCalendar,
    *,
    reason: str | None = None,
) -> None:
    """The earlier complaint's result (or rejection) becomes the duplicate's, as a step of its own."""
    dest = S.RESOLVED if trigger == T.APPROVE else S.REJECTED
    source = dup.state
    values: dict[str, Any] = {
        "state": dest,
        "current_org_id": None if dest == S.REJECTED else dup.current_org_id,
    }
    if trigger == T.APPROVE:
        values["result_text"] = earlier.result_text
    await _bump(session, dup, dup.version, now, **values)
    event = _event(session, dup, actor, trigger, source, now, reason=reason, note=earlier.result_text)
    await session.flush()
    if trigger == T.APPROVE:
        await _copy_result_files(session, earlier, dup, event.id)
    else:
        await record_finished(session, dup, calendar)
    common = _common(trigger, dest, actor, now, reason=reason) | {"earlier": earlier.tracking_number}
    await _tell_reporter(session, dup, common, now, event_id=event.id)


async def _copy_result_files(
    session: AsyncSession, earlier: models.Complaint, dup: models.Complaint, event_id: int
) -> None:
    event, file = models.ComplaintEvent, models.Attachment
    latest = await session.scalar(
        select(func.max(event.id)).where(event.complaint_id == earlier.id, event.trigger == T.SUBMIT_RESULT)
    )
    if latest is None:
        return
    for item in await session.scalars(select(file).where(file.event_id == latest).order_by(file.id)):
        session.add(
            models.Attachment(
                complaint_id=dup.id,
                event_id=event_id,
                telegram_file_id=item.telegram_file_id,
                file_unique_id=item.file_unique_id,
                kind=item.kind,
                file_name=item.file_name,
                mime_type=item.mime_type,
                size=item.size,
                bot_id=item.bot_id,
                sha256=item.sha256,
                stored_size=item.stored_size,
                stored_at=item.stored_at,
            )
        )


async def _bump(
    session: AsyncSession, row: models.Complaint, seen: int, now: datetime, **values: Any
) -> None:
    changed = await session.execute(
        update(models.Complaint)
        .where(models.Complaint.id == row.id, models.Complaint.version == seen)
        .values(version=seen + 1, updated_at=now, **values)
        .execution_options(synchronize_session=False)
    )
    if changed.rowcount != 1:  # type: ignore[attr-defined]
        raise StaleVersion(seen, None)
    await session.refresh(row)


def _event(
    session: AsyncSession,
    row: models.Complaint,
    actor: Actor,
    trigger: str,
    source: str,
    now: datetime,
    *,
    note: str | None = None,
    reason: str | None = None,
    from_org_id: int | None = None,
) -> models.ComplaintEvent:
    event = models.ComplaintEvent(
        complaint_id=row.id,
        version=row.version,
        trigger=trigger,
        from_state=source,
        to_state=row.state,
        actor_role=actor.role,
        actor_admin_id=actor.admin_id,
        actor_reporter_id=None,
        actor_name=actor.name,
        org_id=from_org_id if actor.is_admin else None,
        to_org_id=None,
        reason=reason,
        note=note,
        at=now,
    )
    session.add(event)
    return event


def _common(trigger: str, state: str, actor: Actor, now: datetime, *, reason: str | None) -> dict[str, Any]:
    return {
        "trigger": trigger,
        "state": state,
        "reason": reason,
        "actor_name": actor.name,
        "actor_role": actor.role,
        "actor_admin_id": actor.admin_id,
        "at": now.isoformat(),
    }


async def _tell_reporter(
    session: AsyncSession,
    row: models.Complaint,
    details: dict[str, Any],
    now: datetime,
    *,
    event_id: int | None = None,
    key_suffix: str = "",
) -> None:
    """The duplicate's reporter in Telegram; for one off Telegram, a relay by the officer who recorded the
    duplicate, of the milestones relayed of a complaint of their own, caused by `event_id` (link and unlink
    are not among them)."""
    reporter = await session.get(models.Reporter, row.reporter_id)
    if reporter is None:
        return
    if reporter.telegram_id is not None:
        await add_notice(
            session,
            row,
            NoticeKind.REPORTER_UPDATE,
            reporter.telegram_id,
            details,
            now,
            key_suffix=key_suffix,
        )
    elif event_id is not None and details["trigger"] in RELAYED_MILESTONES:
        await relay_to_recording_officer(session, row, details, now, event_id=event_id)


def refuse_if_following(row: models.Complaint | ComplaintInfo, actor: Actor, trigger: str) -> None:
    """A duplicate has no steps of its own at the offices while it follows an earlier complaint."""
    if row.duplicate_of_id is not None and actor.role not in (Role.REPORTER, Role.SYSTEM):
        holder = workflow_for(row.kind).holder(row.state)
        if holder in ROLE_ORG_KIND:
            raise NotPermitted(trigger, FOLLOWS_EARLIER)
