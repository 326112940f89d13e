"""A simulated reporter, with expectations written in the bot's own words (from its text tables)."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from bot.dev.local_api import ChatMessage, SimUser
from bot.ui.texts import Texts, texts_for
from bot.ui.validation import MAX_FILE_BYTES
from workflow.complaint import MAX_ATTACHMENTS, MAX_CHRONOLOGY_LENGTH, MAX_SUBJECT_LENGTH

WAIT_S = 10.0


def visible(rendered: str) -> str:
    """What a person reads of an HTML text the bot sends (Telegram trims the ends)."""
    return html.unescape(re.sub(r"<[^>]*>", "", rendered)).strip()


class BotFailed(AssertionError):
    pass


class Reporter:
    def __init__(self, user: SimUser, language: str = "id") -> None:
        self.user = user
        self.t: Texts = texts_for(language)

    @property
    def id(self) -> int:
        return self.user.id

    def speaks(self, language: str) -> None:
        self.t = texts_for(language)

    # -- what the bot says -----------------------------------------------------------------------------

    def said(self, key: str, **values: object) -> str:
        return visible(self.t(key, **values))

    def prompt(self, field: str, step: int, total: int = 11) -> str:
        return self.said(
            f"ask.{field}",
            step=step,
            total=total,
            limit={"subject": MAX_SUBJECT_LENGTH, "chronology": MAX_CHRONOLOGY_LENGTH}.get(field, ""),
            max=MAX_ATTACHMENTS,
            size_mb=MAX_FILE_BYTES // (1024 * 1024),
        )

    async def next_where(self, check: Callable[[ChatMessage], bool], what: str) -> ChatMessage:
        """The next bot message passing `check`; the bot's apology for a crash fails the test at once."""
        apologies = {visible(texts_for(code)("error.unexpected")) for code in ("id", "en")}

        def wanted(message: ChatMessage) -> bool:
            if message.text in apologies:
                raise BotFailed(f"the bot apologised for an unexpected error while we waited for {what}")
            return check(message)

        return await self.user.wait_for_message(wanted, timeout=WAIT_S)

    async def expect(self, text: str) -> ChatMessage:
        return await self.next_where(lambda message: message.text == text, repr(text[:80]))

    async def expect_key(self, key: str, **values: object) -> ChatMessage:
        return await self.expect(self.said(key, **values))

    async def expect_prompt(self, field: str, step: int, total: int = 11) -> ChatMessage:
        return await self.expect(self.prompt(field, step, total))

    async def expect_starting(self, prefix: str) -> ChatMessage:
        return await self.next_where(lambda m: (m.text or "").startswith(prefix), repr(prefix[:80]))

    # -- what the person does ----------------------------------------------------------------------------

    async def send(self, text: str) -> ChatMessage:
        return await self.user.send_text(text)

    async def command(self, command: str, args: str = "") -> ChatMessage:
        return await self.user.send_command(command, args)

    async def press(self, message: ChatMessage, label_key: str, **values: object) -> None:
        await self.user.press_button(message, self.t.plain(label_key, **values))

    async def press_text(self, message: ChatMessage, text: str) -> None:
        await self.user.press_button(message, text)

    async def press_reply(self, label_key: str) -> ChatMessage:
        return await self.user.press_reply_button(self.t.plain(label_key))

    def bot_texts(self) -> list[str]:
        return [message.text or "" for message in self.user.chat().bot_messages()]
