"""/datasaya end to end: a reporter sees what is held about them and asks for erasure; Dinkominfo's admins
erase or refuse from the request's card; the complaint goes on without the identity."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from functools import partial

import pytest
from sqlalchemy import Text, select, type_coerce
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app.factory import create_dispatcher
from bot.app.settings import Mode
from bot.dev.local_api import ChatMessage, LocalBotApi
from bot.ui.admin_callbacks import DataRequestCb
from bot.ui.callbacks import MAX_ROW_ID, MyDataCb
from storage import models
from storage.data_requests import DataRequests, RequestStatus
from storage.database import session_factory
from storage.retention import ERASED_NAME
from tests.conftest import World
from tests.e2e import conftest as e2e
from tests.e2e.admin_desk import Desk, forge_press
from tests.e2e.chat import Reporter
from tests.e2e.notifications import delivered, open_chats
from tests.e2e.officer_desk import TEST_DESK
from tests.e2e.scripts import Answers, file_complaint
from workflow.definitions import T
from workflow.identity import mask_nik

OFFICE_SEATS = ("city", "city2", "officer", "official")
SITI = Answers(photos=1, share_location=False)
SITI_ID = 7301
TITLE = "🗂 Data pribadi Anda di LaporGub"


@pytest.fixture
def mode() -> Mode:
    return Mode.POLLING


@pytest.fixture
async def office_bot(
    local_api: LocalBotApi, clean_engine: AsyncEngine, world: World, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[e2e.RunningBot]:
    """The bot with its outbox sender, the test tree's Dinkominfo (`KOTA-PKL`) as the handling office."""
    monkeypatch.setattr(e2e, "create_dispatcher", partial(create_dispatcher, service_desk=TEST_DESK))
    running = e2e.RunningBot(local_api, clean_engine, world, Mode.POLLING, notify=True)
    await running.start()
    yield running
    await running.stop()


async def my_data(reporter: Reporter) -> ChatMessage:
    await reporter.command("/datasaya")
    return await reporter.expect_starting(TITLE if reporter.t.language == "id" else "🗂")


async def ask_erasure(reporter: Reporter) -> None:
    shown = await my_data(reporter)
    await reporter.press(shown, "btn.data.erase")
    confirmation = await reporter.next_where(
        lambda m: (m.text or "").startswith(reporter.said("data.confirm", office="X", open="")[:20]),
        "the erasure's confirmation",
    )
    await reporter.press(confirmation, "btn.data.yes")
    await reporter.expect_key("data.filed", office=TEST_OFFICE)


TEST_OFFICE = "Dinkominfo Kota Pekalongan"  # the test tree's name of KOTA-PKL


async def office_card(desk: Desk) -> ChatMessage:
    return await desk.next_where(
        lambda m: (m.text or "").startswith("🗂 Permintaan hapus data pribadi") and bool(m.buttons),
        "the erasure request's card",
    )


async def said_toast(person: Reporter) -> str:
    """The next callback answer that says something (plain acknowledgements are skipped)."""
    while not (text := str((await person.user.wait_for_toast(timeout=10.0))["text"])):
        pass
    return text


async def stored_identity(engine: AsyncEngine, telegram_id: int) -> tuple[str, str, str, str]:
    """The raw columns, as the database holds them (encrypted ones undecrypted)."""
    table = models.Reporter.__table__
    async with session_factory(engine)() as session:
        row = (
            await session.execute(
                select(
                    table.c.full_name,
                    type_coerce(table.c.nik, Text),
                    type_coerce(table.c.phone, Text),
                    table.c.address,
                ).where(table.c.telegram_id == telegram_id)
            )
        ).one()
    return tuple(row)  # type: ignore[return-value]


async def test_a_reporter_asks_erasure_an_admin_confirms_and_the_complaint_goes_on(
    office_bot: e2e.RunningBot, local_api: LocalBotApi, world: World, clean_engine: AsyncEngine
) -> None:
    await open_chats(world, local_api, *OFFICE_SEATS, "province", "province2")
    siti = Reporter(local_api.user(SITI_ID, "Siti"))
    confirmation = await file_complaint(siti, SITI)
    number = next(word for word in (confirmation.text or "").split() if word.startswith("LG-"))

    # What is held, in plain words: the identity masked, the complaint, the file, the keeping period.
    shown = await my_data(siti)
    text = shown.text or ""
    assert "Siti Aminah" in text
    assert mask_nik(SITI.nik) in text
    assert SITI.nik not in text
    assert number in text
    assert siti.said("data.encrypted") in text
    assert siti.said("data.retention", days=365) in text
    assert siti.said("data.attachments", count=1) in text
    assert shown.button_texts == [siti.t.plain("btn.data.erase")]

    # Asking: what erasure means is said first (the open complaint goes on), then it is filed.
    await siti.press(shown, "btn.data.erase")
    meaning = await siti.expect_key(
        "data.confirm", office=TEST_OFFICE, open=siti.t("data.confirm.open", count=1)
    )
    await siti.press(meaning, "btn.data.yes")
    await siti.expect_key("data.filed", office=TEST_OFFICE)
    # A second request while one waits says so, files nothing.
    await siti.press(shown, "btn.data.erase")
    waiting = await siti.next_where(
        lambda m: (m.text or "").startswith("⏳ Anda sudah mengajukan"), "already pending"
    )
    assert "masih diperiksa" in (waiting.text or "")
    again = await my_data(siti)
    assert not again.buttons
    assert "⏳ Permintaan hapus data Anda" in (again.text or "")

    # Every admin of Dinkominfo gets the card; one erases.
    desks = {seat: Desk(local_api, world, seat) for seat in OFFICE_SEATS}
    cards = {seat: await office_card(desk) for seat, desk in desks.items()}
    city_card = cards["city"]
    assert "Siti Aminah" in (city_card.text or "")
    assert SITI.nik not in (city_card.text or "")
    assert "1 laporan masih diproses" in (city_card.text or "")
    assert city_card.button_texts == ["✅ Hapus data", "❌ Tolak"]
    await desks["city"].press(city_card, "admin.data.btn.erase")
    assert await desks["city"].toast() == desks["city"].t.plain("admin.data.toast.erased")
    done = await desks["city"].settled(city_card, lambda m: not m.buttons)
    assert "Data pelapor dihapus" in (done.text or "")
    assert "Siti Aminah" not in (done.text or "")
    # The colleagues' copies say who did it, and lose their buttons.
    for seat in ("city2", "officer", "official"):
        retired = await desks[seat].settled(cards[seat], lambda m: not m.buttons)
        assert "Admin city" in (retired.text or "")
    # A stale press on a retired copy: who decided it, and nothing changes.
    request_id = DataRequestCb.unpack(city_card.buttons[0]["callback_data"]).r
    await desks["city2"].press_forged(cards["city2"], DataRequestCb(r=request_id, erase=False).pack())
    assert (await desks["city2"].toast()).startswith("Sudah ditangani oleh Admin city")

    # The reporter is told; their identity is gone from the database.
    told = await siti.expect_starting("🗑 Data pribadi Anda telah dihapus")
    assert TEST_OFFICE in (told.text or "")
    name, nik, phone, address = await stored_identity(clean_engine, SITI_ID)
    assert name == ERASED_NAME
    assert SITI.nik not in nik
    assert "Siti" not in " ".join((nik, phone, address))
    after = await my_data(siti)
    assert siti.said("data.erased", at="X").split("X")[0] in (after.text or "")
    assert "Siti Aminah" not in (after.text or "")
    assert not after.buttons
    requests = DataRequests(session_factory(clean_engine))
    decided = await requests.get(request_id)
    assert decided is not None
    assert (decided.status, decided.decided_by_name) == (RequestStatus.ERASED, "Admin city")
    assert [e.action for e in await requests.events(request_id)] == ["requested", "erased"]

    # The complaint goes on: /my and /track work, the next milestone still reaches this chat.
    await siti.command("/my")
    listed = await siti.next_where(lambda m: number in (m.text or ""), "the complaint in /my")
    assert listed.buttons
    reporter = await world.directory.reporter_by_telegram_id(SITI_ID)
    assert reporter is not None
    [complaint] = await world.complaints.reporter_complaints(reporter.id)
    await world.complaints.fire(
        complaint.id,
        world.actor("province"),
        T.DISPOSE,
        seen_version=complaint.version,
        target_org_id=world.orgs["KOTA-PKL"].id,
    )
    await siti.next_where(
        lambda m: number in (m.text or "") and "Dinkominfo" in (m.text or ""), "the dispose"
    )
    card = await world.complaints.card(complaint.id)
    assert card is not None
    assert card.reporter.full_name == ERASED_NAME
    # Dinkominfo's card of the complaint says the identity is erased, in words, not as empty fields.
    task = await desks["city"].card(number)
    assert desks["city"].said("admin.card.reporter_erased") in (task.text or "")
    assert ERASED_NAME not in (task.text or "")
    await delivered(clean_engine, local_api)


async def test_a_refusal_asks_its_reason_and_the_reporter_reads_it(
    office_bot: e2e.RunningBot, local_api: LocalBotApi, world: World, clean_engine: AsyncEngine
) -> None:
    await open_chats(world, local_api, *OFFICE_SEATS)
    rina = Reporter(local_api.user(world.reporter.telegram_id or 0, "Rina"))
    await ask_erasure(rina)
    officer = Desk(local_api, world, "officer")
    card = await office_card(officer)
    await officer.press(card, "admin.data.btn.refuse")
    prompt = await officer.next_where(lambda m: (m.text or "").startswith("✍️ Tulis alasan"), "the prompt")
    await officer.send("\u200b\u200b")  # nothing visible: asked again
    await officer.expect_key("bad.empty")
    reason = "Laporan Anda masih dalam proses hukum di Kejaksaan; data disimpan sampai perkara selesai."
    await officer.send(reason)
    shown_back = await officer.next_where(
        lambda m: reason in (m.text or "") and bool(m.buttons), "shown back"
    )
    assert not (await officer.settled(prompt, lambda m: not m.buttons)).buttons
    await officer.press(shown_back, "admin.btn.confirm")
    assert await officer.toast() == officer.t.plain("admin.data.toast.refused")
    refused_card = await officer.settled(card, lambda m: not m.buttons)
    assert reason in (refused_card.text or "")

    told = await rina.expect_starting("Permintaan hapus data Anda ditolak")
    assert reason in (told.text or "")
    assert TEST_OFFICE in (told.text or "")
    # Nothing erased; the reporter may ask again, and sees why the last one was refused.
    after = await my_data(rina)
    assert "Rina Marlina" in (after.text or "")
    assert reason in (after.text or "")
    assert after.button_texts == [rina.t.plain("btn.data.erase")]
    name, _, _, _ = await stored_identity(clean_engine, world.reporter.telegram_id or 0)
    assert name == "Rina Marlina"


async def test_two_admins_at_once_and_forged_presses(
    office_bot: e2e.RunningBot, local_api: LocalBotApi, world: World, clean_engine: AsyncEngine
) -> None:
    await open_chats(world, local_api, *OFFICE_SEATS, "opd")
    rina = Reporter(local_api.user(world.reporter.telegram_id or 0, "Rina"))
    await ask_erasure(rina)
    city, city2 = Desk(local_api, world, "city"), Desk(local_api, world, "city2")
    card, card2 = await office_card(city), await office_card(city2)
    await asyncio.gather(city.press(card, "admin.data.btn.erase"), city2.press(card2, "admin.data.btn.erase"))
    toasts = sorted([await city.toast(), await city2.toast()])
    winner_toast = city.t.plain("admin.data.toast.erased")
    assert toasts.count(winner_toast) == 1
    loser = next(text for text in toasts if text != winner_toast)
    assert loser.startswith("Sudah ditangani oleh Admin city")
    assert loser.endswith("data dihapus. Tidak ada yang diubah.")
    await rina.expect_starting("🗑 Data pribadi Anda telah dihapus")
    request_id = DataRequestCb.unpack(card.buttons[0]["callback_data"]).r
    assert len(await DataRequests(session_factory(clean_engine)).events(request_id)) == 2

    # Forged and foreign presses: a clear toast each, nothing changes, nothing crashes.
    opd = Desk(local_api, world, "opd")
    welcome = await opd.next_where(lambda m: True, "the answer to /start")
    forge_press(local_api, opd.user.id, welcome.message_id, DataRequestCb(r=request_id, erase=True).pack())
    assert await opd.toast() == opd.t.plain("admin.data.toast.not_yours")
    await city.press_forged(card, DataRequestCb(r=MAX_ROW_ID, erase=True).pack())
    assert await city.toast() == city.t.plain("admin.data.toast.gone")
    await city.press_forged(card, "gr:99999999999:1")  # past the id columns: refused at the edge
    assert await city.toast() == city.t.plain("admin.refused.forged")
    rina_last = await my_data(rina)
    # The reporter pressing an admin's button: not theirs.
    forge_press(local_api, rina.id, rina_last.message_id, DataRequestCb(r=request_id, erase=True).pack())
    assert await said_toast(rina) == rina.t.plain("admin.refused.not_admin")
    # The reporter's own buttons pressed after erasure: nothing to erase.
    forge_press(local_api, rina.id, rina_last.message_id, MyDataCb(step="yes").pack())
    await rina.expect_key("data.nothing_held")


async def test_an_english_reporter_reads_it_in_english_with_mydata(
    office_bot: e2e.RunningBot, local_api: LocalBotApi, world: World
) -> None:
    await world.directory.set_language(world.reporter.telegram_id or 0, "en")
    rina = Reporter(local_api.user(world.reporter.telegram_id or 0, "Rina"), "en")
    await rina.command("/mydata")
    shown = await rina.expect_starting("🗂 Your personal data in LaporGub")
    text = shown.text or ""
    assert "Identity on file" in text
    assert mask_nik(world.reporter.nik) in text
    assert world.reporter.nik not in text
    assert rina.said("data.retention", days=365) in text
    assert shown.button_texts == ["🗑 Ask to erase my data"]
    await rina.press(shown, "btn.data.erase")
    meaning = await rina.expect_key("data.confirm", office=TEST_OFFICE, open="")
    await rina.press(meaning, "btn.data.no")
    await rina.expect_key("data.kept")
