"""The demo data: the organisation registry, one admin per role, and the reporter who filed before."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.dev.sandbox.personas import ADMINS, REPORTER, REPORTER_IDENTITY
from storage.database import session_factory
from storage.directory import Directory
from storage.registry import import_organisations

REGISTRY_FILE = Path(__file__).resolve().parents[3] / "examples" / "orgs-jateng.yaml"
# For an installed package, which carries no examples/: the part of the tree the demo admins sit in.
MINIMAL_REGISTRY = """
organisations:
  - code: JATENG
    kind: province
    name: Pemerintah Provinsi Jawa Tengah
    children:
      - code: KAB-BATANG
        kind: city
        name: Dinas Komunikasi dan Informatika Kabupaten Batang
      - code: KOTA-PEKALONGAN
        kind: city
        name: Dinas Komunikasi dan Informatika Kota Pekalongan
        children:
          - code: PKL-DPUPR
            kind: opd
            name: Dinas Pekerjaan Umum dan Penataan Ruang Kota Pekalongan
          - code: PKL-DLH
            kind: opd
            name: Dinas Lingkungan Hidup Kota Pekalongan
          - code: PKL-DINKES
            kind: opd
            name: Dinas Kesehatan Kota Pekalongan
          - code: PKL-DINHUB
            kind: opd
            name: Dinas Perhubungan Kota Pekalongan
"""


def registry_text(path: Path = REGISTRY_FILE) -> str:
    return path.read_text(encoding="utf-8") if path.is_file() else MINIMAL_REGISTRY


async def seed_demo(engine: AsyncEngine, registry: str | None = None) -> Directory:
    """Idempotent, so a kept database is topped up rather than duplicated."""
    sessions = session_factory(engine)
    await import_organisations(sessions, registry if registry is not None else registry_text())
    directory = Directory(sessions)
    for persona in ADMINS:
        if persona.role is None or persona.org_code is None:
            continue
        held = await directory.admins_of_user(persona.telegram_id)
        if not any(a.role == persona.role and a.org.code == persona.org_code for a in held):
            await directory.add_admin(
                telegram_id=persona.telegram_id,
                role=persona.role,
                org_code=persona.org_code,
                full_name=persona.name,
            )
    await directory.save_reporter(telegram_id=REPORTER.telegram_id, identity=REPORTER_IDENTITY)
    return directory
