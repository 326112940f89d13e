"""deploy/prometheus/laporgub.rules.yml: every metric it names is one the bot exports, and (with promtool)
the rules fire when they should and stay quiet when they should not, on made-up series."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "deploy" / "prometheus" / "laporgub.rules.yml"
METRICS_SOURCE = ROOT / "bot" / "app" / "metrics.py"
SERIES_SUFFIXES = ("_total", "_bucket", "_count", "_sum")


def rules() -> dict[str, dict[str, Any]]:
    (group,) = yaml.safe_load(RULES.read_text(encoding="utf-8"))["groups"]
    return {rule["alert"]: rule for rule in group["rules"]}


def test_every_metric_in_the_rules_is_exported_by_the_bot() -> None:
    exported = set(re.findall(r'"(laporgub_[a-z_]+)"', METRICS_SOURCE.read_text(encoding="utf-8")))
    named = {name for rule in rules().values() for name in re.findall(r"laporgub_[a-z_]+", rule["expr"])}
    assert named, "the rules name no metric"
    for name in sorted(named):
        base = next((name.removesuffix(s) for s in SERIES_SUFFIXES if name.endswith(s)), name)
        assert base in exported, f"{name} is not exported by bot/app/metrics.py"


def alert(name: str, **labels: str) -> dict[str, Any]:
    return {"exp_labels": labels, "exp_annotations": rules()[name]["annotations"]}


def test_the_alerts_fire_on_made_up_series(tmp_path: Path) -> None:
    promtool = shutil.which("promtool")
    if promtool is None:
        pytest.skip("promtool is not installed (Debian: apt-get install prometheus); names checked above")
    job = {"job": "laporgub", "instance": "bot"}
    labels = '{job="laporgub",instance="bot"}'
    scenario = {
        "rule_files": [str(RULES)],
        "evaluation_interval": "1m",
        "tests": [
            {
                "interval": "1m",
                "input_series": [
                    # A notice waiting 100 s, then one stuck from minute 10 on.
                    {
                        "series": f"laporgub_outbox_oldest_pending_age_seconds{labels}",
                        "values": "100x9 700x20",
                    },
                    # Scheduler passes each minute until minute 5, then none.
                    {
                        "series": f"laporgub_scheduler_last_pass_timestamp_seconds{labels}",
                        "values": "0+60x5 300x25",
                    },
                    # One notice refused for good at minute 20.
                    {"series": f"laporgub_outbox_failed{labels}", "values": "0x19 1x10"},
                    {"series": f"up{labels}", "values": "1x30"},
                ],
                "alert_rule_test": [
                    {"eval_time": "9m", "alertname": "LaporGubOutboxStuck", "exp_alerts": []},
                    {
                        "eval_time": "16m",
                        "alertname": "LaporGubOutboxStuck",
                        "exp_alerts": [alert("LaporGubOutboxStuck", **job)],
                    },
                    {"eval_time": "5m", "alertname": "LaporGubSchedulerStopped", "exp_alerts": []},
                    {
                        "eval_time": "20m",
                        "alertname": "LaporGubSchedulerStopped",
                        "exp_alerts": [alert("LaporGubSchedulerStopped", **job)],
                    },
                    {"eval_time": "19m", "alertname": "LaporGubNoticesFailed", "exp_alerts": []},
                    {
                        "eval_time": "21m",
                        "alertname": "LaporGubNoticesFailed",
                        "exp_alerts": [alert("LaporGubNoticesFailed", **job)],
                    },
                    {"eval_time": "20m", "alertname": "LaporGubDown", "exp_alerts": []},
                ],
            }
        ],
    }
    test_file = tmp_path / "laporgub.test.yml"
    test_file.write_text(yaml.safe_dump(scenario, sort_keys=False), encoding="utf-8")
    checked = subprocess.run(
        [promtool, "check", "rules", str(RULES)], capture_output=True, text=True, timeout=60, check=False
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    tested = subprocess.run(
        [promtool, "test", "rules", str(test_file)], capture_output=True, text=True, timeout=60, check=False
    )
    assert tested.returncode == 0, tested.stdout + tested.stderr
