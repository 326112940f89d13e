"""Organisations, admins, reporters and the people who talk to the bot."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import BigInteger, Row, and_, bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage import models
from storage.data_errors import (
    DuplicateAdmin,
    InvalidOrganisationTree,
    NoProvince,
    RoleDoesNotFit,
    UnknownOrganisation,
)
from storage.models import table_of
from storage.routing_history import RoutingHistory
from storage.unit_of_work import connection_of, using
from storage.views import AdminInfo, ReporterInfo, admin_of, organisation_of, reporter_of
from workflow.actors import CHILD_KIND, ROLE_ORG_KIND, Organisation, OrgKind, Role
from workflow.identity import Identity


@dataclass(frozen=True)
class Caller:
    """Whoever sent an update, as the bot needs them before any handler runs."""

    language: str | None  # None: they never chose one
    admins: list[AdminInfo]  # their active admin seats, as `Directory.admins_of_user`


class Directory:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.sessions = sessions
        # Each office's own final decisions, which its pickers' suggestions learn from (kept per process).
        self.routing = RoutingHistory(sessions)

    async def add_organisation(
        self,
        *,
        code: str,
        name: str,
        kind: OrgKind,
        parent_code: str | None = None,
        short_name: str | None = None,
        region_code: str | None = None,
        districts: Sequence[str] = (),
    ) -> Organisation:
        async with self.sessions.begin() as session:
            parent = await _org_by_code(session, parent_code) if parent_code else None
            expected_parent_kind = next((k for k, child in CHILD_KIND.items() if child == kind), None)
            if (parent.kind if parent else None) != expected_parent_kind:
                raise InvalidOrganisationTree(
                    f"a {kind} must sit under a {expected_parent_kind}"
                    if expected_parent_kind
                    else f"a {kind} has no parent"
                )
            row = models.Organisation(
                code=code,
                name=name,
                kind=kind,
                parent_id=parent.id if parent else None,
                short_name=short_name,
                region_code=region_code,
                districts=list(districts) or None,
            )
            session.add(row)
            await session.flush()
            return organisation_of(row)

    async def organisation(self, org_id: int, *, session: AsyncSession | None = None) -> Organisation | None:
        async with using(self.sessions, session) as session:
            connection = await connection_of(session)
            row = (await connection.execute(_ORGANISATION, {"org_id": org_id})).first()
            return organisation_of(row) if row else None

    async def organisation_by_code(
        self, code: str, *, session: AsyncSession | None = None
    ) -> Organisation | None:
        async with using(self.sessions, session) as session:
            row = await session.scalar(select(models.Organisation).where(models.Organisation.code == code))
            return organisation_of(row) if row else None

    async def children(
        self, org_id: int, *, active_only: bool = True, session: AsyncSession | None = None
    ) -> list[Organisation]:
        query = select(models.Organisation).where(models.Organisation.parent_id == org_id)
        if active_only:
            query = query.where(models.Organisation.active)
        async with using(self.sessions, session) as session:
            rows = await session.scalars(query.order_by(models.Organisation.name))
            return [organisation_of(row) for row in rows]

    async def targets(
        self, org_id: int, kind: OrgKind, *, session: AsyncSession | None = None
    ) -> list[Organisation]:
        """Where `org_id` may send a complaint: its active children of `kind`, by label.

        Never the office itself: an agency registered under a city with the city's own name (an older registry
        listed the city's Dinkominfo among its OPDs) is left out, as the registry import now refuses it.
        """
        async with using(self.sessions, session) as session:
            connection = await connection_of(session)
            office = (await connection.execute(_ORGANISATION, {"org_id": org_id})).first()
            rows = (await connection.execute(_TARGETS, {"org_id": org_id, "kind": kind})).all()
        own = {office.name.casefold(), (office.short_name or office.name).casefold()} if office else set()
        found = [
            organisation_of(row)
            for row in rows
            if row.name.casefold() not in own and (row.short_name or row.name).casefold() not in own
        ]
        return sorted(found, key=lambda org: org.label.casefold())

    async def most_used_targets(
        self, org_id: int, trigger: str, *, limit: int = 3, session: AsyncSession | None = None
    ) -> list[int]:
        """The organisations `org_id` sent complaints to most often with `trigger`, most used first."""
        async with using(self.sessions, session) as session:
            connection = await connection_of(session)
            found = await connection.execute(
                _MOST_USED, {"org_id": org_id, "trigger": trigger, "most": limit}
            )
            return [int(org) for org in found.scalars() if org is not None]

    async def province(self, *, session: AsyncSession | None = None) -> Organisation:
        async with using(self.sessions, session) as session:
            connection = await connection_of(session)
            row = (await connection.execute(_PROVINCE)).first()
            if row is None:
                raise NoProvince()
            return organisation_of(row)

    async def add_admin(
        self, *, telegram_id: int, role: Role, org_code: str, full_name: str = ""
    ) -> AdminInfo:
        async with self.sessions.begin() as session:
            org = await _org_by_code(session, org_code)
            if ROLE_ORG_KIND.get(role) != org.kind:
                raise RoleDoesNotFit(role, org.code, org.kind)
            existing = await session.scalar(
                select(models.Admin).where(
                    models.Admin.telegram_id == telegram_id,
                    models.Admin.org_id == org.id,
                    models.Admin.role == role,
                )
            )
            if existing is not None and existing.active:
                raise DuplicateAdmin(telegram_id, role, org.code)
            if existing is not None:
                existing.active = True
                existing.full_name = full_name or existing.full_name
                row = existing
            else:
                row = models.Admin(telegram_id=telegram_id, role=role, org_id=org.id, full_name=full_name)
                session.add(row)
            await session.flush()
            return admin_of(row, org)

    async def deactivate_admin(self, admin_id: int) -> None:
        async with self.sessions.begin() as session:
            row = await session.get(models.Admin, admin_id)
            if row is not None:
                row.active = False

    async def admins_of_user(
        self, telegram_id: int, *, session: AsyncSession | None = None
    ) -> list[AdminInfo]:
        """The active admin roles a Telegram user holds."""
        query = (
            select(models.Admin, models.Organisation)
            .join(models.Organisation, models.Admin.org_id == models.Organisation.id)
            .where(models.Admin.telegram_id == telegram_id, models.Admin.active, models.Organisation.active)
            .order_by(models.Admin.id)
        )
        async with using(self.sessions, session) as session:
            return [admin_of(admin, org) for admin, org in (await session.execute(query)).all()]

    async def caller(self, telegram_id: int, *, session: AsyncSession | None = None) -> Caller:
        """`language_of` and `admins_of_user` in one statement: read for every update, so one round trip."""
        async with using(self.sessions, session) as session:
            connection = await connection_of(session)
            rows = (await connection.execute(_CALLER, {"telegram_id": telegram_id})).all()
        # One row per active seat, or a single row of NULLs for someone with none. A seat whose organisation
        # is inactive comes without its organisation: no seat.
        admins = [_seat_from(row) for row in rows if row.id is not None and row.org__id is not None]
        return Caller(language=rows[0].language, admins=admins)

    async def active_admins(
        self, org_id: int, role: Role, *, session: AsyncSession | None = None
    ) -> list[AdminInfo]:
        async with using(self.sessions, session) as session:
            return await active_admins(session, org_id, role)

    async def reporter_by_telegram_id(
        self, telegram_id: int, *, session: AsyncSession | None = None
    ) -> ReporterInfo | None:
        async with using(self.sessions, session) as session:
            connection = await connection_of(session)
            row = (await connection.execute(_REPORTER_OF_USER, {"telegram_id": telegram_id})).first()
            return reporter_of(row) if row else None

    async def reporter(self, reporter_id: int, *, session: AsyncSession | None = None) -> ReporterInfo | None:
        async with using(self.sessions, session) as session:
            connection = await connection_of(session)
            row = (await connection.execute(_REPORTER, {"reporter_id": reporter_id})).first()
            return reporter_of(row) if row else None

    async def save_reporter(
        self,
        *,
        telegram_id: int | None,
        identity: Identity,
        language: str = "id",
        session: AsyncSession | None = None,
    ) -> ReporterInfo:
        """Create the reporter, or update the identity of the one linked to this Telegram account."""
        async with using(self.sessions, session, write=True) as session:
            row = None
            if telegram_id is not None:
                row = await session.scalar(
                    select(models.Reporter).where(models.Reporter.telegram_id == telegram_id)
                )
            if row is None:
                row = models.Reporter(telegram_id=telegram_id)
                session.add(row)
            row.full_name = identity.full_name
            row.nik = identity.nik
            row.phone = identity.phone
            row.address = identity.address
            row.language = language
            row.erased_at = None  # an identity given anew after an erasure is held again
            await session.flush()
            return reporter_of(row)

    async def language_of(self, telegram_id: int, *, session: AsyncSession | None = None) -> str | None:
        async with using(self.sessions, session) as session:
            row = await session.get(models.TelegramUser, telegram_id)
            return row.language if row else None

    async def set_language(
        self, telegram_id: int, language: str, first_name: str = "", *, session: AsyncSession | None = None
    ) -> None:
        async with using(self.sessions, session, write=True) as session:
            row = await session.get(models.TelegramUser, telegram_id)
            if row is None:
                session.add(
                    models.TelegramUser(telegram_id=telegram_id, language=language, first_name=first_name)
                )
            else:
                row.language = language
            reporter = await session.scalar(
                select(models.Reporter).where(models.Reporter.telegram_id == telegram_id)
            )
            if reporter is not None:
                reporter.language = language


async def _org_by_code(session: AsyncSession, code: str) -> models.Organisation:
    row = await session.scalar(select(models.Organisation).where(models.Organisation.code == code))
    if row is None:
        raise UnknownOrganisation(code)
    return row


async def active_admins(session: AsyncSession, org_id: int, role: Role) -> list[AdminInfo]:
    connection = await connection_of(session)
    found = await connection.execute(_ACTIVE_ADMINS, {"org_id": org_id, "role": role})
    return [_seat_from(row) for row in found]


# The statements read on every update and every move, built once (building one costs more than running it):
# an admin's columns and their organisation's, prefixed `org__`, as `_seat_from` reads them.
_ADMINS, _ORGS, _USERS = table_of(models.Admin), table_of(models.Organisation), table_of(models.TelegramUser)
_SEAT_COLUMNS = (*_ADMINS.c, *(column.label(f"org__{column.name}") for column in _ORGS.c))
_ACTIVE_ADMINS = (
    select(*_SEAT_COLUMNS)
    .join(_ORGS, _ADMINS.c.org_id == _ORGS.c.id)
    .where(_ADMINS.c.org_id == bindparam("org_id"), _ADMINS.c.role == bindparam("role"), _ADMINS.c.active)
    .order_by(_ADMINS.c.id)
)
_REPORTERS = table_of(models.Reporter)
_REPORTER = select(_REPORTERS).where(_REPORTERS.c.id == bindparam("reporter_id"))
_REPORTER_OF_USER = select(_REPORTERS).where(_REPORTERS.c.telegram_id == bindparam("telegram_id"))
_ORGANISATION = select(_ORGS).where(_ORGS.c.id == bindparam("org_id"))
_TARGETS = select(_ORGS).where(
    _ORGS.c.parent_id == bindparam("org_id"), _ORGS.c.kind == bindparam("kind"), _ORGS.c.active
)
_PROVINCE = (
    select(_ORGS).where(_ORGS.c.kind == OrgKind.PROVINCE, _ORGS.c.active).order_by(_ORGS.c.id).limit(1)
)
_EVENTS = table_of(models.ComplaintEvent)
_MOST_USED = (
    select(_EVENTS.c.to_org_id)
    .where(
        _EVENTS.c.org_id == bindparam("org_id"),
        _EVENTS.c.trigger == bindparam("trigger"),
        _EVENTS.c.to_org_id.is_not(None),
    )
    .group_by(_EVENTS.c.to_org_id)
    .order_by(func.count(_EVENTS.c.id).desc(), func.max(_EVENTS.c.id).desc())
    .limit(bindparam("most"))
)
_PERSON = select(bindparam("telegram_id", type_=BigInteger).label("telegram_id")).subquery()
_CALLER = (
    select(_USERS.c.language, *_SEAT_COLUMNS)
    .select_from(_PERSON)
    .outerjoin(_USERS, _USERS.c.telegram_id == _PERSON.c.telegram_id)
    .outerjoin(_ADMINS, and_(_ADMINS.c.telegram_id == _PERSON.c.telegram_id, _ADMINS.c.active))
    .outerjoin(_ORGS, and_(_ORGS.c.id == _ADMINS.c.org_id, _ORGS.c.active))
    .order_by(_ADMINS.c.id)
)


def _seat_from(row: Row[Any]) -> AdminInfo:
    return AdminInfo(
        id=row.id,
        telegram_id=row.telegram_id,
        full_name=row.full_name,
        role=Role(row.role),
        org=organisation_of(row, prefix="org__"),
        active=row.active,
    )
