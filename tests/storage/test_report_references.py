"""Reports count how complaints arrived and, beside it, where else they are filed (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date

from bot.ui.report_rendering.summary import summary_text
from storage.reports.figures import Period, build_report
from tests.conftest import START, World, draft_for
from workflow.calendar import to_wib
from workflow.channels import Channel, ExternalReference, ExternalSystem


async def test_a_phoned_in_sp4n_complaint_counts_as_telephone_and_as_sp4n(world: World) -> None:
    filed = [
        (Channel.TELEPHONE, ExternalReference(ExternalSystem.SP4N_LAPOR, "SP4N-1")),
        (Channel.EMAIL, ExternalReference(ExternalSystem.SP4N_LAPOR, "SP4N-2")),
        (Channel.WEBSITE, ExternalReference(ExternalSystem.WADUL_ALADIN, "WA-3")),
        (Channel.TELEPHONE, None),
        (Channel.TELEGRAM, None),
    ]
    for channel, reference in filed:
        await world.complaints.submit(
            draft_for(world.reporter, channel=channel, external_ref=reference), world.actor("officer")
        )
    day = to_wib(START).date()
    report = await build_report(
        world.complaints.sessions,
        world.complaints.calendar,
        world.orgs["JATENG"],
        Period(date(day.year, day.month, 1), day),
        now=START,
    )
    assert dict(report.by_channel) == {"telephone": 2, "email": 1, "website": 1, "telegram": 1}
    assert list(report.by_reference.items()) == [("sp4n_lapor", 2), ("wadul_aladin", 1)]
    assert "Rujukan sistem lain: SP4N-LAPOR! 2, Wadul Aladin 1" in summary_text(report, "id")
