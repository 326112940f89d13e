"""Whatever people typed, every notification fits Telegram's limits and shows their text, escaped, as text."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.dev.local_api import LocalBotApi
from bot.ui.display import TEXT_LIMIT
from tests.conftest import World, draft_for
from tests.e2e.chat import Reporter
from tests.e2e.notifications import STEPS, delivered, notifier_for, open_chats, outbox_rows, take_through
from workflow.definitions import T

SEATS = ("province", "province2", "city", "city2", "opd")
# Free texts at their longest, full of what HTML would take for markup.
LONG_RESULT = "<b>Hasil</b> & tindak lanjut: " + "saluran <dibersihkan> & diperbaiki; " * 230
LONG_REASON = "Bukan kewenangan <kota> & bukan materi LaporGub. " * 100


async def test_long_and_html_like_texts_fit_and_show_as_text(
    local_api: LocalBotApi, clean_engine: AsyncEngine, world: World
) -> None:
    await open_chats(world, local_api, *SEATS)
    notifier = notifier_for(local_api, clean_engine, world)
    notifier.start()
    try:
        long_subject = draft_for(world.reporter, subject="Banjir <rob> & sampah " * 9, chronology="x " * 3999)
        complaint = await world.complaints.submit(long_subject, world.reporter.as_actor())
        steps = [(seat, trigger, dict(extra)) for seat, trigger, extra in STEPS]
        steps[3][2]["result"] = LONG_RESULT
        await take_through(world, complaint, steps)
        rejected = await world.complaints.submit(draft_for(world.reporter), world.reporter.as_actor())
        await take_through(world, rejected, [("province", T.REJECT, {"reason": LONG_REASON})])
        await delivered(clean_engine, None)
    finally:
        await notifier.stop()

    assert {row.status for row in await outbox_rows(clean_engine)} == {"sent"}
    assert local_api.requests(ok=False) == []
    assert world.reporter.telegram_id is not None
    rina = Reporter(local_api.user(world.reporter.telegram_id))
    result, rejection = rina.user.chat().bot_messages()[-2:]
    for message in (result, rejection):
        assert len((message.text or "").encode("utf-16-le")) // 2 <= TEXT_LIMIT
        assert rina.said("shortened", hidden=1).split("1")[0].strip() in (message.text or "")
    assert "<b>Hasil</b> & tindak lanjut: saluran <dibersihkan> & diperbaiki;" in (result.text or "")
    assert "Bukan kewenangan <kota> & bukan materi LaporGub." in (rejection.text or "")
    assert result.buttons
