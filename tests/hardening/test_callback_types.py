"""Every button-data family in bot/ is declared with bounded types (bot/ui/callbacks.py says how), so a forged
payload cannot carry a number storage cannot hold or a code no handler knows. A family added later with a
bare `int` or `str` fails here."""

from __future__ import annotations

import enum
import importlib
import pkgutil
import typing

import annotated_types
import pytest
from aiogram.filters.callback_data import CallbackData
from pydantic import ValidationError
from pydantic.fields import FieldInfo

import bot
from bot.handlers import officer_recording
from bot.handlers.admin import report
from bot.ui import filing_steps as filing
from bot.ui.callbacks import MAX_ROW_ID, FieldCode, LanguageCode
from bot.ui.report_rendering.documents import FORMATS
from bot.ui.texts import TABLES

# Run as their own processes, never imported by the bot.
NOT_IMPORTED = {"bot.__main__", "bot.app.gunicorn_conf"}
SMALLEST, LARGEST = -(2**63), 2**63 - 1  # what any database integer column holds


def families() -> list[type[CallbackData]]:
    for module in pkgutil.walk_packages(bot.__path__, "bot."):
        if module.name not in NOT_IMPORTED:
            importlib.import_module(module.name)
    found: list[type[CallbackData]] = []
    waiting = list(CallbackData.__subclasses__())
    while waiting:
        family = waiting.pop()
        waiting += family.__subclasses__()
        if family.__module__.startswith("bot."):
            found.append(family)
    return sorted(found, key=lambda family: family.__prefix__)


def bounds(field: FieldInfo) -> tuple[int | None, int | None]:
    low = high = None
    for rule in field.metadata:
        if isinstance(rule, annotated_types.Ge):
            low = int(rule.ge)  # type: ignore[call-overload]
        elif isinstance(rule, annotated_types.Gt):
            low = int(rule.gt) + 1  # type: ignore[call-overload]
        elif isinstance(rule, annotated_types.Le):
            high = int(rule.le)  # type: ignore[call-overload]
        elif isinstance(rule, annotated_types.Lt):
            high = int(rule.lt) - 1  # type: ignore[call-overload]
    return low, high


def problem_of(field: FieldInfo) -> str | None:
    kind = field.annotation
    if kind is bool:
        return None
    if kind is int:
        low, high = bounds(field)
        if low is None or high is None or low < SMALLEST or high > LARGEST:
            return "an int without bounds a database column holds"
        return None
    if typing.get_origin(kind) is typing.Literal:
        return None
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        return None
    return f"{kind!r}: use a bounded int, a Literal or an Enum"


FAMILIES = families()


def test_the_walk_finds_the_families_of_every_module() -> None:
    prefixes = {family.__prefix__ for family in FAMILIES}
    assert {"m", "d", "r", "ga", "gt", "or", "sv", "iv", "sd", "rd", "rf"} <= prefixes
    assert len(prefixes) == len(FAMILIES), "two families share a prefix"


@pytest.mark.parametrize("family", FAMILIES, ids=lambda family: family.__name__)
def test_every_field_of_every_family_is_bounded_or_enumerated(family: type[CallbackData]) -> None:
    problems = {name: problem_of(field) for name, field in family.model_fields.items()}
    assert {name: problem for name, problem in problems.items() if problem} == {}


def test_ids_stop_where_the_id_columns_stop() -> None:
    from bot.ui.callbacks import ComplaintCb

    assert ComplaintCb.unpack(f"d:{MAX_ROW_ID}").id == MAX_ROW_ID
    for forged in (f"d:{MAX_ROW_ID + 1}", "d:99999999999999999999", "d:0", "d:-1", "d:1.5", "d:", "d:x"):
        with pytest.raises(ValidationError):
            ComplaintCb.unpack(forged)


def test_the_enumerated_codes_agree_with_what_the_bot_issues() -> None:
    assert set(typing.get_args(LanguageCode)) == set(TABLES)
    assert set(typing.get_args(FieldCode)) == set(filing.BY_CODE)
    assert filing.RECORDING == officer_recording.PURPOSE
    period = report.ReportPeriodCb.model_fields["period"].annotation
    assert set(typing.get_args(period)) == {*report.PERIODS, report.CUSTOM}
    fmt = report.ReportFileCb.model_fields["fmt"].annotation
    assert set(typing.get_args(fmt)) == set(FORMATS)
