"""Every way back: each return's reason is on the card the next tier receives, and on the retired copies of
the colleagues of whoever returned it; a rejection's reason reaches the reporter."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.dev.local_api import LocalBotApi
from tests.conftest import World, draft_for
from tests.e2e.chat import Reporter
from tests.e2e.conftest import RunningBot
from tests.e2e.notifications import Staff, act, delivered, hire_staff
from workflow.definitions import S, T

NOT_OURS = "Lokasi di Kabupaten Batang, bukan kewenangan Kota Pekalongan."
NOT_OUR_DUTY = "Saluran irigasi adalah tupoksi DLH <bukan DPUPR> & sudah dikoordinasikan."
INCOMPLETE = "Foto sesudah perbaikan belum dilampirkan."
NOT_ADEQUATE = "Hasil belum menjawab keluhan soal genangan di depan sekolah."
NOT_LAPORGUB = "Ini permintaan informasi tarif PDAM, bukan pengaduan; silakan hubungi PDAM."


async def returned_with(
    world: World,
    staff: Staff,
    tier: str,
    number: str,
    reason: str,
    returner: str,
    engine: AsyncEngine,
    api: LocalBotApi,
) -> None:
    """The next tier's cards show the reason; so do the retired copies of the returner's colleagues."""
    await delivered(engine, api)
    for chat in staff.office(tier):
        card = chat.live_card(number)
        assert card is not None, f"{chat.admin.full_name} got no card of {number}"
        assert reason in (card.text or ""), f"{chat.admin.full_name}'s card lacks the reason"
    colleagues = [chat for chat in staff.chats.values() if chat.admin.org.id == world.admins[returner].org.id]
    for chat in colleagues:
        if chat.admin.id != world.admins[returner].id:
            assert reason in (chat.cards(number)[-1].text or "")


async def test_every_return_carries_its_reason_to_the_next_tier(
    notifying_bot: RunningBot, local_api: LocalBotApi, world: World, clean_engine: AsyncEngine
) -> None:
    staff = await hire_staff(world, local_api)
    assert world.reporter.telegram_id is not None
    rina = Reporter(local_api.user(world.reporter.telegram_id, "Rina"))
    await rina.command("/start")
    complaint = await world.complaints.submit(draft_for(world.reporter), world.reporter.as_actor())
    n = complaint.tracking_number
    await delivered(clean_engine, local_api)

    kota, dpupr = world.orgs["KOTA-PKL"].name, world.orgs["PKL-DPUPR"].name
    await act(world, staff["province"], n, T.DISPOSE, target=kota)
    await delivered(clean_engine, local_api)
    await act(world, staff["city"], n, T.RETURN_TO_PROVINCE, reason=NOT_OURS)  # 3: city → province
    await returned_with(world, staff, "province", n, NOT_OURS, "city", clean_engine, local_api)

    await act(world, staff["province2"], n, T.DISPOSE, target=kota)
    await delivered(clean_engine, local_api)
    await act(world, staff["city2"], n, T.FORWARD, target=dpupr)
    await delivered(clean_engine, local_api)
    await act(world, staff["opd3"], n, T.RETURN_TO_CITY, reason=NOT_OUR_DUTY)  # 4: agency → city
    await returned_with(world, staff, "city", n, NOT_OUR_DUTY, "opd3", clean_engine, local_api)

    await act(world, staff["city3"], n, T.FORWARD, target=dpupr)
    await delivered(clean_engine, local_api)
    await act(world, staff["opd"], n, T.ACCEPT)
    await delivered(clean_engine, local_api)
    await act(world, staff["opd2"], n, T.SUBMIT_RESULT, result="Saluran sudah dikeruk.")
    await delivered(clean_engine, local_api)
    await act(world, staff["city"], n, T.REQUEST_REVISION, reason=INCOMPLETE)  # 5: city → agency
    await returned_with(world, staff, "opd", n, INCOMPLETE, "city", clean_engine, local_api)

    await act(world, staff["opd"], n, T.SUBMIT_RESULT, result="Saluran sudah dikeruk; foto terlampir.")
    await delivered(clean_engine, local_api)
    await act(world, staff["city2"], n, T.CONFIRM_RESULT)
    await delivered(clean_engine, local_api)
    await act(world, staff["province3"], n, T.RETURN_RESULT, reason=NOT_ADEQUATE)  # 6: province → city
    await returned_with(world, staff, "city", n, NOT_ADEQUATE, "province3", clean_engine, local_api)

    # 2: the province rejects another complaint as not a LaporGub matter: the reporter reads why.
    other = await world.complaints.submit(
        draft_for(world.reporter, subject="Tarif PDAM"), world.reporter.as_actor()
    )
    await delivered(clean_engine, local_api)
    await act(world, staff["province2"], other.tracking_number, T.REJECT, reason=NOT_LAPORGUB)
    await delivered(clean_engine, local_api)
    await rina.expect_key(
        "notify.reporter.reject", number=other.tracking_number, subject="Tarif PDAM", reason=NOT_LAPORGUB
    )
    for seat in ("province", "province3"):
        assert NOT_LAPORGUB in (staff[seat].cards(other.tracking_number)[-1].text or "")
    rejected = await world.complaints.get(other.id)
    assert rejected is not None
    assert rejected.state == S.REJECTED
