"""Admin seats seen from above: who sits where, and taking a seat away by Telegram id."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage import models
from storage.data_errors import StorageError, UnknownOrganisation
from storage.views import AdminInfo, admin_of


class NoSuchSeat(StorageError):
    def __init__(self, telegram_id: int, org_code: str | None) -> None:
        where = f" of {org_code}" if org_code else ""
        super().__init__(f"{telegram_id} is not an active admin{where}")


async def list_admins(
    sessions: async_sessionmaker[AsyncSession],
    *,
    org_code: str | None = None,
    org_ids: list[int] | None = None,
    include_inactive: bool = True,
) -> list[AdminInfo]:
    query = select(models.Admin, models.Organisation).join(
        models.Organisation, models.Admin.org_id == models.Organisation.id
    )
    async with sessions() as session:
        if org_code is not None:
            query = query.where(models.Admin.org_id == (await _org_id(session, org_code)))
        if org_ids is not None:
            query = query.where(models.Admin.org_id.in_(org_ids))
        if not include_inactive:
            query = query.where(models.Admin.active)
        rows = (await session.execute(query.order_by(models.Organisation.code, models.Admin.id))).all()
        return [admin_of(admin, org) for admin, org in rows]


async def deactivate_by_telegram_id(
    sessions: async_sessionmaker[AsyncSession], telegram_id: int, org_code: str | None = None
) -> list[AdminInfo]:
    """Deactivate the user's active seats (in one organisation, or all); `NoSuchSeat` when there are none."""
    async with sessions.begin() as session:
        query = (
            select(models.Admin, models.Organisation)
            .join(models.Organisation, models.Admin.org_id == models.Organisation.id)
            .where(models.Admin.telegram_id == telegram_id, models.Admin.active)
        )
        if org_code is not None:
            query = query.where(models.Admin.org_id == (await _org_id(session, org_code)))
        rows = (await session.execute(query)).all()
        if not rows:
            raise NoSuchSeat(telegram_id, org_code)
        for admin, _org in rows:
            admin.active = False
        return [admin_of(admin, org) for admin, org in rows]


async def _org_id(session: AsyncSession, code: str) -> int:
    org_id = await session.scalar(select(models.Organisation.id).where(models.Organisation.code == code))
    if org_id is None:
        raise UnknownOrganisation(code)
    return org_id
