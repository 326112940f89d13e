"""Settings the bot's start applies: STAGE_TARGET_HOURS (each waiting stage's office hours) reach the
scheduler the bot runs, a wrong value is refused naming what is wrong; a changed OFFICE_CLOSE has the report
rollups counted again."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from pydantic import ValidationError
from sqlalchemy import func, select

from bot.app.runner import build_process, prepare_database
from bot.app.settings import Settings
from storage import models
from storage.database import session_factory
from workflow.definitions import S
from workflow.sla import DEFAULT_STAGE_HOURS

TOKEN = "123456:" + "A" * 35


def test_stages_not_named_keep_their_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STAGE_TARGET_HOURS", "at_opd=3, in_follow_up=5.5")
    hours = Settings(_env_file=None).stage_targets.hours
    assert hours[S.AT_OPD] == 3
    assert hours[S.IN_FOLLOW_UP] == 5.5
    assert {stage: hours[stage] for stage in (S.AT_PROVINCE, S.AT_CITY, S.RESULT_AT_CITY)} == {
        stage: DEFAULT_STAGE_HOURS[stage] for stage in (S.AT_PROVINCE, S.AT_CITY, S.RESULT_AT_CITY)
    }


def test_unset_or_empty_means_the_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings(_env_file=None).stage_targets.hours == DEFAULT_STAGE_HOURS
    monkeypatch.setenv("STAGE_TARGET_HOURS", "")
    assert Settings(_env_file=None).stage_targets.hours == DEFAULT_STAGE_HOURS


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("resolved=1", "not waiting stages: resolved"),
        ("at_opd=0", "the target of at_opd must be positive"),
        ("at_opd=-2", "the target of at_opd must be positive"),
        ("at_opd", "expected stage=hours, got 'at_opd'"),
        ("at_opd=dua", "the hours of at_opd must be a number, got 'dua'"),
        ("at_opd=nan", "the hours of at_opd must be a number, got 'nan'"),
    ],
)
def test_a_wrong_value_is_refused_naming_it(
    monkeypatch: pytest.MonkeyPatch, value: str, message: str
) -> None:
    monkeypatch.setenv("STAGE_TARGET_HOURS", value)
    with pytest.raises(ValidationError, match=message):
        Settings(_env_file=None)


async def test_the_bot_process_schedules_with_the_configured_targets(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("STAGE_TARGET_HOURS", "at_city=1,in_follow_up=8")
    settings = Settings(
        _env_file=None,
        bot_token=TOKEN,
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}",
    )
    process = await build_process(settings)
    try:
        hours = process.scheduler.settings.targets.hours
        assert (hours[S.AT_CITY], hours[S.IN_FOLLOW_UP]) == (1, 8)
        assert hours[S.AT_OPD] == DEFAULT_STAGE_HOURS[S.AT_OPD]
    finally:
        await process.close()


async def test_start_up_counts_the_report_rollups_again_after_office_close_changed(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}"
    engine = await prepare_database(Settings(_env_file=None, database_url=url))
    try:
        async with session_factory(engine).begin() as session:
            # A completion counted while the office closed at 16:00; the complaint it counted is gone.
            session.add(
                models.ReportDayCompletions(
                    received_day=date(2026, 12, 1),
                    office_close_s=16 * 3600,
                    after_office_close=False,
                    resolved_day=date(2026, 12, 2),
                    complaints=1,
                )
            )
    finally:
        await engine.dispose()

    monkeypatch.setenv("OFFICE_CLOSE", "17:30")
    engine = await prepare_database(Settings(_env_file=None, database_url=url))
    try:
        async with session_factory(engine)() as session:
            left = await session.scalar(select(func.count()).select_from(models.ReportDayCompletions))
        assert left == 0  # counted again from the complaints: there are none
    finally:
        await engine.dispose()
