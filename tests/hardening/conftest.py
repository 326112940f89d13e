"""Hardening: what bad input of every kind gets, through the real dispatcher on both databases."""

from __future__ import annotations

from tests.e2e.conftest import local_api, mode, running_bot

__all__ = ["local_api", "mode", "running_bot"]
