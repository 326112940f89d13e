"""Whose complaint is this: the one check behind every button a reporter presses on their own complaint."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from storage.complaints import ComplaintService
from storage.directory import Directory
from storage.views import ComplaintInfo, ReporterInfo


async def own_complaint(
    directory: Directory,
    complaints: ComplaintService,
    telegram_id: int,
    complaint_id: int | None,
    *,
    session: AsyncSession | None = None,
) -> tuple[ReporterInfo, ComplaintInfo] | None:
    """The reporter and the complaint, if this Telegram user filed it; callback data can be forged, so an id
    alone proves nothing about whose complaint it is."""
    if complaint_id is None:
        return None
    reporter = await directory.reporter_by_telegram_id(telegram_id, session=session)
    complaint = await complaints.get(complaint_id, session=session)
    if reporter is None or complaint is None or complaint.reporter_id != reporter.id:
        return None
    return reporter, complaint
