"""getUpdates and the webhook methods."""

from __future__ import annotations

import re
from typing import Any

from bot.dev.local_api.errors import WEBHOOK_CONFLICT, bad_request, conflict
from bot.dev.local_api.methods.base import Call, method

_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_ALLOWED_ERROR = "can't parse allowed updates JSON object"


def _allowed_updates(call: Call) -> list[str] | None:
    allowed = call.params.decoded("allowed_updates", _ALLOWED_ERROR)
    if allowed is not None and (
        not isinstance(allowed, list) or not all(isinstance(a, str) for a in allowed)
    ):
        raise bad_request(_ALLOWED_ERROR)
    return allowed


@method("getUpdates")
async def get_updates(call: Call) -> list[dict[str, Any]]:
    if call.webhook.active:
        raise conflict(WEBHOOK_CONFLICT)
    call.bot.queue.set_allowed(_allowed_updates(call))
    offset = call.params.integer_or("offset", 0)
    limit = call.params.integer_or("limit", 100)
    timeout = call.params.integer_or("timeout", 0)
    return await call.bot.queue.get_updates(offset, min(max(limit, 1), 100), max(timeout, 0))


@method("setWebhook")
async def set_webhook(call: Call) -> bool:
    url = (call.params.string("url") or "").strip()
    queue = call.bot.queue
    if call.params.flag("drop_pending_updates"):
        queue.drop_all()
    if not url:
        await call.webhook.delete()
        return True
    if not re.match(r"^https?://[^/\s]+", url, flags=re.IGNORECASE):
        raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    secret = call.params.string("secret_token")
    if secret is not None and not _SECRET.match(secret):
        raise bad_request("secret token contains unallowed characters")
    max_connections = min(max(call.params.integer("max_connections") or 40, 1), 100)
    queue.set_allowed(_allowed_updates(call))
    queue.terminate_poll(conflict(WEBHOOK_CONFLICT))
    await call.webhook.set(url, secret, max_connections)
    return True


@method("deleteWebhook")
async def delete_webhook(call: Call) -> bool:
    if call.params.flag("drop_pending_updates"):
        call.bot.queue.drop_all()
    await call.webhook.delete()
    return True


@method("getWebhookInfo")
async def get_webhook_info(call: Call) -> dict[str, Any]:
    return call.webhook.info()
