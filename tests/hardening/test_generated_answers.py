"""Generated typed answers through the real dispatcher, in every conversation state, from a reporter, an
officer and admins: invisible and control characters, foreign and malformed phone numbers, anything.
Each gets an answer, nothing is logged as an error, no request to Telegram fails, and an answer that is
kept is what a person sees: visible text only, and a reporter's phone Indonesian."""

from __future__ import annotations

import regex
from aiogram.fsm.state import State
from hypothesis import given
from hypothesis import strategies as st

from bot.handlers.admin.report import ReportRange
from bot.handlers.officer_recording import Recording
from bot.ui import filing_steps as filing
from bot.ui import validation
from bot.ui.admin_states import AdminInput
from bot.ui.states import Filing
from tests.hardening.harness import DRAFT, Feed, conversation_data

REPORTER, CITY, OFFICER = 9001, 2001, 4001
TEXT_FIELDS = {field.state.state: field.name for field in filing.FIELDS if field.name in DRAFT}
STATES: tuple[State | None, ...] = (
    None,
    *Filing.__all_states__,
    *AdminInput.__all_states__,
    *Recording.__all_states__,
    ReportRange.typing,
)
INVISIBLE = st.characters(categories=["Cc", "Cf", "Zs", "Zl", "Zp", "Co", "Mn"])
PHONES = st.sampled_from(
    ["+1 202 555 0143", "+44 20 7946 0958", "+60 12 345 6789", "0812 3456 7890", "+62 812", "0800 1234567"]
)
ANSWERS = st.one_of(
    st.text(INVISIBLE, min_size=1, max_size=12),
    st.text(max_size=40),
    st.tuples(st.text(INVISIBLE, max_size=3), st.text(max_size=20), st.text(INVISIBLE, max_size=3)).map(
        "".join
    ),
    st.tuples(st.text(INVISIBLE, max_size=2), PHONES).map("".join),
).filter(lambda text: text.strip() != "")  # Telegram delivers no empty message


# By the same Unicode version as the bot (the `regex` package's, newer than Python's own `unicodedata`).
_DRAWS = regex.compile(r"[\p{L}\p{N}\p{M}\p{P}\p{S}]")
_DRAWS_NOTHING = regex.compile(r"[[\p{Cc}\p{Cf}\p{Co}\p{Cn}]--[\n\u200d]]", flags=regex.VERSION1)


def shows_something(text: str) -> bool:
    """Some character draws (a letter, digit, mark, punctuation or symbol), and none is a control, format,
    private-use or unassigned one (a line break aside, and the joiner inside an emoji)."""
    return bool(_DRAWS.search(text)) and not _DRAWS_NOTHING.search(text)


@given(presser=st.sampled_from([REPORTER, CITY, OFFICER]), state=st.sampled_from(STATES), text=ANSWERS)
async def test_every_generated_answer_gets_an_answer_and_only_visible_text_is_kept(
    feed: Feed, presser: int, state: State | None, text: str
) -> None:
    data = await conversation_data(feed, state, presser)
    await feed.set_state(presser, None if state is None else state.state, data)
    outcome = await feed.say(presser, text)
    assert [record.method for record in outcome.requests if record.ok and record.chat_id == presser] != []
    assert outcome.failed() == []
    assert [record.getMessage() for record in outcome.errors] == []

    field = TEXT_FIELDS.get(state.state if state else "")
    _, after = await feed.state_of(presser)
    if field is None or after.get(field) == data.get(field):
        return
    kept = after[field]
    assert kept != ""
    if field in ("full_name", "address", "subject", "chronology", "event_place"):
        assert shows_something(kept), repr(kept)
        assert validation.visible(kept, multiline=field == "chronology") == kept
    if field == "phone" and presser != OFFICER:
        assert kept.startswith("+62")
