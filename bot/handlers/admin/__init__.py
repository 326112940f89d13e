"""Everything an admin does interactively: menu, queue, cards and their actions.

Order matters: the reason and result conversation takes its answers before anything else can, and the
forged-payload catch-all comes last.
"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.enums import ChatType

from bot.handlers.admin import actions, forged, inputs, menu, pickers, queue, report
from bot.handlers.admin import joining as duplicates
from bot.handlers.admin.desk import SetUpDesk
from bot.handlers.admin.guard import RefusePresses


def create_router() -> Router:
    root = Router(name=__name__)
    # Cards carry personal data: the admin side answers in private chats only.
    root.message.filter(F.chat.type == ChatType.PRIVATE)
    # A press its handler refuses is answered by the one error handler for refusals (guard.press_refused).
    root.callback_query.middleware(RefusePresses())
    # Inside it (a press it checks may be refused): the services, the seats and a checked press, once.
    root.callback_query.middleware(SetUpDesk())
    root.message.middleware(SetUpDesk())
    root.include_routers(
        *(
            module.create_router()
            for module in (inputs, menu, queue, report, actions, pickers, duplicates, forged)
        )
    )
    return root
