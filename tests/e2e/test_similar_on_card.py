"""The similar list on a card, without a server: each earlier complaint by its subject, escaped and cut short,
and the card still one message with every other text at its longest."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.ui.cards import SIMILAR_SUBJECT_SHOWN, render_card
from bot.ui.display import TEXT_LIMIT, visible_length
from bot.ui.texts import TABLES, texts_for
from storage.views import SimilarInfo
from tests.e2e.chat import visible
from tests.e2e.test_admin_card_limits import CITY, NOW, _admin, _card
from workflow.actors import Role
from workflow.calendar import WorkingCalendar
from workflow.complaint import MAX_SUBJECT_LENGTH
from workflow.definitions import S

SUBJECT = ("Lampu <b>PJU</b> & tiang " * 20)[:MAX_SUBJECT_LENGTH]


@pytest.mark.parametrize("language", sorted(TABLES))
def test_three_similar_complaints_by_subject_on_a_card_at_its_longest(language: str) -> None:
    t = texts_for(language)
    similar = tuple(
        SimilarInfo(
            id=90 + n,
            tracking_number=f"LG-2026-00009{n}",
            state=S.AT_CITY,
            received_at=NOW,
            score=0.9,
            subject=SUBJECT,
        )
        for n in range(3)
    )
    card = replace(_card(S.AT_CITY, CITY, huge=True), similar=similar)
    text, markup = render_card(card, viewer=_admin(Role.CITY, CITY), t=t, calendar=WorkingCalendar(), now=NOW)
    assert visible_length(text) <= TEXT_LIMIT
    shown = SUBJECT[:SIMILAR_SUBJECT_SHOWN].rstrip() + "…"
    line = t(
        "admin.similar.line",
        number="LG-2026-000090",
        subject=shown,
        stage=t.plain("admin.similar.stage.at_city"),
        age=t.plain("admin.similar.age.today"),
    )
    assert visible(line) in visible(text)  # the subject's markup is shown as text, never applied
    assert "<b>PJU</b>" not in text
    assert markup is not None
    labels = [button.text for row in markup.inline_keyboard for button in row]
    assert t.plain("admin.btn.link", number="LG-2026-000092") in labels
