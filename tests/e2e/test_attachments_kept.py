"""Attachments kept by us: the keeper copies each file's bytes while its bot can read them, and a second
bot token (the office replaced its bot) still sends every file, from our copy, over the local Bot API
server whose file ids belong to one token as Telegram's do."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
from pathlib import Path

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import FSInputFile
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app.factory import create_bot
from bot.app.runner import run
from bot.app.settings import Settings
from bot.attachment_keeper import AttachmentKeeper, FileShelf, media_source
from bot.dev.local_api import LocalBotApi, tiny_png
from bot.ui.admin_callbacks import FilesCb
from storage.attachment_copies import AttachmentCopies
from tests.conftest import World, draft_for
from tests.e2e.admin_desk import forge_press
from tests.e2e.conftest import TOKEN
from workflow.complaint import AttachmentDraft, AttachmentKind

NEW_TOKEN = "7000077:the-offices-replacement-bot-token"
REPORTER = 7601


def bot_for(local_api: LocalBotApi, token: str) -> Bot:
    return create_bot(Settings(_env_file=None, bot_token=token, telegram_api_base=local_api.base_url))


async def test_a_replaced_bot_still_sends_every_attachment_from_our_copy(
    local_api: LocalBotApi, world: World, tmp_path: Path
) -> None:
    local_api.add_bot(NEW_TOKEN, "laporgub_baru_bot", "LaporGub")
    person = local_api.user(REPORTER, "Siti")
    await person.send_command("/start")
    image = tiny_png(24, 16)
    photo = (await person.send_photo(image)).media[-1]
    document = await person.send_document(b"%PDF-1.4 bukti", "bukti.pdf", "application/pdf")
    pdf = document.media
    complaint = await world.complaints.submit(
        draft_for(
            world.reporter,
            attachments=(
                AttachmentDraft(photo["file_id"], AttachmentKind.PHOTO, photo["file_unique_id"]),
                AttachmentDraft(pdf["file_id"], AttachmentKind.DOCUMENT, pdf["file_unique_id"], "bukti.pdf"),
            ),
        ),
        world.reporter.as_actor(),
    )

    shelf = FileShelf(tmp_path / "attachments")
    copies = AttachmentCopies(world.complaints.sessions)
    old_bot = bot_for(local_api, TOKEN)
    try:
        assert await AttachmentKeeper(old_bot, copies, shelf).run_once() == 2
        assert await AttachmentKeeper(old_bot, copies, shelf).run_once() == 0  # nothing copied twice
        old_id = old_bot.id
    finally:
        await old_bot.session.close()
    files = await world.complaints.attachments(complaint.id)
    assert [file.sha256 for file in files] == [
        hashlib.sha256(image).hexdigest(),
        hashlib.sha256(b"%PDF-1.4 bukti").hexdigest(),
    ]
    assert {file.bot_id for file in files} == {old_id}
    assert shelf.read(files[0].sha256 or "") == image

    new_bot = bot_for(local_api, NEW_TOKEN)
    try:
        await local_api.user(REPORTER, "Siti", bot=NEW_TOKEN).send_command("/start")
        # The old file id is worthless to the new bot, as on Telegram.
        with pytest.raises(TelegramBadRequest, match="wrong file identifier"):
            await new_bot.send_photo(REPORTER, files[0].telegram_file_id)
        source = media_source(files[0], new_bot.id, shelf)
        assert isinstance(source, FSInputFile)
        sent = await new_bot.send_photo(REPORTER, source)
        assert sent.photo is not None
        document_sent = await new_bot.send_document(REPORTER, media_source(files[1], new_bot.id, shelf))
        assert document_sent.document is not None
        assert document_sent.document.file_name == "bukti.pdf"
        # What the person sees is the very same picture.
        got = await new_bot.download(sent.photo[-1].file_id)
        assert got is not None
        assert got.read() == image
        # The new bot's keeper leaves rows with another bot's id alone: it could not read them.
        assert await AttachmentKeeper(new_bot, copies, shelf).run_once() == 0
    finally:
        await new_bot.session.close()
    # The old bot's own ids are still used as they are while it runs.
    assert media_source(files[0], old_id, shelf) == files[0].telegram_file_id


async def test_a_file_the_bot_cannot_read_is_retried_then_left_alone(
    local_api: LocalBotApi, world: World, tmp_path: Path
) -> None:
    complaint = await world.complaints.submit(
        draft_for(world.reporter, attachments=(AttachmentDraft("AgACno-such-file", AttachmentKind.PHOTO),)),
        world.reporter.as_actor(),
    )
    copies = AttachmentCopies(world.complaints.sessions)
    bot = bot_for(local_api, TOKEN)
    try:
        keeper = AttachmentKeeper(bot, copies, FileShelf(tmp_path))
        for _ in range(6):
            assert await keeper.run_once() == 0
        assert await copies.unstored(bot.id) == []
    finally:
        await bot.session.close()
    [file] = await world.complaints.attachments(complaint.id)
    assert file.sha256 is None
    assert await copies.missing_count() == 1


async def test_after_the_token_is_replaced_an_admin_still_opens_every_file(
    local_api: LocalBotApi, world: World, clean_engine: AsyncEngine, tmp_path: Path
) -> None:
    """The whole path: the old bot's keeper copied the files; the bot now runs under a new token, and the
    province admin's 📎 on the card brings the reporter's evidence, sent from our copy."""
    local_api.add_bot(NEW_TOKEN, "laporgub_baru_bot", "LaporGub")
    person = local_api.user(REPORTER, "Siti")
    await person.send_command("/start")
    image = tiny_png(30, 20)
    photo = (await person.send_photo(image)).media[-1]
    complaint = await world.complaints.submit(
        draft_for(
            world.reporter,
            attachments=(AttachmentDraft(photo["file_id"], AttachmentKind.PHOTO, photo["file_unique_id"]),),
        ),
        world.reporter.as_actor(),
    )
    shelf = FileShelf(tmp_path / "attachments")
    old_bot = bot_for(local_api, TOKEN)
    try:
        assert (
            await AttachmentKeeper(old_bot, AttachmentCopies(world.complaints.sessions), shelf).run_once()
            == 1
        )
    finally:
        await old_bot.session.close()

    settings = Settings(
        _env_file=None,
        bot_token=NEW_TOKEN,
        telegram_api_base=local_api.base_url,
        database_url=clean_engine.url.render_as_string(hide_password=False),
        attachments_dir=str(shelf.root),
        sender_in_bot=False,
    )
    running = asyncio.create_task(run(settings))
    try:
        admin_id = world.admins["province"].telegram_id
        admin = local_api.user(admin_id, "Admin province", bot=NEW_TOKEN)
        await admin.send_command("/start")
        menu = await admin.wait_for_message(timeout=20)
        forge_press(local_api, admin_id, menu.message_id, FilesCb(c=complaint.id).pack(), bot=NEW_TOKEN)
        await admin.wait_until(
            lambda view: any(message.kind == "photo" for message in view.bot_messages()), timeout=20
        )
        shown = next(message for message in admin.chat().bot_messages() if message.kind == "photo")
        assert shown.media[-1]["file_id"] != photo["file_id"]  # a new id, of the new bot's
        new_bot = bot_for(local_api, NEW_TOKEN)
        try:
            got = await new_bot.download(shown.media[-1]["file_id"])
        finally:
            await new_bot.session.close()
        assert got is not None
        assert got.read() == image
    finally:
        running.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await running
