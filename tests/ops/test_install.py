"""`pip install .` as a production server does it: the wheel built from this checkout, installed with
constraints.txt into a fresh venv, run from a directory outside the checkout. Migrations, the sandbox's
static files and the console script must come from the package, not from the source tree.

About two minutes (most of it pip installing into the fresh venv, from its cache when it can). It runs in the
full suite and in CI; `-m "not install"` leaves it out of a quick local run.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory

from storage.database import alembic_config
from tests.e2e.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "orgs-jateng.yaml"
# What a build needs; building a copy keeps build/ and *.egg-info out of the checkout.
SOURCES = ("pyproject.toml", "README.md", "bot", "workflow", "storage")

pytestmark = pytest.mark.install


def run(
    command: list[str], *, cwd: Path, env: dict[str, str], timeout: float
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The venv's bin directory, with laporgub-bot installed from its wheel under constraints.txt."""
    base = tmp_path_factory.mktemp("install")
    source = base / "src"
    source.mkdir()
    for name in SOURCES:
        origin = ROOT / name
        if origin.is_dir():
            shutil.copytree(origin, source / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(origin, source / name)
    pip_env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "VIRTUAL_ENV")}

    wheels = base / "wheels"
    built = run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(source)],
        cwd=base,
        env=pip_env,
        timeout=300,
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = wheels.glob("laporgub_bot-*.whl")

    venv = base / "venv"
    created = run([sys.executable, "-m", "venv", str(venv)], cwd=base, env=pip_env, timeout=120)
    assert created.returncode == 0, created.stderr
    # The `server` extra (gunicorn) as well: laporgub-web.service's command is run below. --no-compile: only
    # the modules the commands import get compiled (at first import), not all of numpy and matplotlib.
    install = run(
        [
            *(str(venv / "bin" / "pip"), "install", "-q", "--no-compile"),
            f"laporgub-bot[server] @ {wheel.as_uri()}",
            *("-c", str(ROOT / "constraints.txt")),
        ],
        cwd=base,
        env=pip_env,
        timeout=600,
    )
    assert install.returncode == 0, install.stderr
    return venv / "bin"


@pytest.fixture
def operator(installed: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
    """Runs a command of the installed venv in an empty directory outside the checkout, with none of this
    session's settings (no BOT_TOKEN, no DATABASE_URL, no PYTHONPATH): only what the server would have."""
    env = {
        "PATH": f"{installed}:/usr/bin:/bin",
        "HOME": str(tmp_path),
        "LANG": "C.UTF-8",
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'laporgub.sqlite3'}",
    }

    def call(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return run([str(installed / args[0]), *args[1:]], cwd=tmp_path, env=env, timeout=timeout)

    call.env = env  # type: ignore[attr-defined]
    return call


def checkout_head() -> str:
    (head,) = ScriptDirectory.from_config(alembic_config()).get_heads()
    return head


def test_the_package_comes_from_the_venv_not_the_checkout(operator, installed: Path) -> None:  # type: ignore[no-untyped-def]
    where = operator(
        "python", "-c", "import bot, storage.database as d; print(bot.__file__); print(d.MIGRATIONS)"
    )
    assert where.returncode == 0, where.stderr
    package, migrations = where.stdout.split()
    venv = installed.parent
    assert Path(package).is_relative_to(venv), package
    assert Path(migrations).is_relative_to(venv), migrations
    shipped = sorted(path.name for path in (Path(migrations) / "versions").glob("*.py"))
    ours = sorted(path.name for path in (ROOT / "storage" / "migrations" / "versions").glob("*.py"))
    assert shipped == ours


def test_help_migrate_check_and_orgs_import_work_from_the_wheel(operator) -> None:  # type: ignore[no-untyped-def]
    helped = operator("laporgub", "--help")
    assert helped.returncode == 0, helped.stderr
    for word in ("run", "sender", "sandbox", "check", "migrate", "backup", "restore", "orgs", "admin"):
        assert f"    {word} " in helped.stdout, word

    migrated = operator("laporgub", "migrate")
    assert migrated.returncode == 0, migrated.stderr
    assert migrated.stdout.strip() == f"database at {checkout_head()}"

    checked = operator("laporgub", "check")
    lines = checked.stdout.splitlines()
    # Everything passes but Telegram (no token on this server yet: a failure, exit 1) and the personal-data
    # key (none made yet: a warning).
    assert checked.returncode == 1, checked.stdout + checked.stderr
    assert [line.split()[1] for line in lines] == [
        "settings",
        "database",
        "schema",
        "outbox",
        "privacy",
        "files",
        "telegram",
        "holidays",
    ], lines
    assert lines[0].startswith("ok    settings")
    assert lines[1].startswith("ok    database  reachable (sqlite)")
    assert lines[2] == f"ok    schema    at the migrations' head {checkout_head()}"
    assert lines[3].startswith("ok    outbox    0 pending")
    assert lines[4].startswith("warn  privacy   PERSONAL_DATA_KEYS is not set")
    assert lines[5].startswith("ok    files ")
    assert lines[6].startswith("FAIL  telegram  BOT_TOKEN is not set")
    assert lines[7].split()[0] in ("ok", "warn"), lines[7]

    imported = operator("laporgub", "orgs", "import", str(EXAMPLE))
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.splitlines()[0].endswith("62 created, 0 updated, 0 unchanged")
    exported = operator("laporgub", "orgs", "export")
    assert exported.returncode == 0, exported.stderr
    assert "code: PKL-DPUPR" in exported.stdout


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, b""


def test_the_sandbox_serves_its_page_and_static_files_from_the_wheel(  # type: ignore[no-untyped-def]
    operator, installed: Path, tmp_path: Path
) -> None:
    port = free_port()
    log = tmp_path / "sandbox.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [str(installed / "laporgub"), "sandbox", "--port", str(port)],
            cwd=tmp_path,
            env=operator.env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            status, page = wait_for(f"http://127.0.0.1:{port}/", process, log)
            assert status == 200, log.read_text()
            assert b'src="/static/app.js"' in page
            for name in ("app.js", "style.css", "icon.svg"):
                assert get(f"http://127.0.0.1:{port}/static/{name}")[0] == 200, name
        finally:
            stop(process)


def wait_for(url: str, process: subprocess.Popen[bytes], log: Path) -> tuple[int, bytes]:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and process.poll() is None:
        try:
            return get(url)
        except OSError:
            time.sleep(0.5)
    raise AssertionError(f"{url} never answered:\n{log.read_text()}")


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def test_the_web_unit_command_serves_and_check_passes_with_a_token(  # type: ignore[no-untyped-def]
    operator, installed: Path, tmp_path: Path
) -> None:
    """laporgub-web.service's ExecStart (two workers instead of four), with its settings read from an
    environment file as systemd's EnvironmentFile= would, against the local Bot API server: the workers serve
    the health checks and metrics, and `check` passes every item, the webhook included."""
    api_port, web_port = free_port(), free_port()
    token = "123456:local-test-token"
    settings = {
        "BOT_TOKEN": token,
        "TELEGRAM_API_BASE": f"http://127.0.0.1:{api_port}",
        "MODE": "webhook",
        "WEBHOOK_PUBLIC_URL": f"http://127.0.0.1:{web_port}",
        "WEBHOOK_SECRET": "install_test_secret",
        "WEBHOOK_LISTEN_PORT": str(web_port),
        "LOG_FORMAT": "json",
        "PERSONAL_DATA_KEYS": "kR3ZRtZkT3aO7bKqk4oOkP9S3Cqz6yQbYt8v1W7mF0E=",
    }
    env = {**operator.env, **settings, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "run")}

    unit_lines = (
        (ROOT / "deploy" / "systemd" / "laporgub-web.service").read_text(encoding="utf-8").splitlines()
    )
    (exec_start,) = [line.removeprefix("ExecStart=") for line in unit_lines if line.startswith("ExecStart=")]
    command = exec_start.replace("/opt/laporgub/venv/bin/", f"{installed}/").split()
    assert command[-2:] == ["--workers", "4"]
    command[-1] = "2"

    api_log, web_log = tmp_path / "api.log", tmp_path / "web.log"
    with api_log.open("w") as api_out, web_log.open("w") as web_out:
        api = subprocess.Popen(
            [
                str(installed / "python"),
                "-m",
                "bot.dev.local_api",
                "--port",
                str(api_port),
                "--bot",
                f"{token}=laporgub_local_bot",
            ],
            cwd=tmp_path,
            env=operator.env,
            stdout=api_out,
            stderr=subprocess.STDOUT,
        )
        try:
            assert wait_for(f"http://127.0.0.1:{api_port}/bot{token}/getMe", api, api_log)[0] == 200
            web = subprocess.Popen(command, cwd=tmp_path, env=env, stdout=web_out, stderr=subprocess.STDOUT)
            try:
                assert wait_for(f"http://127.0.0.1:{web_port}/healthz", web, web_log)[0] == 200
                ready = wait_for(f"http://127.0.0.1:{web_port}/readyz", web, web_log)
                assert ready[0] == 200, ready
                status, metrics = get(f"http://127.0.0.1:{web_port}/metrics")
                assert status == 200
                assert b"laporgub_outbox_pending 0.0" in metrics

                checked = run([str(installed / "laporgub"), "check"], cwd=tmp_path, env=env, timeout=120)
                lines = checked.stdout.splitlines()
                assert [line.split()[1] for line in lines] == [
                    "settings",
                    "database",
                    "schema",
                    "outbox",
                    "privacy",
                    "files",
                    "telegram",
                    "webhook",
                    "holidays",
                ], checked.stdout + checked.stderr
                assert all(line.startswith("ok ") for line in lines[:-1]), lines
                assert f"registered at http://127.0.0.1:{web_port}/telegram/webhook" in lines[7]
                assert checked.returncode == (0 if lines[-1].startswith("ok ") else 3), lines
            finally:
                stop(web)
        finally:
            stop(api)
    assert token not in web_log.read_text()
