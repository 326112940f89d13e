"""Personal data at rest (UU 27/2022): a reporter's NIK, phone number and contact are stored encrypted.

`SealedText` columns are encrypted with Fernet (the `cryptography` package: AES-128-CBC with an HMAC, a
kept, audited library) under the keys of PERSONAL_DATA_KEYS: the first key encrypts, every key decrypts, so
a new key is put first and `laporgub keys rotate` re-encrypts every row under it before the old one is
dropped. A stored value reads `enc1:<token>`; a value without the prefix is an older plain one, read as it
is and encrypted by the next rotation. Without keys values are written plainly (the sandbox, a first start)
and `laporgub check` says so. The bot never looks a reporter up by NIK or phone in SQL (linking compares
the last digits in Python), so no searchable hash is kept.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy import Dialect, String, Text
from sqlalchemy.types import TypeDecorator, TypeEngine

PREFIX = "enc1:"


class PersonalDataKeyMissing(Exception):
    """An encrypted value was read, and no key that opens it is configured."""


class _Keyring:
    def __init__(self) -> None:
        self.fernet: MultiFernet | None = None
        self.first: Fernet | None = None

    def configure(self, keys: Sequence[str]) -> None:
        fernets = [Fernet(key.strip().encode()) for key in keys if key.strip()]
        self.fernet = MultiFernet(fernets) if fernets else None
        self.first = fernets[0] if fernets else None


KEYRING = _Keyring()


def configure(keys: Sequence[str]) -> None:
    """The keys of this process, newest first (a malformed key raises ValueError)."""
    KEYRING.configure(keys)


def new_key() -> str:
    return Fernet.generate_key().decode()


def has_keys() -> bool:
    return KEYRING.fernet is not None


def seal(value: str) -> str:
    if KEYRING.fernet is None:
        return value
    return PREFIX + KEYRING.fernet.encrypt(value.encode()).decode()


def unseal(stored: str) -> str:
    if not stored.startswith(PREFIX):
        return stored  # written before encryption, or without keys
    if KEYRING.fernet is None:
        raise PersonalDataKeyMissing("personal data is encrypted and PERSONAL_DATA_KEYS is not set")
    try:
        return KEYRING.fernet.decrypt(stored[len(PREFIX) :].encode()).decode()
    except InvalidToken:
        raise PersonalDataKeyMissing("no key in PERSONAL_DATA_KEYS opens this personal data") from None


def sealed_with_newest(stored: str) -> bool:
    """Whether a stored value is encrypted under the first key (nothing for a rotation to do)."""
    if KEYRING.first is None or not stored.startswith(PREFIX):
        return False
    try:
        KEYRING.first.decrypt(stored[len(PREFIX) :].encode())
    except InvalidToken:
        return False
    return True


class SealedText(TypeDecorator[str]):
    """Text encrypted on its way into the database and decrypted on its way out.

    `sqlite_length`: the VARCHAR length the column kept on SQLite, which does not enforce it (migration 0013
    could not change the type there); PostgreSQL's column is text."""

    impl = Text
    cache_ok = True
    # Set by `sealed_text`, not taken by __init__: Alembic compares a type's constructor arguments, and
    # PostgreSQL's text column has none.
    sqlite_length: int | None = None

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite" and self.sqlite_length is not None:
            return String(self.sqlite_length)
        return Text()

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else seal(value)

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else unseal(value)


def sealed_text(sqlite_length: int | None = None) -> SealedText:
    column_type = SealedText()
    column_type.sqlite_length = sqlite_length
    return column_type


def parse_keys(text: str | None) -> list[str]:
    """PERSONAL_DATA_KEYS: comma-separated Fernet keys, newest first."""
    return [key.strip() for key in (text or "").split(",") if key.strip()]
