"""A throwaway PostgreSQL cluster of the chaos run's own (initdb in a temporary directory, its own port), so
that it can be restarted mid-run without touching anyone else's server.

PostgreSQL refuses to run as root: as root the cluster belongs to, and runs as, the `postgres` OS user
(`runuser`); as anyone else it runs as that user. `private_cluster()` always stops the server and removes
its directory, whatever happened in between.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

OS_USER = "postgres"
START_TIMEOUT_S = 60


class ClusterUnavailable(Exception):
    """No PostgreSQL server binaries here, or initdb failed: the chaos run cannot have its own cluster."""


def server_binaries() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=_major_version)
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("pg_ctl")
    if on_path:
        return Path(on_path).parent
    raise ClusterUnavailable("no PostgreSQL server binaries (pg_ctl, initdb) found")


def _major_version(path: str) -> int:
    part = Path(path).parts[-3]
    return int(part) if part.isdigit() else 0


@dataclass
class PrivateCluster:
    bin: Path
    data: Path
    port: int
    as_postgres: bool

    @property
    def url(self) -> str:
        return self.url_for("postgres")

    def url_for(self, database: str) -> str:
        return f"postgresql+asyncpg://{OS_USER}@127.0.0.1:{self.port}/{database}"

    def _run(self, tool: str, *args: str, timeout: float = START_TIMEOUT_S) -> None:
        command = [str(self.bin / tool), *args]
        if self.as_postgres:
            command = ["runuser", "-u", OS_USER, "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
        if result.returncode != 0:
            raise ClusterUnavailable(f"{tool} {' '.join(args[:2])} failed: {result.stderr.strip()[-500:]}")

    def init(self) -> None:
        self._run("initdb", "-D", str(self.data), "-U", OS_USER, "--auth=trust", "-E", "UTF8", "--no-sync")

    def start(self) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.data}"
        options += " -c fsync=off -c max_connections=60"
        self._run(
            "pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.data / "server.log"), "-w", "start"
        )

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def restart(self) -> float:
        """Stop (ending every connection) and start again; returns how long the server was away."""
        began = time.monotonic()
        self.stop()
        self.start()
        return time.monotonic() - began

    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()


@contextmanager
def private_cluster(port: int) -> Iterator[PrivateCluster]:
    binaries = server_binaries()
    as_postgres = os.geteuid() == 0
    base = Path(tempfile.mkdtemp(prefix="laporgub-chaos-pg-"))
    data = base / "data"
    if as_postgres:
        shutil.chown(base, OS_USER, OS_USER)
    cluster = PrivateCluster(binaries, data, port, as_postgres)
    try:
        cluster.init()
        cluster.start()
        yield cluster
    finally:
        try:
            if cluster.running():
                cluster.stop("immediate")
        finally:
            shutil.rmtree(base, ignore_errors=True)
