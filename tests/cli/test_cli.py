"""The operator commands as an operator runs them: `python -m bot orgs ...`, `python -m bot admin ...`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "orgs-jateng.yaml"


@pytest.fixture
def bot(tmp_path: Path):  # type: ignore[no-untyped-def]
    env = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "BOT_TOKEN")}
    env["PYTHONPATH"] = str(ROOT)
    env["DATABASE_URL"] = f"sqlite+aiosqlite:///{tmp_path / 'cli.sqlite3'}"

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "bot", *args],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    return run


def test_importing_the_registry_twice_gives_the_same_registry(bot) -> None:  # type: ignore[no-untyped-def]
    first = bot("orgs", "import", str(EXAMPLE))
    assert first.returncode == 0, first.stderr
    assert "62 created, 0 updated, 0 unchanged" in first.stdout.splitlines()[0]
    exported = bot("orgs", "export").stdout
    again = bot("orgs", "import", str(EXAMPLE))
    assert again.returncode == 0
    assert again.stdout.strip().endswith("0 created, 0 updated, 62 unchanged")
    assert bot("orgs", "export").stdout == exported
    assert yaml.safe_load(exported) == yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))


def test_a_malformed_file_is_refused_with_the_line_and_the_reason(bot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "orgs.yaml"
    bad.write_text(
        "organisations:\n  - code: JATENG\n    kind: province\n    name: Jawa Tengah\n    children:\n"
        "      - code: KOTA-X\n        kind: opd\n        name: X\n",
        encoding="utf-8",
    )
    result = bot("orgs", "import", str(bad))
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.strip() == "laporgub: line 6: KOTA-X: a opd cannot sit under JATENG"
    bad.write_text("organisations:\n  - code: JATENG\n   kind: province\n", encoding="utf-8")
    result = bot("orgs", "import", str(bad))
    assert result.returncode == 1
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("laporgub: line 3: not valid YAML")
    assert "no admins" in bot("admin", "list").stdout  # nothing was imported


def test_admin_seats_are_added_listed_and_deactivated_with_one_line_refusals(bot) -> None:  # type: ignore[no-untyped-def]
    assert bot("orgs", "import", str(EXAMPLE)).returncode == 0
    added = bot(
        "admin",
        "add",
        "--telegram-id",
        "2001",
        "--role",
        "city",
        "--org",
        "KOTA-PEKALONGAN",
        "--name",
        "Sari",
    )
    assert added.returncode == 0, added.stderr
    assert added.stdout.strip() == "added: 2001\tcity\tKOTA-PEKALONGAN\tSari\tactive"
    assert (
        bot(
            "admin", "add", "--telegram-id", "4001", "--role", "officer", "--org", "KOTA-PEKALONGAN"
        ).returncode
        == 0
    )

    refusals = {
        ("--telegram-id", "2001", "--role", "city", "--org", "KOTA-PEKALONGAN"): (
            "laporgub: 2001 is already a city admin of KOTA-PEKALONGAN"
        ),
        ("--telegram-id", "7", "--role", "opd", "--org", "KOTA-PEKALONGAN"): (
            "laporgub: role opd does not fit KOTA-PEKALONGAN, which is a city"
        ),
        ("--telegram-id", "7", "--role", "city", "--org", "KOTA-ATLANTIS"): (
            "laporgub: no organisation 'KOTA-ATLANTIS'"
        ),
    }
    for args, message in refusals.items():
        result = bot("admin", "add", *args)
        assert (result.returncode, result.stderr.strip()) == (1, message)

    listed = bot("admin", "list", "--org", "KOTA-PEKALONGAN").stdout.splitlines()
    assert listed == [
        "2001\tcity\tKOTA-PEKALONGAN\tSari\tactive",
        "4001\tofficer\tKOTA-PEKALONGAN\t-\tactive",
    ]
    assert bot("admin", "list", "--org", "KOTA-PEKALONGAN-X").stderr.strip() == (
        "laporgub: no organisation 'KOTA-PEKALONGAN-X'"
    )
    gone = bot("admin", "deactivate", "--telegram-id", "2001")
    assert gone.stdout.strip() == "deactivated: 2001\tcity\tKOTA-PEKALONGAN\tSari\tinactive"
    again = bot("admin", "deactivate", "--telegram-id", "2001")
    assert (again.returncode, again.stderr.strip()) == (1, "laporgub: 2001 is not an active admin")
    assert "2001\tcity\tKOTA-PEKALONGAN\tSari\tinactive" in bot("admin", "list").stdout
    # Re-adding a deactivated seat gives it back rather than refusing it as a duplicate.
    assert (
        bot("admin", "add", "--telegram-id", "2001", "--role", "city", "--org", "KOTA-PEKALONGAN").returncode
        == 0
    )


@pytest.mark.parametrize(
    "words",
    [
        ["--help"],
        ["run", "--help"],
        ["sender", "--help"],
        ["sandbox", "--help"],
        ["demo", "--help"],
        ["orgs", "--help"],
        ["orgs", "import", "--help"],
        ["admin", "--help"],
        ["admin", "add", "--help"],
    ],
)
def test_help_prints_and_starts_nothing(bot, tmp_path: Path, words: list[str]) -> None:  # type: ignore[no-untyped-def]
    result = bot(*words)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: ")
    # Nothing ran: no database was created, no sandbox listened.
    assert not (tmp_path / "cli.sqlite3").exists()
    assert not (tmp_path / "data").exists()


def test_an_unknown_word_prints_usage_and_exits_2(bot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = bot("--hlep")
    assert result.returncode == 2
    assert "usage: " in result.stderr
    result = bot("sendr")
    assert result.returncode == 2
    assert "invalid choice: 'sendr'" in result.stderr
    assert not (tmp_path / "cli.sqlite3").exists()


def test_the_console_script_is_the_same_tree(tmp_path: Path) -> None:
    script = Path(sys.executable).parent / "laporgub"
    if not script.exists():
        pytest.skip("the package is not installed with its console script (pip install -e .)")
    result = subprocess.run(
        [str(script), "admin", "--help"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: laporgub admin ")


def test_purge_says_what_it_deleted(bot) -> None:  # type: ignore[no-untyped-def]
    result = bot("purge")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "deleted 0 delivered notices of finished complaints older than 30 days",
        "erased the identity of 0 reporters whose complaints all finished over 365 days ago",
    ]


def test_datarequests_lists_what_waits(bot) -> None:  # type: ignore[no-untyped-def]
    result = bot("datarequests")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["no erasure requests waiting"]
