"""What a person sees of a typed answer (bot.ui.validation.visible), case by case."""

from __future__ import annotations

import pytest

from bot.ui.validation import visible


@pytest.mark.parametrize(
    ("typed", "seen"),
    [
        ("\u200b\u200c\u2060\ufeff", ""),  # zero-width characters only
        ("\u3164\u115f\u00ad\u202e\x7f\x1b", ""),  # fillers, soft hyphen, a bidi override, controls
        ("\u200bDewi\u00a0\u00a0Lestari\u2066", "Dewi Lestari"),
        ("Jl.\tMerdeka\u3000No. 5", "Jl. Merdeka No. 5"),  # a tab and an ideographic space are spaces
        ("👨\u200d👩\u200d👧 keluarga", "👨\u200d👩\u200d👧 keluarga"),  # an emoji's joiners are drawn
        ("❤\ufe0f", "❤\ufe0f"),  # so is its variation selector
        ("\u200d\ufe0f", ""),  # but not on their own
        ("baris satu\nbaris dua", "baris satu baris dua"),  # one line unless asked
        ("\U000e0041\ue000x", "x"),  # a tag character, a private-use one
    ],
)
def test_what_a_person_sees(typed: str, seen: str) -> None:
    assert visible(typed) == seen


def test_a_chronology_keeps_its_paragraphs() -> None:
    typed = "Pertama.\r\n\r\n\u200bKedua.\u2028Ketiga.  "
    assert visible(typed, multiline=True) == "Pertama.\n\nKedua.\nKetiga."
