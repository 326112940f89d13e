"""Reading Bot API parameters from query strings, JSON, urlencoded and multipart bodies."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from aiohttp import BodyPartReader, MultipartReader, web
from aiohttp.multipart import MultipartResponseWrapper

from bot.dev.local_api.errors import bad_request


@dataclass(frozen=True)
class Upload:
    """A file part of a multipart request."""

    field: str
    filename: str | None
    content_type: str | None
    data: bytes


@dataclass
class Params:
    values: dict[str, Any] = field(default_factory=dict)
    uploads: dict[str, Upload] = field(default_factory=dict)

    def raw(self, name: str) -> Any:
        if name in self.values:
            return self.values[name]
        return self.uploads.get(name)

    def has(self, name: str) -> bool:
        value = self.raw(name)
        return value is not None and value != ""

    def string(self, name: str) -> str | None:
        value = self.values.get(name)
        if value is None:
            return None
        if isinstance(value, (dict, list)):
            raise bad_request(f'field "{name}" must be of type String')
        return value if isinstance(value, str) else json.dumps(value)

    def integer(self, name: str) -> int | None:
        value = self.values.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            return int(value)
        try:
            return int(value)
        except (TypeError, ValueError):
            raise bad_request(f'field "{name}" must be of type Integer') from None

    def integer_or(self, name: str, default: int) -> int:
        value = self.integer(name)
        return default if value is None else value

    def number(self, name: str) -> float | None:
        value = self.values.get(name)
        if value is None or value == "":
            return None
        try:
            return float(value)
        except (TypeError, ValueError):
            raise bad_request(f'field "{name}" must be of type Float') from None

    def flag(self, name: str) -> bool:
        value = self.values.get(name)
        if isinstance(value, str):
            return value.strip().lower() in ("true", "1", "yes")
        return bool(value)

    def decoded(self, name: str, error: str) -> Any:
        """Complex fields arrive JSON-encoded in form bodies and as native JSON in JSON bodies."""
        value = self.values.get(name)
        if not isinstance(value, str):
            return value
        if value == "":
            return None
        try:
            return json.loads(value)
        except ValueError:
            raise bad_request(error) from None

    def for_record(self) -> dict[str, Any]:
        record = dict(self.values)
        for name, upload in self.uploads.items():
            record[name] = f"<upload {upload.filename or name}, {len(upload.data)} bytes>"
        return record


async def read_params(request: web.Request) -> Params:
    params = Params(values=dict(request.query))
    content_type = request.content_type
    if request.method != "POST" or not request.can_read_body:
        return params
    if content_type == "application/json":
        try:
            body = await request.json()
        except ValueError:
            raise bad_request("can't parse JSON request body") from None
        if not isinstance(body, dict):
            raise bad_request("request body must be a JSON object")
        params.values.update(body)
    elif content_type == "multipart/form-data":
        await read_multipart(await request.multipart(), params)
    else:
        form = await request.post()
        for name, value in form.items():
            if isinstance(value, web.FileField):
                params.uploads[name] = Upload(name, value.filename, value.content_type, value.file.read())
            else:
                params.values[name] = value
    return params


async def read_multipart(reader: MultipartReader | MultipartResponseWrapper, params: Params) -> Params:
    async for part in reader:
        if not isinstance(part, BodyPartReader) or part.name is None:
            continue
        if part.filename is not None:
            data = bytes(await part.read())
            params.uploads[part.name] = Upload(
                part.name, part.filename, part.headers.get("Content-Type"), data
            )
        else:
            params.values[part.name] = await part.text()
    return params
