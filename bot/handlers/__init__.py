"""The routers, assembled in the one order that matters: commands before the conversation that could
swallow them as answers, and the catch-alls last.

Each module builds a fresh router on demand: a router can belong to one dispatcher only, and tests (and a
restart in one process) build several.
"""

from __future__ import annotations

from aiogram import Router

from bot.handlers import (
    admin,
    common,
    datasaya,
    error_handler,
    fallback,
    filing,
    groups,
    my_complaints,
    officer_recording,
    onboarding,
    result,
    service,
)


def reporter_router() -> Router:
    """Every router; the admin side comes before the reporter's, whose /start and menu it overrides."""
    root = Router(name=__name__)
    root.include_routers(
        *(
            module.create_router()
            for module in (
                error_handler,
                groups,
                # before the admin side, whose catch-all would take its "g…" buttons as forged
                datasaya,
                onboarding,
                admin,
                # officer/service: their submits take the filing summary before the reporter's own
                officer_recording,
                service,
                common,
                my_complaints,
                result,
                filing,
                fallback,
            )
        )
    )
    return root
