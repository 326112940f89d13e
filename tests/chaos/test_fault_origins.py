"""Faults aimed at one client: the chaos run fails the outbox sender's requests, never the bot's replies."""

from __future__ import annotations

from bot.dev.local_api import Faults
from bot.dev.local_api.faults import FaultInjector, request_origin


def test_faults_with_origins_hit_only_requests_made_under_those_origins() -> None:
    injector = FaultInjector(Faults(error_500_share=1.0, origins=frozenset({"sender"})))
    assert injector.decide("sendMessage").status is None  # no origin set: an ordinary client
    token = request_origin.set("bot")
    try:
        assert injector.decide("sendMessage").status is None
    finally:
        request_origin.reset(token)
    token = request_origin.set("sender")
    try:
        assert injector.decide("sendMessage").status == 500
    finally:
        request_origin.reset(token)


def test_faults_without_origins_hit_every_request() -> None:
    injector = FaultInjector(Faults(error_500_share=1.0))
    token = request_origin.set("bot")
    try:
        assert injector.decide("sendMessage").status == 500
    finally:
        request_origin.reset(token)
    assert injector.decide("sendMessage").status == 500
