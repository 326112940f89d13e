"""The chaos run at a small size: two complaints through all seven steps while the bot and the outbox
sender are killed with SIGKILL twice each, PostgreSQL restarts once, and the Bot API fails a fifth of the
sender's requests and holds some past its timeout. Every check `bench.chaos` makes must hold.

About three minutes on two cores; its own PostgreSQL cluster (initdb, port 55433), never the shared server.
"""

from __future__ import annotations

import os

import pytest

from bench.chaos import Plan, run
from bench.chaos_postgres import ClusterUnavailable, server_binaries

CI_PLAN = Plan(complaints=2, start_every=3.0, bot_kills=2, sender_kills=2, delay_share=0.03, port=55433)


async def test_nothing_is_lost_or_done_twice_through_kills_a_database_restart_and_faults() -> None:
    try:
        server_binaries()
    except ClusterUnavailable as error:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI needs the PostgreSQL server binaries: {error}")
        pytest.skip(str(error))
    findings = await run(CI_PLAN)
    assert findings.failures == []
    assert any(line.startswith("chaos: bot killed 2x, sender killed 2x") for line in findings.lines)
