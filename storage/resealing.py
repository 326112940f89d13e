"""The reporters' table as a whole, for the keys of their personal data (storage/personal_data.py):
re-encrypting every row under the newest key (`laporgub keys rotate`), and what `laporgub check` asks (rows
still plain, whether the newest encrypted NIK opens). Apart from storage/personal_data.py because the
column type there is what storage/models.py is built with, and this walks those models."""

from __future__ import annotations

from sqlalchemy import Text, func, select, type_coerce, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage import models
from storage.personal_data import KEYRING, PREFIX, PersonalDataKeyMissing, sealed_with_newest, unseal


async def reseal_reporters(sessions: async_sessionmaker[AsyncSession], batch: int = 500) -> int:
    """Write every reporter's personal data again under this process's first key (plainly, without keys):
    after a new key is put first, and to encrypt rows written before there were keys. Returns how many rows
    were rewritten; rows already as they should be are left alone."""
    table = models.table_of(models.Reporter)
    columns = ("nik", "phone", "contact")
    raw = [type_coerce(table.c[name], Text) for name in columns]  # the stored text, not decrypted
    rewritten = 0
    last_id = 0
    while True:
        async with sessions.begin() as session:
            rows = (
                await session.execute(
                    select(table.c.id, *raw).where(table.c.id > last_id).order_by(table.c.id).limit(batch)
                )
            ).all()
            if not rows:
                return rewritten
            last_id = rows[-1][0]
            for reporter_id, *stored in rows:
                present = [value for value in stored if value is not None]
                if all(_as_wanted(value) for value in present):
                    continue
                plain = {
                    name: None if value is None else unseal(value)
                    for name, value in zip(columns, stored, strict=True)
                }
                await session.execute(update(table).where(table.c.id == reporter_id).values(**plain))
                rewritten += 1


def _as_wanted(stored: str) -> bool:
    if KEYRING.fernet is None:
        return not stored.startswith(PREFIX)
    return sealed_with_newest(stored)


async def plain_reporters(sessions: async_sessionmaker[AsyncSession]) -> int:
    """Reporters with a NIK stored in plain text (for `laporgub check`)."""
    table = models.Reporter.__table__
    async with sessions() as session:
        query = (
            select(func.count()).select_from(table).where(~type_coerce(table.c.nik, Text).startswith(PREFIX))
        )
        return int(await session.scalar(query) or 0)


async def sample_opens(sessions: async_sessionmaker[AsyncSession]) -> bool:
    """Whether the newest encrypted NIK opens with this process's keys."""
    table = models.Reporter.__table__
    nik = type_coerce(table.c.nik, Text)
    async with sessions() as session:
        stored = await session.scalar(
            select(nik).where(nik.startswith(PREFIX)).order_by(table.c.id.desc()).limit(1)
        )
    if stored is None:
        return True
    try:
        unseal(stored)
    except PersonalDataKeyMissing:
        return False
    return True
