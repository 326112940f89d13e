"""Resolving InputFile parameters: multipart uploads, ``attach://`` references, file ids and URLs."""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass
from typing import Any

import aiohttp

from bot.dev.local_api.errors import ApiError, bad_request
from bot.dev.local_api.files import StoredFile
from bot.dev.local_api.imaging import image_size
from bot.dev.local_api.methods.base import Call
from bot.dev.local_api.params import Upload

_URL_TIMEOUT = aiohttp.ClientTimeout(total=10)


@dataclass(frozen=True)
class NewFile:
    data: bytes
    file_name: str | None
    mime_type: str | None


async def resolve(call: Call, value: Any, kind: str) -> StoredFile | NewFile:
    """``value`` is a parameter's raw value (or an InputMedia's ``media``)."""
    if isinstance(value, Upload):
        return _checked(call, _from_upload(value), kind)
    if not isinstance(value, str) or not value:
        raise bad_request(f"there is no {kind} in the request")
    if value.startswith("attach://"):
        upload = call.params.uploads.get(value[len("attach://") :])
        if upload is None:
            raise bad_request(f'can\'t find attached file "{value[len("attach://") :]}"')
        return _checked(call, _from_upload(upload), kind)
    if value.startswith(("http://", "https://")):
        return _checked(call, await _download(call, value), kind)
    stored = call.world.files.get(value, call.bot.id)
    if stored is None:
        raise bad_request("wrong file identifier/HTTP URL specified")
    if stored.kind != kind:
        raise bad_request(f"can't use file of type {stored.kind.title()} as {kind.title()}")
    return stored


def _from_upload(upload: Upload) -> NewFile:
    mime_type = upload.content_type
    if not mime_type or mime_type == "application/octet-stream":
        mime_type = mimetypes.guess_type(upload.filename or "")[0] or mime_type
    return NewFile(upload.data, upload.filename, mime_type)


async def _download(call: Call, url: str) -> NewFile:
    try:
        async with call.services.http().get(url, timeout=_URL_TIMEOUT) as response:
            if response.status != 200:
                raise bad_request("failed to get HTTP URL content")
            data = await response.read()
            file_name = url.rstrip("/").rsplit("/", 1)[-1] or None
            return NewFile(data, file_name, response.content_type)
    except (aiohttp.ClientError, TimeoutError):
        raise bad_request("failed to get HTTP URL content") from None


def _checked(call: Call, new: NewFile, kind: str) -> NewFile:
    if not new.data:
        raise bad_request("file must be non-empty")
    limit = call.config.max_photo_upload if kind == "photo" else call.config.max_document_upload
    if len(new.data) > limit:
        raise ApiError(413, "Request Entity Too Large")
    if kind == "photo":
        size = image_size(new.data)
        if size is None:
            raise bad_request("IMAGE_PROCESS_FAILED")
        width, height = size
        if width + height > 10000 or max(width, height) > 20 * min(width, height):
            raise bad_request("PHOTO_INVALID_DIMENSIONS")
    return new


def store(call: Call, source: StoredFile | NewFile, kind: str) -> dict[str, Any] | list[dict[str, Any]]:
    """The message field for the file: a PhotoSize list for photos, a file object otherwise."""
    files = call.world.files
    if isinstance(source, StoredFile):
        return source.photo if kind == "photo" else _media_object(source, kind)
    if kind == "photo":
        return files.add_photo(source.data, owner=call.bot.id)
    stored = files.add(source.data, kind, source.file_name, source.mime_type, owner=call.bot.id)
    return _media_object(stored, kind)


def _media_object(stored: StoredFile, kind: str) -> dict[str, Any]:
    info = stored.document()
    if kind in ("video", "animation"):
        info.update({"width": stored.width or 640, "height": stored.height or 360, "duration": 1})
    elif kind in ("audio", "voice"):
        info["duration"] = 1
    return info
