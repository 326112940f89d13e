"""Our own copy of every attachment's bytes, so that the citizen's evidence and the agency's result survive
a replaced bot or token (a Telegram file id works only for the bot that received it).

The keeper runs beside the bot: it downloads each attachment its bot can still read, stores the bytes under
ATTACHMENTS_DIR by their SHA-256 (written to a temporary name, then renamed: a file under its final name is
whole) and records checksum and size. `media_source` sends a file by its id when the id is this bot's, and
from our copy when it is another's.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import os
import tempfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError, TelegramNetworkError
from aiogram.types import FSInputFile, InputFile

from storage.attachment_copies import AttachmentCopies
from storage.models import utcnow
from storage.views import AttachmentInfo

log = logging.getLogger(__name__)

DEFAULT_INTERVAL_S = 2.0
DEFAULT_NAMES = {"photo": "foto.jpg", "document": "dokumen"}


class FileShelf:
    """Files by content: `<root>/<first two hex digits>/<sha256>`."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path_of(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256

    def put(self, data: bytes) -> str:
        sha256 = hashlib.sha256(data).hexdigest()
        target = self.path_of(sha256)
        if target.exists() and target.stat().st_size == len(data):
            return sha256
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".partial-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, target)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
            raise
        return sha256

    def read(self, sha256: str) -> bytes | None:
        try:
            return self.path_of(sha256).read_bytes()
        except FileNotFoundError:
            return None


def media_source(attachment: AttachmentInfo, bot_id: int, shelf: FileShelf | None) -> str | InputFile:
    """What to send for `attachment` as bot `bot_id`: its file id while that is this bot's (or nothing else
    is to be had), else our copy of the bytes."""
    if attachment.bot_id in (None, bot_id) or shelf is None or attachment.sha256 is None:
        return attachment.telegram_file_id
    path = shelf.path_of(attachment.sha256)
    if not path.is_file():
        log.warning("attachment %d: no copy at %s, sending the old file id", attachment.id, path)
        return attachment.telegram_file_id
    return FSInputFile(path, filename=attachment.file_name or DEFAULT_NAMES.get(attachment.kind, "berkas"))


class AttachmentKeeper:
    def __init__(
        self,
        bot: Bot,
        copies: AttachmentCopies,
        shelf: FileShelf,
        *,
        interval: float = DEFAULT_INTERVAL_S,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.bot = bot
        self.copies = copies
        self.shelf = shelf
        self.interval = interval
        self.clock = clock
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self._task is None or self._task.done():
            self._stopping.clear()
            self._task = asyncio.create_task(self.run(), name="attachment-keeper")

    async def stop(self) -> None:
        self._stopping.set()
        if self._task is not None:
            await self._task

    async def run(self) -> None:
        while not self._stopping.is_set():
            try:
                kept = await self.run_once()
            except Exception:
                task = asyncio.current_task()
                if task is not None and task.cancelling():
                    raise asyncio.CancelledError from None  # a driver's error for a cancel mid-statement
                log.exception("keeping attachments failed; trying again in %s s", self.interval)
                kept = 0
            if kept:
                continue  # more may be waiting
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), timeout=self.interval)

    async def run_once(self) -> int:
        """Copy what waits; how many were copied."""
        kept = 0
        for item in await self.copies.unstored(self.bot.id):
            if self._stopping.is_set():
                break
            try:
                data = await self._download(item.telegram_file_id)
            except (TelegramAPIError, TelegramNetworkError, OSError, TimeoutError) as error:
                log.warning("attachment %d not copied: %s", item.id, type(error).__name__)
                await self.copies.failed(item.id, f"{type(error).__name__}: {error}")
                continue
            sha256 = await asyncio.to_thread(self.shelf.put, data)
            await self.copies.stored(
                item.id, bot_id=self.bot.id, sha256=sha256, size=len(data), at=self.clock()
            )
            kept += 1
        return kept

    async def _download(self, file_id: str) -> bytes:
        file = await self.bot.get_file(file_id)
        if file.file_path is None:
            raise OSError("the Bot API gave no file path")
        buffer = await self.bot.download_file(file.file_path)
        if buffer is None:
            raise OSError("nothing downloaded")
        return buffer.read()
