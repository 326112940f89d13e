"""The routers, assembled in the one order that matters: commands before the conversation that could
swallow them as answers, and the catch-alls last."""

from __future__ import annotations

from aiogram import Router

from bot.routers import common, complaints, errors, fallback, filing, groups


def reporter_router() -> Router:
    root = Router(name=__name__)
    root.include_routers(
        errors.router, groups.router, common.router, complaints.router, filing.router, fallback.router
    )
    return root
