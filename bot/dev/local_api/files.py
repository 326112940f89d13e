"""In-memory file storage with Telegram-like file ids, file paths and PhotoSize sets."""

from __future__ import annotations

import mimetypes
import secrets
from dataclasses import dataclass, field
from typing import Any

from bot.dev.local_api.imaging import image_size

_FOLDERS = {
    "photo": "photos",
    "document": "documents",
    "sticker": "stickers",
    "voice": "voice",
    "video": "videos",
    "audio": "music",
    "animation": "animations",
    "video_note": "video_notes",
}
_ID_PREFIX = {"photo": "AgAC", "document": "BQAC", "sticker": "CAAC", "voice": "AwAC", "video": "BAAC"}
_THUMB_SIDES = (90, 320, 800)


@dataclass
class StoredFile:
    file_id: str
    file_unique_id: str
    kind: str
    data: bytes
    file_path: str
    file_name: str | None = None
    mime_type: str | None = None
    width: int | None = None
    height: int | None = None
    photo: list[dict[str, Any]] = field(default_factory=list)
    # As on Telegram, a file id belongs to the bot that received or sent the file: another bot's id is
    # "wrong" (None: any bot, for files made outside a bot's chat).
    owner_bot_id: int | None = None

    @property
    def size(self) -> int:
        return len(self.data)

    def photo_size(self) -> dict[str, Any]:
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "width": self.width or 0,
            "height": self.height or 0,
            "file_size": self.size,
        }

    def document(self) -> dict[str, Any]:
        info: dict[str, Any] = {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": self.size,
        }
        if self.file_name:
            info["file_name"] = self.file_name
        if self.mime_type:
            info["mime_type"] = self.mime_type
        return info

    def file_info(self) -> dict[str, Any]:
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": self.size,
            "file_path": self.file_path,
        }


class FileStore:
    def __init__(self) -> None:
        self._by_id: dict[str, StoredFile] = {}
        self._by_path: dict[str, StoredFile] = {}
        self._counter = 0

    def get(self, file_id: str, bot_id: int | None = None) -> StoredFile | None:
        """The file, if `bot_id` (None: whoever) may use this id."""
        return self._visible(self._by_id.get(file_id), bot_id)

    def by_path(self, path: str, bot_id: int | None = None) -> StoredFile | None:
        return self._visible(self._by_path.get(path), bot_id)

    @staticmethod
    def _visible(stored: StoredFile | None, bot_id: int | None) -> StoredFile | None:
        if stored is None or bot_id is None or stored.owner_bot_id in (None, bot_id):
            return stored
        return None

    def add(
        self,
        data: bytes,
        kind: str,
        file_name: str | None = None,
        mime_type: str | None = None,
        *,
        owner: int | None = None,
    ) -> StoredFile:
        self._counter += 1
        if mime_type is None and file_name:
            mime_type = mimetypes.guess_type(file_name)[0]
        extension = _extension(file_name, mime_type, kind)
        stored = StoredFile(
            file_id=_ID_PREFIX.get(kind, "BQAC") + secrets.token_urlsafe(36),
            file_unique_id="AQAD" + secrets.token_urlsafe(9),
            kind=kind,
            data=data,
            file_path=f"{_FOLDERS.get(kind, 'documents')}/file_{self._counter}{extension}",
            file_name=file_name,
            mime_type=mime_type,
            owner_bot_id=owner,
        )
        self._by_id[stored.file_id] = stored
        self._by_path[stored.file_path] = stored
        return stored

    def add_photo(self, data: bytes, *, owner: int | None = None) -> list[dict[str, Any]]:
        """Telegram keeps several sizes of a photo; the thumbnails here share the original bytes."""
        width, height = image_size(data) or (800, 600)
        sides = [side for side in _THUMB_SIDES if side < max(width, height)]
        scales = [side / max(width, height) for side in sides] + [1.0]
        sizes: list[StoredFile] = []
        for scale in scales:
            stored = self.add(data, "photo", mime_type="image/jpeg", owner=owner)
            stored.width, stored.height = max(1, round(width * scale)), max(1, round(height * scale))
            sizes.append(stored)
        photo = [stored.photo_size() for stored in sizes]
        for stored in sizes:
            stored.photo = photo
        return photo


def _extension(file_name: str | None, mime_type: str | None, kind: str) -> str:
    if file_name and "." in file_name:
        return "." + file_name.rsplit(".", 1)[1].lower()
    if kind == "photo":
        return ".jpg"
    if kind == "voice":
        return ".oga"
    if kind == "sticker":
        return ".webp"
    guessed = mimetypes.guess_extension(mime_type) if mime_type else None
    return guessed or ""
