"""Admin payloads that no handler took: state-bound buttons pressed too late, and forged data."""

from __future__ import annotations

import logging

from aiogram import F, Router
from aiogram.filters import or_f
from aiogram.types import CallbackQuery

from bot.handlers.admin.guard import toast
from bot.ui.admin_callbacks import ADMIN_PREFIX_PATTERN, AbortCb, ConfirmCb, ResultDoneCb
from bot.ui.texts import Texts

log = logging.getLogger(__name__)


async def expired(query: CallbackQuery, t: Texts) -> None:
    # Buttons that only mean something while their conversation is on; afterwards they are merely expired.
    await query.answer(t.plain("button.expired"), show_alert=True)


async def unmatched(query: CallbackQuery, t: Texts) -> None:
    # The payload is not quoted: forged data may carry anything, personal data included.
    size = len((query.data or "").encode())
    log.warning("admin press refused (forged payload): callback %s, %d bytes", query.id, size)
    await query.answer(toast(t.plain("admin.refused.forged")), show_alert=True)


def create_router() -> Router:
    router = Router(name=__name__)
    router.callback_query.register(expired, or_f(AbortCb.filter(), ConfirmCb.filter(), ResultDoneCb.filter()))
    router.callback_query.register(unmatched, F.data.regexp(ADMIN_PREFIX_PATTERN))
    return router
