"""Invites: a one-time deep link (`/start <code>`) by which an admin seats the admins below them.

Who may invite whom follows the tree: a province admin invites city admins of its cities; a city admin
invites OPD admins of its agencies and officers and officials of its own office. A code works once, for 48
hours; the clock is injected so tests can pass the deadline.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage import models
from storage.data_errors import RoleDoesNotFit, StorageError, UnknownOrganisation
from storage.unit_of_work import using
from storage.views import AdminInfo, admin_of, organisation_of
from workflow.actors import ROLE_ORG_KIND, Organisation, Role

INVITE_LIFETIME = timedelta(hours=48)
# Roles an admin of each role may invite, and whether the seat is in a child organisation or their own.
INVITABLE: dict[Role, tuple[tuple[Role, bool], ...]] = {
    Role.PROVINCE: ((Role.CITY, True),),
    Role.CITY: ((Role.OPD, True), (Role.OFFICER, False), (Role.OFFICIAL, False)),
}


class InviteError(StorageError):
    pass


class InviteUnknown(InviteError):
    def __init__(self) -> None:
        super().__init__("no such invite")


class InviteUsed(InviteError):
    def __init__(self) -> None:
        super().__init__("this invite was already used")


class InviteExpired(InviteError):
    def __init__(self) -> None:
        super().__init__("this invite has expired")


class AlreadySeated(InviteError):
    def __init__(self, seat: AdminInfo) -> None:
        super().__init__(f"already a {seat.role} admin of {seat.org.code}")
        self.seat = seat


class NotBelow(InviteError):
    def __init__(self, role: Role, org_code: str) -> None:
        super().__init__(f"a {role} seat at {org_code} is not below this admin")


@dataclass(frozen=True)
class InviteInfo:
    id: int
    code: str
    role: Role
    org: Organisation
    expires_at: datetime


def may_invite(inviter: AdminInfo, role: Role, org: Organisation) -> bool:
    for allowed, in_child in INVITABLE.get(inviter.role, ()):
        if role is not allowed:
            continue
        if in_child and org.parent_id == inviter.org.id:
            return True
        if not in_child and org.id == inviter.org.id:
            return True
    return False


def is_below(boss: AdminInfo, seat: AdminInfo) -> bool:
    return may_invite(boss, seat.role, seat.org)


class Invites:
    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], clock: Callable[[], datetime] = models.utcnow
    ) -> None:
        self.sessions = sessions
        self.clock = clock

    async def create(
        self, inviter: AdminInfo, role: Role, org_id: int, *, session: AsyncSession | None = None
    ) -> InviteInfo:
        async with using(self.sessions, session, write=True) as session:
            org_row = await session.get(models.Organisation, org_id)
            if org_row is None or not org_row.active:
                raise UnknownOrganisation(org_id)
            org = organisation_of(org_row)
            if not may_invite(inviter, role, org):
                raise NotBelow(role, org.code)
            now = self.clock()
            row = models.Invite(
                code=secrets.token_urlsafe(12),  # 16 URL-safe characters; /start allows up to 64
                org_id=org.id,
                role=role,
                created_by_admin_id=inviter.id,
                created_at=now,
                expires_at=now + INVITE_LIFETIME,
            )
            session.add(row)
            await session.flush()
            return InviteInfo(row.id, row.code, role, org, row.expires_at)

    async def create_for_operator(self, role: Role, org_code: str) -> InviteInfo:
        """An invite the operator makes from the command line (`laporgub admin invite`), for any seat that
        fits its organisation: how the first admin is seated without knowing their numeric Telegram id."""
        async with self.sessions.begin() as session:
            org_row = await session.scalar(
                select(models.Organisation).where(models.Organisation.code == org_code)
            )
            if org_row is None or not org_row.active:
                raise UnknownOrganisation(org_code)
            if ROLE_ORG_KIND.get(role) != org_row.kind:
                raise RoleDoesNotFit(role, org_row.code, org_row.kind)
            now = self.clock()
            row = models.Invite(
                code=secrets.token_urlsafe(12),
                org_id=org_row.id,
                role=role,
                created_by_admin_id=None,
                created_at=now,
                expires_at=now + INVITE_LIFETIME,
            )
            session.add(row)
            await session.flush()
            return InviteInfo(row.id, row.code, role, organisation_of(org_row), row.expires_at)

    async def redeem(
        self, code: str, telegram_id: int, full_name: str = "", *, session: AsyncSession | None = None
    ) -> AdminInfo:
        """Seat the user; `InviteUnknown`, `InviteUsed`, `InviteExpired` or `AlreadySeated` otherwise (each
        raised before anything is written)."""
        now = self.clock()
        async with using(self.sessions, session, write=True) as session:
            invite = await session.scalar(select(models.Invite).where(models.Invite.code == code))
            if invite is None:
                raise InviteUnknown()
            org = await session.get(models.Organisation, invite.org_id)
            assert org is not None
            seat = await session.scalar(
                select(models.Admin).where(
                    models.Admin.telegram_id == telegram_id,
                    models.Admin.org_id == invite.org_id,
                    models.Admin.role == invite.role,
                )
            )
            if seat is not None and seat.active:
                raise AlreadySeated(admin_of(seat, org))
            if invite.used_at is not None:
                raise InviteUsed()
            if now >= invite.expires_at:
                raise InviteExpired()
            # The conditional update makes two people opening the same link at once seat only one of them.
            taken = await session.execute(
                update(models.Invite)
                .where(models.Invite.id == invite.id, models.Invite.used_at.is_(None))
                .values(used_at=now, used_by_telegram_id=telegram_id)
                .execution_options(synchronize_session=False)
            )
            if taken.rowcount != 1:  # type: ignore[attr-defined]
                raise InviteUsed()
            if seat is None:
                seat = models.Admin(
                    telegram_id=telegram_id, role=invite.role, org_id=invite.org_id, full_name=full_name
                )
                session.add(seat)
            else:
                seat.active = True
                seat.full_name = full_name or seat.full_name
            await session.flush()
            return admin_of(seat, org)

    async def admins_below(self, boss: AdminInfo, *, session: AsyncSession | None = None) -> list[AdminInfo]:
        """The seats `boss` may invite to, active or not, ordered by organisation and id."""
        query = (
            select(models.Admin, models.Organisation)
            .join(models.Organisation, models.Admin.org_id == models.Organisation.id)
            .where((models.Organisation.parent_id == boss.org.id) | (models.Organisation.id == boss.org.id))
            .order_by(models.Organisation.name, models.Admin.id)
        )
        async with using(self.sessions, session) as session:
            rows = (await session.execute(query)).all()
        seats = [admin_of(admin, org) for admin, org in rows]
        return [seat for seat in seats if is_below(boss, seat)]

    async def deactivate_below(
        self, boss: AdminInfo, admin_id: int, *, session: AsyncSession | None = None
    ) -> AdminInfo:
        async with using(self.sessions, session, write=True) as session:
            row = await session.get(models.Admin, admin_id)
            org = await session.get(models.Organisation, row.org_id) if row else None
            if row is None or org is None:
                raise UnknownOrganisation(admin_id)
            seat = admin_of(row, org)
            if not is_below(boss, seat):
                raise NotBelow(seat.role, seat.org.code)
            row.active = False
            await session.flush()
            return admin_of(row, org)


def invite_link(bot_username: str, code: str) -> str:
    return f"https://t.me/{bot_username}?start={code}"
