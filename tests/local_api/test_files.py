"""Uploads (multipart, attach://), media groups, file ids, getFile and downloads."""

from __future__ import annotations

import aiohttp
from aiogram import Bot
from aiogram.types import BufferedInputFile, InputMediaDocument, InputMediaPhoto

from bot.dev.local_api import LocalBotApi, SimUser, tiny_png
from tests.local_api.helpers import TOKEN, USER_ID, ApiCall

PDF = b"%PDF-1.4\n% laporan\n"


async def download(local_api: LocalBotApi, http: aiohttp.ClientSession, file_path: str) -> bytes:
    async with http.get(f"{local_api.base_url}/file/bot{TOKEN}/{file_path}") as response:
        assert response.status == 200
        return await response.read()


async def test_photo_upload_by_aiogram_uses_attach(local_api: LocalBotApi, bot: Bot, user: SimUser) -> None:
    image = tiny_png(40, 30)
    message = await bot.send_photo(USER_ID, BufferedInputFile(image, "bukti.png"), caption="bukti")
    assert message.photo is not None
    largest = message.photo[-1]
    assert (largest.width, largest.height) == (40, 30)
    record = local_api.requests(method="sendPhoto")[0]
    assert str(record.params["photo"]).startswith("attach://")
    file = await bot.get_file(largest.file_id)
    assert file.file_path is not None
    downloaded = await bot.download_file(file.file_path)
    assert downloaded is not None
    assert downloaded.read() == image


async def test_direct_multipart_field_upload(
    local_api: LocalBotApi, http: aiohttp.ClientSession, user: SimUser
) -> None:
    form = aiohttp.FormData()
    form.add_field("chat_id", str(USER_ID))
    form.add_field("document", PDF, filename="laporan.pdf", content_type="application/pdf")
    async with http.post(f"{local_api.base_url}/bot{TOKEN}/sendDocument", data=form) as response:
        body = await response.json()
    document = body["result"]["document"]
    assert (document["file_name"], document["mime_type"], document["file_size"]) == (
        "laporan.pdf",
        "application/pdf",
        len(PDF),
    )


async def test_media_group_of_photos(bot: Bot, user: SimUser) -> None:
    reused = (await user.send_photo(tiny_png(8, 8))).media[-1]["file_id"]
    album = await bot.send_media_group(
        USER_ID,
        [
            InputMediaPhoto(
                media=BufferedInputFile(tiny_png(), "a.png"), caption="<b>dua</b> foto", parse_mode="HTML"
            ),
            InputMediaPhoto(media=reused),
        ],
    )
    assert len(album) == 2
    assert album[0].media_group_id == album[1].media_group_id is not None
    assert album[0].caption == "dua foto"
    assert album[1].photo is not None
    assert album[1].photo[-1].file_id == reused
    assert [m.kind for m in user.chat().bot_messages()] == ["photo", "photo"]


async def test_media_group_size_and_mixing_rules(call: ApiCall, user: SimUser) -> None:
    photo = (await user.send_photo()).media[-1]["file_id"]
    document = (await user.send_document(PDF, "a.pdf")).media["file_id"]
    one = [{"type": "photo", "media": photo}]
    status, body = await call("sendMediaGroup", chat_id=USER_ID, media=one)
    assert (status, body["description"]) == (400, "Bad Request: media group must include 2-10 items")
    eleven = one * 11
    assert (await call("sendMediaGroup", chat_id=USER_ID, media=eleven))[0] == 400
    mixed = [{"type": "photo", "media": photo}, {"type": "document", "media": document}]
    status, body = await call("sendMediaGroup", chat_id=USER_ID, media=mixed)
    assert (status, body["description"]) == (
        400,
        "Bad Request: document can't be mixed with other media types",
    )


async def test_documents_group_through_aiogram(bot: Bot, user: SimUser) -> None:
    album = await bot.send_media_group(
        USER_ID,
        [InputMediaDocument(media=BufferedInputFile(PDF, f"{n}.pdf")) for n in ("a", "b")],
    )
    assert [m.document.file_name for m in album if m.document] == ["a.pdf", "b.pdf"]


async def test_user_sent_files_can_be_fetched_and_resent(
    local_api: LocalBotApi, call: ApiCall, http: aiohttp.ClientSession, user: SimUser
) -> None:
    image = tiny_png(1200, 900)
    sent = await user.send_photo(image, caption="jalan berlubang")
    sizes = sent.media
    assert [size["width"] for size in sizes] == [90, 320, 800, 1200]
    status, body = await call("getFile", file_id=sizes[-1]["file_id"])
    assert status == 200
    assert await download(local_api, http, body["result"]["file_path"]) == image
    status, body = await call("sendPhoto", chat_id=USER_ID, photo=sizes[-1]["file_id"])
    assert status == 200
    assert body["result"]["photo"] == sizes
    document = await user.send_document(PDF, "surat.pdf", "application/pdf")
    _, info = await call("getFile", file_id=document.media["file_id"])
    assert info["result"]["file_path"].endswith(".pdf")
    assert await download(local_api, http, info["result"]["file_path"]) == PDF


async def test_bad_file_references_are_refused(call: ApiCall, user: SimUser) -> None:
    status, body = await call("sendPhoto", chat_id=USER_ID, photo="AgACnotreal")
    assert (status, body["description"]) == (400, "Bad Request: wrong file identifier/HTTP URL specified")
    status, body = await call("sendPhoto", chat_id=USER_ID)
    assert (status, body["description"]) == (400, "Bad Request: there is no photo in the request")
    document = (await user.send_document(PDF, "a.pdf")).media["file_id"]
    status, body = await call("sendPhoto", chat_id=USER_ID, photo=document)
    assert (status, body["description"]) == (400, "Bad Request: can't use file of type Document as Photo")
    status, body = await call("sendPhoto", chat_id=USER_ID, photo="attach://missing")
    assert status == 400
    status, body = await call("getFile", file_id="nope")
    assert (status, body["description"]) == (400, "Bad Request: invalid file_id")


async def test_non_image_photo_upload_is_refused(
    local_api: LocalBotApi, http: aiohttp.ClientSession, user: SimUser
) -> None:
    form = aiohttp.FormData()
    form.add_field("chat_id", str(USER_ID))
    form.add_field("photo", b"not an image", filename="x.jpg")
    async with http.post(f"{local_api.base_url}/bot{TOKEN}/sendPhoto", data=form) as response:
        body = await response.json()
    assert (response.status, body["description"]) == (400, "Bad Request: IMAGE_PROCESS_FAILED")


async def test_photo_from_http_url(local_api: LocalBotApi, call: ApiCall, user: SimUser) -> None:
    sent = await user.send_photo(tiny_png(5, 5))
    _, info = await call("getFile", file_id=sent.media[-1]["file_id"])
    url = f"{local_api.base_url}/file/bot{TOKEN}/{info['result']['file_path']}"
    status, body = await call("sendPhoto", chat_id=USER_ID, photo=url)
    assert status == 200
    assert body["result"]["photo"][-1]["width"] == 5


async def test_a_file_id_belongs_to_the_bot_that_received_it(
    local_api: LocalBotApi, call: ApiCall, user: SimUser, http: aiohttp.ClientSession
) -> None:
    """As on Telegram: another bot (a replaced token) cannot send, look up or download the first's files."""
    other = "7000099:another-bot-token-of-the-office"
    local_api.add_bot(other, "laporgub_new_bot", "LaporGub baru")
    await local_api.user(USER_ID, "Budi", bot=other).send_command("/start")
    photo_id = (await user.send_photo(tiny_png(8, 8))).media[-1]["file_id"]

    status, body = await call("sendPhoto", token=other, chat_id=USER_ID, photo=photo_id)
    assert (status, body["description"]) == (400, "Bad Request: wrong file identifier/HTTP URL specified")
    status, body = await call("getFile", token=other, file_id=photo_id)
    assert (status, body["description"]) == (400, "Bad Request: invalid file_id")

    status, body = await call("getFile", file_id=photo_id)
    assert status == 200
    async with http.get(f"{local_api.base_url}/file/bot{other}/{body['result']['file_path']}") as response:
        assert response.status == 404
    status, _ = await call("sendPhoto", chat_id=USER_ID, photo=photo_id)
    assert status == 200
