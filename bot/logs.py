"""Logging for the bot process. Logs must never hold a NIK, a phone number or what a person typed."""

from __future__ import annotations

import logging

# Libraries that log the values they handle at DEBUG: aiosqlite logs every statement with its parameters
# (a NIK in a reporter row, a draft in fsm_states). Alembic narrates each migration at INFO.
LIBRARY_LEVELS: dict[str, int] = {"aiosqlite": logging.INFO, "alembic": logging.WARNING}


def configure_logging(level: str) -> None:
    logging.basicConfig(level=level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    quiet_libraries()


def quiet_libraries() -> None:
    for name, level in LIBRARY_LEVELS.items():
        logging.getLogger(name).setLevel(level)
