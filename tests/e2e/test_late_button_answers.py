"""Every button press reaches the bot after Telegram's time to answer it has run out (as after a restart):
answering it is refused as "query is too old", and the press is still carried out."""

from __future__ import annotations

from bot.dev.local_api import LocalBotApi
from tests.conftest import World
from tests.e2e.chat import Reporter
from tests.e2e.conftest import RunningBot
from tests.e2e.scripts import file_complaint


async def test_a_complaint_is_filed_though_every_button_is_answered_too_late(
    running_bot: RunningBot, local_api: LocalBotApi, world: World
) -> None:
    local_api.config.callback_query_timeout = 0.0
    siti = Reporter(local_api.user(8802, "Siti"))
    confirmation = await file_complaint(siti)

    reporter = await world.directory.reporter_by_telegram_id(siti.id)
    assert reporter is not None
    (complaint,) = await world.complaints.reporter_complaints(reporter.id)
    assert complaint.tracking_number in (confirmation.text or "")
    refused = [r for r in local_api.requests("answerCallbackQuery") if not r.ok]
    assert refused, "no answer was refused: the test proves nothing"
    assert all("query is too old" in (r.description or "") for r in refused)
