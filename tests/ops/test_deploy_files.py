"""The files in deploy/ as the server's tools read them: the systemd units through `systemd-analyze verify`,
the nginx site through a real nginx in front of a stand-in for the webhook server.

Each tool is looked up on PATH; without it the test is skipped with the reason (Debian: `apt-get install
systemd` gives systemd-analyze, `apt-get install nginx-light` nginx), and fails under CI=true, where .ci/run
installs them. Neither needs systemd or nginx running as a service.
"""

from __future__ import annotations

import http.client
import os
import shutil
import ssl
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import NoReturn

import pytest

from bot.app.settings import Settings
from tests.e2e.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]
UNITS = ROOT / "deploy" / "systemd"
SITE = ROOT / "deploy" / "nginx" / "laporgub.conf"
VENV_BIN = "/opt/laporgub/venv/bin/"


def missing(reason: str) -> NoReturn:
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI needs it: {reason}")
    pytest.skip(reason)


def unit(name: str) -> dict[str, dict[str, list[str]]]:
    """Section -> key -> every value given (systemd allows a key more than once, e.g. Environment=)."""
    sections: dict[str, dict[str, list[str]]] = {}
    current: dict[str, list[str]] = {}
    for raw in (UNITS / name).read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            current = sections.setdefault(line.strip("[]"), {})
            continue
        key, _, value = line.partition("=")
        current.setdefault(key, []).append(value)
    return sections


def test_systemd_units_verify(tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        missing("systemd-analyze is not installed (Debian: apt-get install systemd)")
    # verify insists that each ExecStart= program exists: stand-ins for the venv's, at a path of their own.
    bin_dir = tmp_path / "venv" / "bin"
    bin_dir.mkdir(parents=True)
    for program in ("laporgub", "gunicorn"):
        (bin_dir / program).write_text("#!/bin/sh\n", encoding="utf-8")
        (bin_dir / program).chmod(0o755)
    units = tmp_path / "units"
    units.mkdir()
    names = sorted(path.name for path in UNITS.iterdir())
    for name in names:
        text = (UNITS / name).read_text(encoding="utf-8")
        (units / name).write_text(text.replace(VENV_BIN, f"{bin_dir}/"), encoding="utf-8")
    result = subprocess.run(
        [analyze, "verify", *names], cwd=units, capture_output=True, text=True, timeout=120, check=False
    )
    # verify exits 0 on an unknown key or a bad value, and only says so: any word from it is a finding.
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


def test_the_units_run_what_the_readme_runs_as_the_service_user_hardened() -> None:
    names = sorted(path.name for path in UNITS.glob("*.service"))
    assert names == [
        "laporgub-backup.service",
        "laporgub-sender.service",
        "laporgub-web.service",
        "laporgub.service",
    ]
    for name in names:
        service = unit(name)["Service"]
        assert service["User"] == ["laporgub"], name
        assert service["EnvironmentFile"] == ["/etc/laporgub/laporgub.env"], name
        assert service["NoNewPrivileges"] == ["yes"], name
        assert service["ProtectSystem"] == ["strict"], name
        assert "/var/lib/laporgub" in service["ReadWritePaths"], name
    assert unit("laporgub.service")["Service"]["ExecStart"] == [f"{VENV_BIN}laporgub run"]
    assert unit("laporgub-sender.service")["Service"]["ExecStart"] == [f"{VENV_BIN}laporgub sender"]
    web = unit("laporgub-web.service")["Service"]
    # README, "Several webhook workers": the same gunicorn command.
    gunicorn = "gunicorn bot.app.web:create_app -c python:bot.app.gunicorn_conf --workers 4"
    assert web["ExecStart"] == [VENV_BIN + gunicorn]
    assert web["RuntimeDirectory"] == ["laporgub-web"]
    assert "PROMETHEUS_MULTIPROC_DIR=/run/laporgub-web" in web["Environment"]
    assert "gunicorn 'bot.app.web:create_app' -c python:bot.app.gunicorn_conf" in (
        ROOT / "README.md"
    ).read_text(encoding="utf-8")
    backup = unit("laporgub-backup.service")["Service"]
    assert f"{VENV_BIN}laporgub backup " in backup["ExecStart"][0]
    assert "/var/backups/laporgub" in backup["ReadWritePaths"]
    assert unit("laporgub-backup.timer")["Timer"]["Persistent"] == ["true"]


def test_shell_lines_leave_percent_and_dollar_to_the_shell() -> None:
    """systemd expands %X specifiers and $VAR itself, silently (verify says nothing): a date format or a
    variable meant for sh must be written %% and $$. Only $MAINPID is systemd's."""
    for path in sorted(UNITS.glob("*.service")):
        for key, values in unit(path.name)["Service"].items():
            if not key.startswith("Exec"):
                continue
            for value in values:
                rest = value.replace("%%", "").replace("$$", "").replace("$MAINPID", "")
                assert "%" not in rest, (path.name, value)
                assert "$" not in rest, (path.name, value)


class Upstream(BaseHTTPRequestHandler):
    """Stands in for the webhook server: answers every request with its method and path."""

    seen: list[tuple[str, str]]

    def answer(self) -> None:
        self.seen.append((self.command, self.path))
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        body = f"upstream {self.command} {self.path}".encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = answer

    def log_message(self, *_args: object) -> None:
        pass


@pytest.fixture
def upstream() -> Iterator[tuple[int, list[tuple[str, str]]]]:
    seen: list[tuple[str, str]] = []
    handler = type("Recording", (Upstream,), {"seen": seen})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], seen
    server.shutdown()
    server.server_close()


def site_for_test(tmp_path: Path, upstream_port: int, http_port: int, https_port: int) -> str:
    """The site with only what a test machine must change: ports, certificate and log paths."""
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
            *("-subj", "/CN=localhost"),
            *("-keyout", str(tmp_path / "key.pem"), "-out", str(tmp_path / "cert.pem")),
        ],
        capture_output=True,
        check=True,
        timeout=60,
    )
    text = SITE.read_text(encoding="utf-8")
    replacements = {
        "server 127.0.0.1:8080;": f"server 127.0.0.1:{upstream_port};",
        "listen 80;": f"listen 127.0.0.1:{http_port};",
        "listen 443 ssl;": f"listen 127.0.0.1:{https_port} ssl;",
        "/etc/letsencrypt/live/bot.example.go.id/fullchain.pem": str(tmp_path / "cert.pem"),
        "/etc/letsencrypt/live/bot.example.go.id/privkey.pem": str(tmp_path / "key.pem"),
        "/var/log/nginx/": f"{tmp_path}/",
    }
    for old, new in replacements.items():
        assert old in text, old
        text = text.replace(old, new)
    # IPv6 may be off on a test machine; the IPv4 lines above are what is exercised.
    return "\n".join(line for line in text.splitlines() if "listen [::]" not in line)


def test_the_proxy_passes_the_webhook_and_health_checks_only(tmp_path: Path, upstream) -> None:  # type: ignore[no-untyped-def]
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if nginx is None:
        missing("nginx is not installed (Debian: apt-get install nginx-light)")
    if shutil.which("openssl") is None:
        missing("openssl is not installed (for the test's self-signed certificate)")
    upstream_port, seen = upstream
    http_port, https_port = free_port(), free_port()
    (tmp_path / "site.conf").write_text(
        site_for_test(tmp_path, upstream_port, http_port, https_port), encoding="utf-8"
    )
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\ndaemon off;\nmaster_process off;\n"
        f"events {{}}\nhttp {{\n    include {tmp_path}/site.conf;\n}}\n",
        encoding="utf-8",
    )
    command = [nginx, "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")]
    tested = subprocess.run([*command, "-t"], capture_output=True, text=True, timeout=60, check=False)
    assert tested.returncode == 0, tested.stderr

    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        base = f"https://127.0.0.1:{https_port}"

        def call(path: str, method: str = "GET", body: bytes | None = None) -> tuple[int, str]:
            request = urllib.request.Request(base + path, data=body, method=method)
            try:
                with urllib.request.urlopen(request, timeout=5, context=context) as response:
                    return response.status, response.read().decode()
            except urllib.error.HTTPError as error:
                return error.code, ""

        deadline = time.monotonic() + 30
        while True:
            try:
                call("/healthz")
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.2)
        seen.clear()

        webhook_path = Settings.model_fields["webhook_path"].default
        assert call(webhook_path, "POST", b'{"update_id": 1}') == (200, f"upstream POST {webhook_path}")
        assert call("/healthz") == (200, "upstream GET /healthz")
        assert call("/readyz") == (200, "upstream GET /readyz")
        assert call(webhook_path)[0] == 403
        for hidden in ("/metrics", "/", "/static/app.js", "/healthz/../metrics", "/readyzz"):
            assert call(hidden)[0] == 404, hidden
        assert seen == [("POST", webhook_path), ("GET", "/healthz"), ("GET", "/readyz")]

        plain = http.client.HTTPConnection("127.0.0.1", http_port, timeout=5)
        plain.request("POST", webhook_path, body=b"{}")
        redirected = plain.getresponse()
        assert redirected.status == 301
        assert redirected.getheader("Location") == f"https://127.0.0.1{webhook_path}"
        plain.close()
        assert len(seen) == 3
    finally:
        process.terminate()
        process.wait(timeout=30)
