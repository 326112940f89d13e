"""Whether a complaint's complainant answers in the bot themselves (SQLite and PostgreSQL): not when an
officer recorded it for someone off Telegram or the bot found itself blocked; again once they link it or act
in the bot. Only while they do not may an officer answer for them."""

from __future__ import annotations

from storage.linking import Linking
from storage.relays import save_offline_reporter
from storage.views import ComplaintInfo
from tests.conftest import World, draft_for
from tests.e2e.notifications import STEPS, take_through
from tests.storage.test_channels import CITIZEN
from workflow.channels import Channel
from workflow.definitions import S, T


async def _officer_may_acknowledge(world: World, complaint: ComplaintInfo) -> bool:
    current = await world.complaints.get(complaint.id)
    assert current is not None
    steps = await world.complaints.allowed_steps(current, world.actor("officer"))
    return T.ACKNOWLEDGE in [step.trigger for step in steps]


async def test_a_reporter_who_blocked_the_bot_is_answered_for_until_they_act_again(world: World) -> None:
    filed = await world.complaints.submit(draft_for(world.reporter), world.reporter.as_actor())
    assert filed.complainant_in_bot
    resolved = await take_through(world, filed, STEPS)
    assert resolved.state == S.RESOLVED
    assert not await _officer_may_acknowledge(world, resolved)

    await world.complaints.reporter_unreachable(resolved.id, 1, "TelegramForbiddenError: bot was blocked")
    assert await _officer_may_acknowledge(world, resolved)

    # They unblocked it and answered: the answer is theirs again.
    closed = await world.complaints.fire(
        resolved.id, world.reporter.as_actor(), T.ACKNOWLEDGE, seen_version=resolved.version
    )
    assert closed.complaint.complainant_in_bot


async def test_a_complainant_recorded_off_telegram_is_answered_for_until_they_link_it(world: World) -> None:
    citizen = await save_offline_reporter(
        world.complaints.sessions,
        identity=CITIZEN,
        contact="+6281234561234",
        contact_channel=Channel.TELEPHONE,
    )
    recorded = await world.complaints.submit(
        draft_for(citizen, channel=Channel.TELEPHONE), world.actor("officer")
    )
    assert not recorded.complainant_in_bot
    resolved = await take_through(world, recorded, STEPS)
    assert await _officer_may_acknowledge(world, resolved)

    linked = await Linking(world.complaints.sessions).link(9301, recorded.tracking_number, "1234")
    assert linked.complainant_in_bot
    assert not await _officer_may_acknowledge(world, resolved)
