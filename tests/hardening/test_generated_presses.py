"""Generated button presses through the real dispatcher: every family's payload with boundary, foreign and
random values, random bytes, by every role, in every conversation state. Each press gets exactly one
answer, nothing is logged as an error, no request to Telegram fails, and a complaint moves only by a step
the workflow gives to the presser's role."""

from __future__ import annotations

import enum
import typing
from typing import Any

from aiogram.filters.callback_data import CallbackData
from hypothesis import given
from hypothesis import strategies as st
from pydantic.fields import FieldInfo

from bot.handlers.admin.report import ReportRange
from bot.handlers.officer_recording import Recording
from bot.ui.admin_states import AdminInput
from bot.ui.callbacks import MAX_ROW_ID
from bot.ui.states import Filing
from tests.e2e.admin_desk import down_to, seed
from tests.hardening.harness import Feed, conversation_data, illegal_events, last_event_id
from tests.hardening.test_callback_types import FAMILIES
from workflow.definitions import T

STRANGER = 9100  # never registered: no reporter, no seat
REPORTER = 9001
ADMINS = (1001, 2001, 2101, 3001, 3101, 3201, 4001, 5001)
PRESSERS = (REPORTER, STRANGER, *ADMINS)

BOUNDARIES = (0, -1, 1, 2, MAX_ROW_ID, MAX_ROW_ID + 1, 2**32, 2**63 - 1, 2**63, 10**20, -(2**63))
JUNK = st.sampled_from(["", "x", "1.5", "1e3", " 1", "０", "null", "-0", "1_000"]) | st.text(
    max_size=8
).filter(lambda text: ":" not in text)
STATES = (
    None,
    *Filing.__all_states__,
    *AdminInput.__all_states__,
    *Recording.__all_states__,
    ReportRange.typing,
)


def value_of(field: FieldInfo, real_ids: list[int]) -> st.SearchStrategy[str]:
    kind = field.annotation
    if kind is bool:
        valid: st.SearchStrategy[str] = st.sampled_from(["0", "1", "true", "false"])
    elif kind is int:
        valid = st.one_of(
            st.sampled_from(BOUNDARIES).map(str),
            st.sampled_from(real_ids).map(str),
            st.integers(-(2**70), 2**70).map(str),
        )
    elif typing.get_origin(kind) is typing.Literal:
        valid = st.sampled_from([str(value) for value in typing.get_args(kind)])
    elif isinstance(kind, type) and issubclass(kind, enum.Enum):
        valid = st.sampled_from([str(member.value) for member in kind])
    else:
        valid = st.text(max_size=8)
    return st.one_of(valid, valid, valid, JUNK)  # mostly well-formed: junk rarely gets past the prefix


def payload_of(family: type[CallbackData], real_ids: list[int]) -> st.SearchStrategy[str]:
    fields = [value_of(field, real_ids) for field in family.model_fields.values()]
    extra = st.sampled_from([(), ("1",)])  # now and then a field too many
    return st.tuples(*fields, extra).map(lambda parts: ":".join((family.__prefix__, *parts[:-1], *parts[-1])))


def random_bytes() -> st.SearchStrategy[str]:
    """Up to 64 bytes of anything, as Telegram would hand it over (a string)."""
    return st.binary(max_size=64).map(
        lambda raw: raw.decode("utf-8", "replace").encode()[:64].decode("utf-8", "ignore")
    )


def presses(real_ids: list[int]) -> st.SearchStrategy[str]:
    return st.one_of(
        random_bytes(), st.sampled_from(FAMILIES).flatmap(lambda family: payload_of(family, real_ids))
    )


async def a_world_of_complaints(feed: Feed) -> list[int]:
    """Complaints at the province, at a city and at an agency; returns every real id a payload might name."""
    world = feed.world
    first = await seed(world)
    second = await down_to(world, await seed(world), T.DISPOSE)
    third = await down_to(world, await seed(world), T.DISPOSE, T.FORWARD)
    ids = [first.id, second.id, third.id]
    ids += [org.id for org in world.orgs.values()] + [admin.id for admin in world.admins.values()]
    return sorted(set(ids))


@given(presser=st.sampled_from(PRESSERS), state=st.sampled_from(STATES), draw=st.data())
async def test_every_generated_press_gets_one_answer_and_no_step_the_workflow_forbids(
    feed: Feed, presser: int, state: Any, draw: st.DataObject
) -> None:
    if "real_ids" not in feed.notes:
        feed.notes["real_ids"] = await a_world_of_complaints(feed)
    data = draw.draw(presses(feed.notes["real_ids"]), label="data")
    held = await conversation_data(feed, state, presser)
    await feed.set_state(presser, None if state is None else state.state, held)
    events_before = await last_event_id(feed.engine)
    query_id, outcome = await feed.press(presser, data)
    answers = outcome.answers_to(query_id)
    assert len(answers) == 1, answers
    assert answers[0].ok, answers
    assert outcome.failed() == []
    assert [record.getMessage() for record in outcome.errors] == []
    assert await illegal_events(feed.engine, events_before) == []
