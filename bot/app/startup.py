"""Start-up problems an operator can fix, each told in one line. Kept free of aiogram so that the
commonest one, a missing token, is reported at once rather than after seconds of imports."""

from __future__ import annotations

from bot.app.settings import Settings


class StartupProblem(Exception):
    """Something the operator must fix; its message is the one line they see."""


def check_token(settings: Settings) -> None:
    if settings.bot_token is None or not settings.bot_token.get_secret_value().strip():
        raise StartupProblem(
            "BOT_TOKEN is not set: put the token from @BotFather in BOT_TOKEN (environment or .env; "
            "see .env.example)"
        )
