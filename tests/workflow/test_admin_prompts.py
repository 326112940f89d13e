"""The prompt an admin gets after pressing a step that needs a reason or a result shows one emoji, its own
(✍️ for a reason, 📝 for a result), and names the step by its button's words: "📝 Kirim hasil tindak
lanjut", never "📝 📝 Kirim hasil tindak lanjut"."""

from __future__ import annotations

import asyncio
import unicodedata
from types import SimpleNamespace
from typing import Any

import pytest

from bot.handlers.admin.desk import AdminDesk
from bot.handlers.admin.inputs import ask
from bot.ui.cards import action_label
from bot.ui.texts import TABLES, Texts, texts_for
from workflow.definitions import DEFINITIONS, Step

STEPS = {
    step.trigger: step
    for definition in DEFINITIONS.values()
    for step in definition.steps
    if step.needs_reason or step.needs_result
}


def symbols(text: str) -> list[str]:
    return [char for char in text if unicodedata.category(char) == "So"]


class Chat:
    """What `ask` touches of the card's message, the query and the conversation state: it records."""

    def __init__(self) -> None:
        self.sent: list[str] = []
        self.message_id = 7
        self.chat = SimpleNamespace(id=4201)

    async def answer(self, text: str = "", **_: Any) -> SimpleNamespace:
        self.sent.append(text)
        return SimpleNamespace(chat=self.chat, message_id=self.message_id + len(self.sent))

    async def edit_reply_markup(self, **_: Any) -> None:
        pass

    async def set_state(self, _: Any) -> None:
        pass

    async def update_data(self, _: Any) -> None:
        pass

    async def get_data(self) -> dict[str, Any]:
        return {}

    async def clear(self) -> None:
        pass


def prompt_for(step: Step, t: Texts) -> str:
    """The prompt as `ask` sends it after the card's button was pressed."""
    kind = next(definition.kind for definition in DEFINITIONS.values() if step in definition.steps)
    complaint = SimpleNamespace(id=1, tracking_number="LG-1", kind=kind)
    press = SimpleNamespace(step=step, complaint=complaint, seen_version=3)
    card = Chat()
    chat = Chat()
    desk = AdminDesk(chat, t, [], None, None, None, None)  # type: ignore[arg-type]
    asyncio.run(ask(chat, card, press, chat, desk))  # type: ignore[arg-type]
    assert len(card.sent) == 1
    return card.sent[0]


@pytest.mark.parametrize("language", sorted(TABLES))
@pytest.mark.parametrize("trigger", sorted(STEPS))
def test_the_prompt_shows_one_emoji(language: str, trigger: str) -> None:
    t = texts_for(language)
    label = action_label(trigger, t)
    assert len(symbols(label)) == 1, f"the {trigger} button has an emoji"
    prompt = prompt_for(STEPS[trigger], t)
    assert len(symbols(prompt)) == 1
    assert prompt.startswith("📝 " if STEPS[trigger].needs_result else "✍️ ")
    words = label.split(" ", 1)[1]  # the label without its emoji
    assert f"<b>{words}</b> — <code>LG-1</code>\n" in prompt


def test_the_result_prompt_in_indonesian() -> None:
    prompt = prompt_for(STEPS["submit_result"], texts_for("id"))
    assert prompt.startswith("📝 <b>Kirim hasil tindak lanjut</b> — <code>LG-1</code>\n")
    assert prompt.count("📝") == 1


def test_a_service_response_is_asked_for_as_a_response() -> None:
    prompt = prompt_for(STEPS["respond"], texts_for("id"))
    assert prompt.startswith("📝 <b>Tanggapi</b> — <code>LG-1</code>\n")
    assert "tanggapan" in prompt
    assert "hasil tindak lanjut" not in prompt
