"""Pushes a bot's updates to its webhook, one at a time and in order, retrying with backoff."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import aiohttp

from bot.dev.local_api.config import WebhookSettings
from bot.dev.local_api.params import Params, read_multipart
from bot.dev.local_api.updates import UpdateQueue

ReplyExecutor = Callable[[str, Params], Awaitable[None]]


@dataclass
class WebhookState:
    url: str = ""
    secret_token: str | None = None
    max_connections: int = 40
    last_error_date: int | None = None
    last_error_message: str | None = None


class WebhookDeliverer:
    def __init__(
        self,
        queue: UpdateQueue,
        settings: Callable[[], WebhookSettings],
        session: Callable[[], aiohttp.ClientSession],
        execute_reply: ReplyExecutor,
    ) -> None:
        self.queue = queue
        self.state = WebhookState()
        self.busy = False
        self._settings = settings
        self._session = session
        self._execute_reply = execute_reply
        self._task: asyncio.Task[None] | None = None

    @property
    def active(self) -> bool:
        return bool(self.state.url)

    async def set(self, url: str, secret_token: str | None, max_connections: int) -> None:
        await self.stop()
        self.state = WebhookState(url=url, secret_token=secret_token, max_connections=max_connections)
        self._task = asyncio.create_task(self._run(), name=f"webhook {url}")

    async def delete(self) -> None:
        await self.stop()
        self.state = WebhookState()

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self.busy = False

    def info(self) -> dict[str, Any]:
        info: dict[str, Any] = {
            "url": self.state.url,
            "has_custom_certificate": False,
            "pending_update_count": len(self.queue.pending),
        }
        if self.state.url:
            info["max_connections"] = self.state.max_connections
            if self.queue.allowed_updates is not None:
                info["allowed_updates"] = sorted(self.queue.allowed_updates)
        if self.state.last_error_date is not None:
            info["last_error_date"] = self.state.last_error_date
            info["last_error_message"] = self.state.last_error_message
        return info

    async def _run(self) -> None:
        delay = self._settings().retry_initial
        while True:
            if not self.queue.pending:
                await self.queue.changed.wait(None)
                continue
            update = self.queue.pending[0]
            self.busy = True
            try:
                error = await self._post(update)
            finally:
                self.busy = False
            if error is None:
                self.queue.confirm(update["update_id"] + 1)
                self.queue.mark_handed_out([update])
                delay = self._settings().retry_initial
                continue
            self.state.last_error_date = int(time.time())
            self.state.last_error_message = error
            await asyncio.sleep(delay)
            delay = min(delay * 2, self._settings().retry_max)

    async def _post(self, update: dict[str, Any]) -> str | None:
        """Returns Telegram's wording of the failure, or ``None`` when the webhook took the update."""
        headers = {"Content-Type": "application/json"}
        if self.state.secret_token:
            headers["X-Telegram-Bot-Api-Secret-Token"] = self.state.secret_token
        timeout = aiohttp.ClientTimeout(total=self._settings().request_timeout)
        try:
            async with self._session().post(
                self.state.url, data=json.dumps(update), headers=headers, timeout=timeout
            ) as response:
                if not 200 <= response.status < 300:
                    return (
                        f"Wrong response from the webhook: {response.status} {response.reason or ''}".rstrip()
                    )
                reply = await _reply_call(response)
        except TimeoutError:
            return "Timeout expired"
        except aiohttp.ClientConnectorError:
            return "Connection refused"
        except aiohttp.ClientError as exc:
            return f"Connection error: {exc}"
        if reply is not None:
            name = str(reply.values.pop("method"))
            await self._execute_reply(name, reply)
        return None


async def _reply_call(response: aiohttp.ClientResponse) -> Params | None:
    """A webhook may answer with a method call (JSON or multipart, as aiogram does); Telegram
    executes it without reporting the outcome."""
    if response.content_type == "multipart/form-data":
        params = await read_multipart(aiohttp.MultipartReader.from_response(response), Params())
    elif response.content_type == "application/json":
        try:
            body = json.loads(await response.read() or b"null")
        except ValueError:
            return None
        params = Params(values=body) if isinstance(body, dict) else Params()
    else:
        return None
    return params if isinstance(params.values.get("method"), str) else None
