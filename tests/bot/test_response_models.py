"""A bot built by create_bot keeps aiogram's answer models, so pydantic never rebuilds them between calls."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from bot.app.response_models import result_types

# Run in a fresh interpreter: another test of this process may already have kept the models.
PROBE = textwrap.dedent(
    """
    import gc
    import weakref

    from aiogram.methods.base import Response

    from bot.app.factory import create_bot
    from bot.app.settings import Settings
    from bot.app.response_models import result_types


    def collected_after_gc():
        refs = {returning: weakref.ref(Response[returning]) for returning in result_types()}
        gc.collect()
        return sorted(str(returning) for returning, ref in refs.items() if ref() is None)


    before = collected_after_gc()
    create_bot(Settings(_env_file=None, bot_token="1:probe", telegram_api_base="http://127.0.0.1:9"))
    after = collected_after_gc()
    print(len(before), len(after))
    """
)


def test_a_built_bot_keeps_the_answer_model_of_every_bot_api_method() -> None:
    probe = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, timeout=120
    )
    dropped_before, dropped_after = (int(n) for n in probe.stdout.split())
    # Without a bot, pydantic drops the models it built as soon as nothing uses them...
    assert dropped_before == len(result_types())
    # ...with one, none is dropped.
    assert dropped_after == 0


def test_keeping_the_models_changes_nothing_aiogram_reads() -> None:
    from aiogram.methods import SendMessage
    from aiogram.methods.base import Response

    from bot.app.response_models import keep_response_models

    assert keep_response_models() == len(result_types())
    answer = Response[SendMessage.__returning__].model_validate(  # type: ignore[name-defined]
        {
            "ok": True,
            "result": {"message_id": 7, "date": 0, "chat": {"id": 5, "type": "private"}, "text": "halo"},
        }
    )
    assert answer.ok
    assert answer.result.message_id == 7
    assert answer.result.text == "halo"
