"""Admin payloads that no handler took: state-bound buttons pressed too late, and forged data."""

from __future__ import annotations

import logging

from aiogram import F, Router
from aiogram.types import CallbackQuery

from bot.admin_callbacks import ADMIN_PREFIX_PATTERN, AbortCb, ConfirmCb, ResultDoneCb
from bot.routers.admin.guard import toast
from bot.texts import Texts

log = logging.getLogger(__name__)
# Buttons that only mean something while their conversation is on; afterwards they are merely expired.
_CONVERSATION_PREFIXES = frozenset(cb.__prefix__ for cb in (AbortCb, ConfirmCb, ResultDoneCb))


async def unmatched(query: CallbackQuery, t: Texts) -> None:
    data = query.data or ""
    if data.split(":", 1)[0] in _CONVERSATION_PREFIXES:
        await query.answer(t.plain("button.expired"), show_alert=True)
        return
    # The payload is not quoted: forged data may carry anything, personal data included.
    log.warning("admin press refused (forged payload): callback %s, %d bytes", query.id, len(data.encode()))
    await query.answer(toast(t.plain("admin.refused.forged")), show_alert=True)


def create_router() -> Router:
    router = Router(name=__name__)
    router.callback_query.register(unmatched, F.data.regexp(ADMIN_PREFIX_PATTERN))
    return router
