"""Text that looks like HTML is stored verbatim and shown as typed; long texts never break Telegram's limits.

The local Bot API refuses bad HTML and over-long messages as Telegram does, so "no refused request" proves
the escaping and the shortening.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.dev.local_api import LocalBotApi
from bot.ui.display import utf16_len
from storage import models
from storage.database import session_factory
from tests.e2e.chat import Reporter
from tests.e2e.conftest import RunningBot
from tests.e2e.scripts import Answers, answer_complaint, answer_identity, start_filing, submit

CHRONOLOGY = ("😀 " + "a < b & c <b>tebal</b> </i> &amp; " * 200)[:4000]
TRICKY = Answers(
    full_name='<b>Siti</b> & "Co"',
    phone="+62 812-3456-7895",
    address="Jl. <i>Merdeka</i> a < b & c 🏠",
    subject="<b>Jalan</b> a < b & c 😀 <script>",
    chronology=CHRONOLOGY,
    event_place='<i>Pasar</i> & "Grosir" > 5',
    photos=0,
    share_location=False,
)


async def test_html_special_text_is_stored_verbatim_and_shown_escaped(
    running_bot: RunningBot, local_api: LocalBotApi, clean_engine: AsyncEngine
) -> None:
    assert len(CHRONOLOGY) == 4000
    reporter = Reporter(local_api.user(7501, "Sari"))
    await start_filing(reporter)
    await answer_identity(reporter, TRICKY)
    summary = await answer_complaint(reporter, TRICKY)

    text = summary.text or ""
    for typed in (TRICKY.full_name, TRICKY.address, TRICKY.subject, TRICKY.event_place):
        assert typed in text
    # Typed in this conversation: the reporter checks the full NIK and phone before sending.
    assert "3375014507900002" in text
    assert "+6281234567895" in text
    assert utf16_len(text) <= 4096
    shown = text.split(reporter.said("label.chronology") + ":\n", 1)[1]
    marker = reporter.said("shortened", hidden=1).split("1")[0]
    assert marker in shown
    assert CHRONOLOGY.startswith(shown.split(marker)[0])
    assert '&lt;b&gt;Siti&lt;/b&gt; &amp; "Co"' in (summary.html or "")

    confirmation = await submit(reporter, summary)
    number = (confirmation.text or "").split(reporter.said("label.subject"))[0]
    async with session_factory(clean_engine)() as session:
        complaint = await session.scalar(select(models.Complaint))
        assert complaint is not None
        reporter_row = await session.get(models.Reporter, complaint.reporter_id)
    assert complaint.tracking_number in number
    assert (complaint.subject, complaint.chronology, complaint.event_place) == (
        TRICKY.subject,
        CHRONOLOGY,
        TRICKY.event_place,
    )
    assert reporter_row is not None
    assert (reporter_row.full_name, reporter_row.address) == (TRICKY.full_name, TRICKY.address)

    await reporter.command("/my")
    listing = await reporter.expect_starting(reporter.said("mine.title"))
    assert TRICKY.subject in (listing.text or "")
    await reporter.press_text(listing, complaint.tracking_number)
    heading = reporter.said("detail", **{**_blank_detail(), "number": complaint.tracking_number}).split("\n")[
        0
    ]
    detail = await reporter.expect_starting(heading)
    assert TRICKY.subject in (detail.text or "")
    assert TRICKY.event_place in (detail.text or "")
    assert marker in (detail.text or "")
    assert utf16_len(detail.text or "") <= 4096
    assert local_api.requests(ok=False) == []


def _blank_detail() -> dict[str, str]:
    return dict.fromkeys(
        (
            "number",
            "subject",
            "state",
            "received",
            "deadline",
            "event_date",
            "place",
            "confidential",
            "chronology",
        ),
        "",
    )
