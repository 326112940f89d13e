"""Back up and restore the whole database into one archive file, on either backend.

The archive is a gzip'd tar holding `manifest.json` (backend, schema revision, time, and each member's size
and SHA-256) and the database: `database.sqlite3`, a copy made with SQLite's online backup API (consistent
while the bot runs), or `database.pgdump`, pg_dump's custom format (consistent too: one snapshot). Restoring
checks every checksum first, then replaces the database's contents; stop the bot (and the sender) before.
The bot migrates an older restored schema at its next start.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import json
import os
import shutil
import sqlite3
import tarfile
import tempfile
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import URL, make_url

from storage.database import create_engine
from storage.health import schema_state
from storage.models import utcnow

FORMAT = 1
MANIFEST = "manifest.json"
MEMBERS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}


class BackupError(Exception):
    """Something the operator must fix; its message is the one line they see."""


@dataclass(frozen=True)
class Archive:
    path: Path
    backend: str
    revision: str
    size: int


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        for block in iter(lambda: source.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _backend(url: URL) -> str:
    name = url.get_backend_name()
    if name not in MEMBERS:
        raise BackupError(f"cannot back up a {name} database")
    return name


def _libpq(url: URL) -> tuple[str, dict[str, str]]:
    """pg_dump's connection string without the password, which goes in the environment instead of the
    command line (where `ps` would show it)."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} not found: install PostgreSQL's client tools (Debian: postgresql-client)")
    return found


async def _run(*command: str, env: dict[str, str]) -> None:
    process = await asyncio.create_subprocess_exec(
        *command, env=env, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE
    )
    _, errors = await process.communicate()
    if process.returncode != 0:
        first = errors.decode(errors="replace").strip().splitlines()
        raise BackupError(f"{Path(command[0]).name} failed: {first[0] if first else process.returncode}")


def _sqlite_copy(source: str, target: str) -> None:
    """SQLite's online backup API: a consistent copy page by page, while others may keep writing."""
    Path(target).parent.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(source)) as origin, closing(sqlite3.connect(target)) as copy:
        origin.backup(copy)


ATTACHMENTS = "attachments"


def _attachment_files(root: Path | None) -> list[Path]:
    """Our copies of the attachments (bot/attachment_keeper.py): `<root>/<xx>/<sha256>`, whole files only."""
    if root is None or not root.is_dir():
        return []
    return sorted(path for path in root.glob("??/*") if path.is_file() and not path.name.startswith("."))


def _write_archive(
    member: Path, manifest: dict[str, object], archive: Path, attachments: Path | None = None
) -> int:
    archive.parent.mkdir(parents=True, exist_ok=True)
    partial = archive.with_name(archive.name + ".partial")
    with tarfile.open(partial, "w:gz") as tar:
        data = json.dumps(manifest, indent=2).encode()
        info = tarfile.TarInfo(MANIFEST)
        info.size = len(data)
        info.mtime = int(utcnow().timestamp())
        tar.addfile(info, io.BytesIO(data))
        tar.add(member, arcname=member.name)
        for path in _attachment_files(attachments):
            tar.add(path, arcname=f"{ATTACHMENTS}/{path.parent.name}/{path.name}")
    partial.replace(archive)  # a backup cut short never looks like a whole one
    return archive.stat().st_size


def _describe(member: Path) -> dict[str, object]:
    return {"size": member.stat().st_size, "sha256": _sha256(member)}


async def backup(database_url: str, archive: Path, attachments: Path | None = None) -> Archive:
    """`attachments`: ATTACHMENTS_DIR, whose files go into the archive beside the database."""
    url = make_url(database_url)
    backend = _backend(url)
    if backend == "sqlite" and not await asyncio.to_thread(Path(str(url.database)).is_file):
        raise BackupError(f"no database at {url.database}")
    engine = create_engine(database_url)
    try:
        try:
            schema = await schema_state(engine)
        except Exception as error:
            raise BackupError(f"cannot connect to the database ({type(error).__name__})") from None
    finally:
        await engine.dispose()
    if not schema.current:
        raise BackupError("the database has no schema yet: nothing to back up")
    with tempfile.TemporaryDirectory() as work:
        member = Path(work) / MEMBERS[backend]
        if backend == "sqlite":
            await asyncio.to_thread(_sqlite_copy, str(url.database), str(member))
        else:
            target, env = _libpq(url)
            await _run(
                _tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
                f"--file={member}", f"--dbname={target}", env=env,
            )  # fmt: skip
        revision = ",".join(schema.current)
        manifest: dict[str, object] = {
            "format": FORMAT,
            "backend": backend,
            "revision": revision,
            "created_at": utcnow().isoformat(),
            "files": {member.name: await asyncio.to_thread(_describe, member)},
            "attachments": len(await asyncio.to_thread(_attachment_files, attachments)),
        }
        size = await asyncio.to_thread(_write_archive, member, manifest, archive, attachments)
    return Archive(archive, backend, revision, size)


def _read_archive(archive: Path, into: Path) -> dict[str, object]:
    try:
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(into, filter="data")
    except (OSError, tarfile.TarError) as error:
        raise BackupError(f"{archive} is not a LaporGub backup ({error})") from None
    try:
        manifest: dict[str, object] = json.loads((into / MANIFEST).read_text())
    except (OSError, ValueError):
        raise BackupError(f"{archive} has no readable {MANIFEST}") from None
    files = manifest.get("files")
    if manifest.get("format") != FORMAT or not isinstance(files, dict):
        raise BackupError(f"{archive}: unknown backup format {manifest.get('format')!r}")
    for name, expected in files.items():
        member = into / name
        if not member.is_file() or _sha256(member) != expected.get("sha256"):
            raise BackupError(f"{archive}: {name} is missing or damaged (checksum differs)")
    kept = _attachment_files(into / ATTACHMENTS)
    if len(kept) != manifest.get("attachments", 0):
        raise BackupError(f"{archive}: {manifest.get('attachments')} attachments listed, {len(kept)} found")
    for path in kept:  # named by their SHA-256
        if _sha256(path) != path.name:
            raise BackupError(f"{archive}: attachment {path.name} is damaged (checksum differs)")
    return manifest


def _put_attachments(source: Path, root: Path) -> None:
    for path in _attachment_files(source):
        target = root / path.parent.name / path.name
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)


async def restore(database_url: str, archive: Path, attachments: Path | None = None) -> Archive:
    """`attachments`: ATTACHMENTS_DIR, where the archive's copies of the attachments are put back."""
    url = make_url(database_url)
    backend = _backend(url)
    with tempfile.TemporaryDirectory() as work:
        manifest = await asyncio.to_thread(_read_archive, archive, Path(work))
        if manifest["backend"] != backend:
            raise BackupError(
                f"{archive} is a {manifest['backend']} backup; DATABASE_URL is {backend}: restore it into a "
                f"{manifest['backend']} database"
            )
        member = Path(work) / MEMBERS[backend]
        if backend == "sqlite":
            await asyncio.to_thread(_sqlite_copy, str(member), str(url.database))
        else:
            target, env = _libpq(url)
            await _run(
                _tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges",
                "--single-transaction", f"--dbname={target}", str(member), env=env,
            )  # fmt: skip
        if attachments is not None:
            await asyncio.to_thread(_put_attachments, Path(work) / ATTACHMENTS, attachments)
    size = await asyncio.to_thread(lambda: archive.stat().st_size)
    return Archive(archive, backend, str(manifest["revision"]), size)
