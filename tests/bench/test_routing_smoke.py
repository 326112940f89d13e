"""The routing bench on a small split: it runs and prints every figure."""

from __future__ import annotations

import re

import pytest

from bench.routing import load, main


def test_routing_set_is_labelled_with_registry_codes() -> None:
    items = load()
    assert len(items) >= 200
    codes = {item.route for item in items}
    assert "return_to_province" in codes
    assert all(code == "return_to_province" or code.startswith("PKL-") for code in codes)
    groups = [item.group for item in items if item.group]
    assert len(set(groups)) >= 20


def test_bench_prints_its_figures(capsys: pytest.CaptureFixture[str]) -> None:
    main(["--limit", "60", "--train", "0.5"])
    out = capsys.readouterr().out
    for label in ("routing top-1", "top-3", "cold start", "duplicates: precision", "recall", "p50", "p99"):
        assert label in out
    assert re.search(r"training 30 .*test 30", out)
    assert re.search(r"routing top-1: \d+\.\d% +top-3: \d+\.\d%", out)
