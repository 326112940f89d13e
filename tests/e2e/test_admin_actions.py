"""Each tier acts from Telegram: the complaint moves, the database records it, and the card shows it."""

from __future__ import annotations

from bot.dev.local_api import LocalBotApi, tiny_png
from tests.conftest import World
from tests.e2e.admin_desk import Desk, down_to, last_event, seed
from tests.e2e.conftest import RunningBot
from workflow.definitions import S, T

RESULT = "Lubang sudah ditambal dengan aspal hotmix pada 26 November 2026 oleh tim DPUPR."


async def test_the_seven_steps_from_telegram_with_a_result_of_text_and_two_photos(
    running_bot: RunningBot, local_api: LocalBotApi, world: World
) -> None:
    complaint = await seed(world)
    number = complaint.tracking_number
    province, city, opd = (Desk(local_api, world, seat) for seat in ("province", "city", "opd"))

    card = await province.open(number)
    assert card.button_texts == [
        province.said_plain("admin.btn.dispose"),
        province.said_plain("admin.btn.reject"),
    ]
    await province.press_action(card, T.DISPOSE)
    await province.send_to(card, "Dinkominfo Kota Pekalongan")
    await province.done(card, T.DISPOSE, "Dinkominfo Kota Pekalongan")
    moved = await world.complaints.get(complaint.id)
    assert moved is not None
    assert (moved.state, moved.version, moved.current_org_id) == (S.AT_CITY, 2, world.orgs["KOTA-PKL"].id)
    event = await last_event(world, complaint)
    assert (event.trigger, event.actor_name, event.to_org_id) == (
        T.DISPOSE,
        "Admin province",
        moved.city_org_id,
    )

    card = await city.open(number)
    assert card.button_texts == [
        city.said_plain("admin.btn.forward"),
        city.said_plain("admin.btn.return_to_province"),
    ]
    await city.press_action(card, T.FORWARD)
    picker = await city.settled(card, lambda m: "Dinas Lingkungan Hidup Kota Pekalongan" in m.button_texts)
    # A city picks among its own agencies only: Batang's are not offered.
    assert "Dinas Pekerjaan Umum Kabupaten Batang" not in picker.button_texts
    await city.send_to(card, world.orgs["PKL-DPUPR"].name)
    await city.done(card, T.FORWARD, world.orgs["PKL-DPUPR"].name)

    card = await opd.open(number)
    assert card.button_texts == [
        opd.said_plain("admin.btn.accept"),
        opd.said_plain("admin.btn.return_to_city"),
    ]
    await opd.press_action(card, T.ACCEPT)
    assert await opd.toast() == opd.said_plain("admin.toast.done", what=opd.said_plain("admin.did.accept"))
    await opd.done(card, T.ACCEPT)

    card = await opd.open(number)
    assert card.button_texts == [opd.said_plain("admin.btn.submit_result")]
    await opd.press_action(card, T.SUBMIT_RESULT)
    await opd.next_where(lambda m: (m.text or "").startswith("📝"), "the result prompt")
    await opd.send(RESULT)
    last = await opd.next_where(lambda m: (m.text or "").startswith("📎"), "the files prompt")
    for index in range(2):
        await opd.user.send_photo(tiny_png(10 + index, 7))
        last = await opd.expect_key("admin.result.file_added", count=index + 1, max=5)
    await opd.press(last, "admin.btn.done")
    confirmation = await opd.next_where(lambda m: RESULT in (m.text or ""), "the result shown back")
    assert opd.said("admin.confirm.result", action="", number="", result="", photos=2, documents=0).split(
        "\n"
    )[-1] in (confirmation.text or "")
    await opd.confirm(confirmation)
    await opd.done(card, T.SUBMIT_RESULT)
    moved = await world.complaints.get(complaint.id)
    assert moved is not None
    assert (moved.state, moved.result_text) == (S.RESULT_AT_CITY, RESULT)
    files = [item for item in await world.complaints.attachments(complaint.id) if item.is_result]
    assert [item.kind for item in files] == ["photo", "photo"]
    assert len({item.telegram_file_id for item in files}) == 2

    card = await city.open(number)
    assert card.button_texts == [
        city.said_plain("admin.btn.confirm_result"),
        city.said_plain("admin.btn.request_revision"),
        city.said_plain("admin.btn.files", count=2),
    ]
    assert RESULT in (card.text or "")
    await city.press(card, "admin.btn.files", count=2)
    album = await city.next_where(lambda m: m.kind == "photo", "the result photos")
    assert album.media_group_id is not None
    await city.press_action(card, T.CONFIRM_RESULT)
    await city.done(card, T.CONFIRM_RESULT)

    card = await province.open(number)
    assert card.button_texts[:2] == [
        province.said_plain("admin.btn.approve"),
        province.said_plain("admin.btn.return_result"),
    ]
    await province.press_action(card, T.APPROVE)
    await province.done(card, T.APPROVE)
    final = await world.complaints.get(complaint.id)
    assert final is not None
    assert (final.state, final.version) == (S.RESOLVED, 7)
    assert [event.trigger for event in await world.complaints.history(complaint.id)] == [
        T.SUBMIT,
        T.DISPOSE,
        T.FORWARD,
        T.ACCEPT,
        T.SUBMIT_RESULT,
        T.CONFIRM_RESULT,
        T.APPROVE,
    ]
    assert local_api.requests(ok=False) == []


async def test_every_return_carries_its_reason_to_the_next_tiers_card(
    running_bot: RunningBot, local_api: LocalBotApi, world: World
) -> None:
    complaint = await seed(world)
    number = complaint.tracking_number
    province, city, opd = (Desk(local_api, world, seat) for seat in ("province", "city", "opd"))
    reasons = {
        T.RETURN_TO_PROVINCE: "Lokasi di wilayah Kabupaten Batang, bukan kewenangan Kota Pekalongan",
        T.RETURN_TO_CITY: "Saluran drainase adalah tupoksi DLH, bukan DPUPR",
        T.REQUEST_REVISION: "Mohon lampirkan foto sesudah perbaikan",
        T.RETURN_RESULT: "Hasil belum menjawab keluhan <pelapor> & perlu tanggal",
    }

    async def give(desk: Desk, trigger: str) -> None:
        card = await desk.open(number)
        confirmation = await desk.give_reason(card, trigger, reasons[trigger])
        assert reasons[trigger] in (confirmation.text or "")
        await desk.confirm(confirmation)
        await desk.done(card, trigger)
        event = await last_event(world, complaint)
        assert (event.trigger, event.reason, event.org_id) == (trigger, reasons[trigger], desk.admin.org.id)

    async def sees(desk: Desk, trigger: str, by: str) -> None:
        card = await desk.open(number)
        text = card.text or ""
        assert desk.said_plain(f"admin.did.{trigger}") in text
        assert reasons[trigger] in text
        assert world.orgs[by].name in text

    await down_to(world, complaint, T.DISPOSE)
    await give(city, T.RETURN_TO_PROVINCE)
    await sees(province, T.RETURN_TO_PROVINCE, "KOTA-PKL")

    await down_to(world, complaint, T.DISPOSE, T.FORWARD)
    await give(opd, T.RETURN_TO_CITY)
    await sees(city, T.RETURN_TO_CITY, "PKL-DPUPR")

    await down_to(world, complaint, T.FORWARD, T.ACCEPT)
    await world.complaints.fire(
        complaint.id, world.actor("opd"), T.SUBMIT_RESULT, seen_version=8, result="Sudah ditambal"
    )
    await give(city, T.REQUEST_REVISION)
    await sees(opd, T.REQUEST_REVISION, "KOTA-PKL")

    current = await world.complaints.get(complaint.id)
    assert current is not None
    await world.complaints.fire(
        complaint.id,
        world.actor("opd"),
        T.SUBMIT_RESULT,
        seen_version=current.version,
        result="Ditambal lagi",
    )
    await world.complaints.fire(
        complaint.id, world.actor("city"), T.CONFIRM_RESULT, seen_version=current.version + 1
    )
    await give(province, T.RETURN_RESULT)
    await sees(city, T.RETURN_RESULT, "JATENG")
    assert local_api.requests(ok=False) == []


async def test_the_province_rejects_a_matter_that_is_not_laporgubs_with_its_reason(
    running_bot: RunningBot, local_api: LocalBotApi, world: World
) -> None:
    complaint = await seed(world, subject="Sengketa warisan keluarga")
    province = Desk(local_api, world, "province")
    card = await province.open(complaint.tracking_number)
    confirmation = await province.give_reason(card, T.REJECT, "Perkara perdata, silakan ke pengadilan")
    await province.confirm(confirmation)
    await province.done(card, T.REJECT)
    rejected = await world.complaints.get(complaint.id)
    assert rejected is not None
    assert (rejected.state, rejected.version) == (S.REJECTED, 2)
    assert (await last_event(world, complaint)).reason == "Perkara perdata, silakan ke pengadilan"
