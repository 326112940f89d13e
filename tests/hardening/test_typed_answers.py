"""The typed-answer findings of issue 14, through the real dispatcher: a foreign phone number is refused
with a message naming the problem (only an officer's recording takes one, typed with "+", and shows it as
foreign), and an answer of invisible characters is refused like an empty one."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from bot.handlers.officer_recording import PURPOSE
from bot.ui import filing_steps as filing
from bot.ui import validation
from bot.ui.states import Filing
from bot.ui.texts import texts_for
from tests.e2e.chat import visible
from tests.hardening.harness import DRAFT, Feed

REPORTER, OFFICER = 9001, 4001
t = texts_for("id")


def said(outcome: Any) -> list[str]:
    return [visible(record.params["text"]) for record in outcome.requests if record.method == "sendMessage"]


async def test_a_reporter_gets_a_named_refusal_for_each_kind_of_wrong_phone_number(feed: Feed) -> None:
    wrong = {
        "+1 202 555 0143": "bad.phone.foreign",
        "+44 20 7946 0958": "bad.phone.foreign",
        "+60 12 345 6789": "bad.phone.foreign",
        "+62 812": "bad.phone.too_short",
        "0812 3456 7890 1234 5": "bad.phone.too_long",
        "nomor saya": "bad.phone.not_a_number",
        "0800 1234567": "bad.phone.not_reachable",
    }
    for typed, key in wrong.items():
        await feed.set_state(REPORTER, Filing.phone.state, {**DRAFT, filing.EDITING: True})
        outcome = await feed.say(REPORTER, typed)
        assert said(outcome) == [visible(t(key))], typed
        assert outcome.errors == []
        assert await feed.state_of(REPORTER) == (Filing.phone.state, {**DRAFT, filing.EDITING: True})

    for typed in ("0812 3456 7890", "+62 24 3546789"):
        await feed.set_state(REPORTER, Filing.phone.state, {**DRAFT, filing.EDITING: True})
        await feed.say(REPORTER, typed)
        state, data = await feed.state_of(REPORTER)
        assert state == Filing.summary.state
        assert data["phone"].startswith("+62")


async def test_an_officer_recording_for_a_complainant_abroad_types_the_number_with_plus(feed: Feed) -> None:
    recording = {**DRAFT, PURPOSE: {"kind": "laporgub", "channel": "telephone"}, filing.EDITING: True}
    await feed.set_state(OFFICER, Filing.phone.state, recording)
    outcome = await feed.say(OFFICER, "60 12 345 6789")  # without its "+": not taken for a foreign number
    assert said(outcome) == [visible(t("bad.phone.foreign_plus"))]

    outcome = await feed.say(OFFICER, "+60 12 345 6789")
    state, data = await feed.state_of(OFFICER)
    assert state == Filing.summary.state
    assert data["phone"] == "+60123456789"
    [summary] = said(outcome)
    assert t.plain("value.phone_abroad", phone="+60123456789") in summary


async def test_an_answer_of_invisible_characters_only_is_refused(feed: Feed) -> None:
    invisible = "\u200b\u200c\u2060\ufeff\u00ad\u3164\u115f\u202e\x7f\x1b"
    checks = {
        "full_name": validation.full_name,
        "address": validation.address,
        "subject": validation.subject,
        "chronology": validation.chronology,
        "event_place": validation.event_place,
        "nik": lambda text: validation.nik(text, today=date(2026, 11, 25)),
    }
    for name, check in checks.items():
        with pytest.raises(validation.Invalid) as refusal:
            check(invisible)
        field = filing.BY_NAME[name]
        await feed.set_state(REPORTER, field.state.state, {**DRAFT, filing.EDITING: True})
        outcome = await feed.say(REPORTER, invisible)
        assert said(outcome) == [visible(t(refusal.value.key, **refusal.value.values))], name
        assert (await feed.state_of(REPORTER))[1][name] == DRAFT[name]

    # What is kept is what the person sees: the invisible characters around a name are gone.
    await feed.set_state(REPORTER, Filing.full_name.state, {**DRAFT, filing.EDITING: True})
    await feed.say(REPORTER, "\u200bDewi\u00a0\u2060Lestari\u202e")
    assert (await feed.state_of(REPORTER))[1]["full_name"] == "Dewi Lestari"
