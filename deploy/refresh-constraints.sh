#!/usr/bin/env bash
# Regenerate constraints.txt: install laporgub-bot with its production extras into a fresh venv (the newest
# releases pyproject.toml's bounds allow) and pin what pip chose. Review the diff, run the tests, commit.
set -euo pipefail
cd "$(dirname "$0")/.."
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
python3 -m venv "$work/venv"
# Built from a copy: an in-tree build leaves build/ behind, whose stale files a later wheel would carry.
mkdir "$work/src"
cp -r pyproject.toml README.md bot workflow storage "$work/src/"
"$work/venv/bin/pip" wheel -q --no-deps -w "$work/wheel" "$work/src"
wheel="$(ls "$work"/wheel/laporgub_bot-*.whl)"
"$work/venv/bin/pip" install -q "laporgub-bot[redis,server] @ file://$wheel"
{
    sed -n '/^#/p' constraints.txt
    "$work/venv/bin/pip" freeze --exclude laporgub-bot
} > "$work/constraints.txt"
mv "$work/constraints.txt" constraints.txt
git diff --stat -- constraints.txt || true
