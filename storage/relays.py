"""Complainants who are not on Telegram: their contact, and the notices an officer relays to them.

Every notice meant for such a complainant becomes a relay: a task for the officer who recorded the complaint
("tell <name> at <contact> via <channel>: ...") with a "delivered" button (written by
`storage.outbox.notifications`). The result's relay, once delivered, acknowledges the complaint for the
complainant (the workflow lets the handling office's officer do that), so a complaint never closes before they
were told; the scheduler's auto-close skips complaints with an undelivered relay (`awaiting_relay`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, exists, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage import models
from storage.complaints import ComplaintService
from storage.data_errors import StorageError
from storage.unit_of_work import using
from storage.views import AdminInfo, ReporterInfo, reporter_of
from workflow.actors import Role
from workflow.channels import Channel
from workflow.definitions import ComplaintKind, S, T
from workflow.errors import WorkflowError
from workflow.identity import Identity


class RelayNotFound(StorageError):
    def __init__(self, relay_id: int) -> None:
        super().__init__(f"no relay {relay_id} for this officer's office")


@dataclass(frozen=True)
class RelayInfo:
    id: int
    complaint_id: int
    complaint_version: int
    trigger: str
    officer_admin_id: int
    delivered_at: datetime | None


@dataclass(frozen=True)
class Delivered:
    relay: RelayInfo
    first_time: bool  # False: a colleague (or a double tap) confirmed it already
    closed: bool  # the result was delivered and the complaint acknowledged for the complainant


def awaiting_relay() -> ColumnElement[bool]:
    """True for a complaint with a notice its officer has not yet confirmed as delivered."""
    return exists().where(
        models.Relay.complaint_id == models.Complaint.id, models.Relay.delivered_at.is_(None)
    )


def relay_of(row: models.Relay) -> RelayInfo:
    return RelayInfo(
        row.id, row.complaint_id, row.complaint_version, row.trigger, row.officer_admin_id, row.delivered_at
    )


async def save_offline_reporter(
    sessions: async_sessionmaker[AsyncSession],
    *,
    identity: Identity,
    contact: str,
    contact_channel: Channel,
    language: str = "id",
    session: AsyncSession | None = None,
) -> ReporterInfo:
    """A complainant recorded by an officer: no Telegram account, reached through `contact`."""
    async with using(sessions, session, write=True) as session:
        row = models.Reporter(
            telegram_id=None,
            full_name=identity.full_name,
            nik=identity.nik,
            phone=identity.phone,
            address=identity.address,
            language=language,
            contact=contact,
            contact_channel=contact_channel,
        )
        session.add(row)
        await session.flush()
        return reporter_of(row)


async def contact_of(sessions: async_sessionmaker[AsyncSession], reporter_id: int) -> tuple[str, str] | None:
    async with sessions() as session:
        row = await session.get(models.Reporter, reporter_id)
        if row is None or row.contact is None:
            return None
        return row.contact, row.contact_channel or Channel.TELEPHONE


class Relays:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], complaints: ComplaintService) -> None:
        self.sessions = sessions
        self.complaints = complaints

    async def get(self, relay_id: int) -> RelayInfo | None:
        async with self.sessions() as session:
            row = await session.get(models.Relay, relay_id)
            return relay_of(row) if row else None

    async def pending(self, officer: AdminInfo) -> list[RelayInfo]:
        """Undelivered relays of complaints recorded by this officer's office."""
        query = (
            select(models.Relay)
            .join(models.Admin, models.Relay.officer_admin_id == models.Admin.id)
            .where(models.Admin.org_id == officer.org.id, models.Relay.delivered_at.is_(None))
            .order_by(models.Relay.id)
        )
        async with self.sessions() as session:
            return [relay_of(row) for row in await session.scalars(query)]

    async def deliver(
        self, relay_id: int, officer: AdminInfo, *, session: AsyncSession | None = None
    ) -> Delivered:
        if officer.role is not Role.OFFICER:
            raise RelayNotFound(relay_id)
        now = self.complaints.clock()
        async with using(self.sessions, session, write=True) as own:
            row = await own.get(models.Relay, relay_id)
            recorder = await own.get(models.Admin, row.officer_admin_id) if row else None
            if row is None or recorder is None or recorder.org_id != officer.org.id:
                raise RelayNotFound(relay_id)
            first_time = row.delivered_at is None
            if first_time:
                row.delivered_at = now
                row.delivered_by_admin_id = officer.id
            relay = relay_of(row)
        closed = False
        complaint = await self.complaints.get(relay.complaint_id, session=session)
        if (
            first_time
            and complaint is not None
            and complaint.kind is ComplaintKind.LAPORGUB
            and relay.trigger == T.APPROVE
            and complaint.state == S.RESOLVED
        ):
            try:
                await self.complaints.fire(
                    complaint.id,
                    officer.as_actor(),
                    T.ACKNOWLEDGE,
                    seen_version=complaint.version,
                    session=session,
                )
                closed = True
            except WorkflowError:
                closed = False  # closed meanwhile (the complainant linked it and acknowledged)
        return Delivered(relay, first_time, closed)


async def undelivered_count(session: AsyncSession, complaint_id: int) -> int:
    rows = await session.scalars(
        select(models.Relay.id).where(
            models.Relay.complaint_id == complaint_id, models.Relay.delivered_at.is_(None)
        )
    )
    return len(list(rows))
