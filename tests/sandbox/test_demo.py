"""`python -m bot demo`: the scripted complaint through the sandbox succeeds, prints what each person saw, and
a failed step ends in one line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.app.settings import Settings
from bot.dev.sandbox import demo
from bot.dev.sandbox.personas import Persona
from bot.ui.cards import action_label
from bot.ui.texts import texts_for
from tests.e2e.chat import visible
from workflow.definitions import T

ROOT = Path(__file__).resolve().parents[2]
ID = texts_for("id")


def test_the_demo_carries_a_complaint_to_the_reporter_and_prints_every_chat(tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items() if key not in ("BOT_TOKEN", "DATABASE_URL")}
    env["PYTHONPATH"] = str(ROOT)
    # In an empty directory: no .env is read, and nothing may be left behind.
    result = subprocess.run(
        [sys.executable, "-m", "bot", "demo"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    out = result.stdout
    steps = [line.split("] ", 1)[0] + "]" for line in out.splitlines() if line.startswith("[")]
    assert steps == ["[1/7]", "[2/7]", "[3/7]", "[4/7]", "[3/7]", "[4/7]", "[4/7]", "[5/7]", "[6/7]", "[7/7]"]
    for heading in ("Siti Aminah — Pelapor", "Budi (Admin Pemprov)", "Dewi (Admin Dinkominfo)"):
        assert f"━━━ {heading}" in out
    for heading in ("Wati (Admin DLH)", "Agus (Admin DPUPR)"):
        assert f"━━━ {heading}" in out
    # The buttons each person pressed are shown; the return's reason travels on the city's next cards.
    for trigger in (T.DISPOSE, T.FORWARD, T.RETURN_TO_CITY, T.ACCEPT, T.SUBMIT_RESULT, T.APPROVE):
        assert f"▶ pressed [{action_label(trigger, ID)}]" in out
    assert out.count(demo.RETURN_REASON) >= 5  # Wati's message and confirmation, the later cards' history
    # What Siti saw at the end: the result, her five stars, the thanks; times in WIB.
    assert demo.RESULT in out
    assert "▶ pressed [5⭐]" in out
    assert visible(ID("result.comment.ask", stars="⭐" * 5, number="@")).split("@")[0] in out
    assert visible(ID("result.comment.saved")) in out
    assert " 09:00 Siti Aminah: /start" in out
    last = out.rstrip().splitlines()[-1]
    assert last.startswith("✅ LG-")
    assert "reached Siti Aminah: closed, rated 5⭐" in last
    assert not (tmp_path / "data").exists(), "the demo keeps no database"


def test_a_step_that_never_comes_fails_in_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # An agency admin the registry does not know: the card never reaches her.
    stranger = Persona("opd-dlh", 899999, "Tamu", "Tamu", "Guest", "+6281299999999")
    monkeypatch.setitem(demo.SEATS, "opd-dlh", stranger)
    monkeypatch.setattr(demo, "WAIT_S", 2.0)
    assert demo.main(Settings(_env_file=None)) == 1
    captured = capsys.readouterr()
    lines = [line for line in captured.err.splitlines() if line.strip()]
    assert len(lines) == 1, lines
    assert lines[0].startswith("laporgub demo: FAILED: Tamu waited 2s for the card of LG-")
    assert "━━━ Siti Aminah — Pelapor" in captured.out, "the transcript shows how far it got"
    assert "[4/7]" in captured.out
