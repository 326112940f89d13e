"""A chat as the person sees it: messages in order with edits applied, keyboards, toasts."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Literal

from bot.dev.local_api.markup import inline_buttons
from bot.dev.local_api.models import Chat
from bot.dev.local_api.render import to_html

CONTENT_KINDS = (
    "text",
    "photo",
    "document",
    "video",
    "audio",
    "voice",
    "animation",
    "sticker",
    "location",
    "contact",
    "venue",
)


@dataclass(frozen=True)
class ChatMessage:
    message_id: int
    sender: Literal["bot", "user"]
    date: int
    edit_date: int | None
    kind: str
    text: str | None
    html: str | None
    entities: list[dict[str, Any]]
    media: Any
    inline_keyboard: list[list[dict[str, Any]]] | None
    reply_to_message_id: int | None
    media_group_id: str | None
    raw: dict[str, Any] = field(repr=False)

    @property
    def buttons(self) -> list[dict[str, Any]]:
        return [button for row in self.inline_keyboard or [] for button in row]

    @property
    def button_texts(self) -> list[str]:
        return [button["text"] for button in self.buttons]

    def button(self, ref: str) -> dict[str, Any] | None:
        """By callback_data first, then by visible text."""
        for key in ("callback_data", "text"):
            for button in self.buttons:
                if button.get(key) == ref:
                    return button
        return None

    def to_json(self) -> dict[str, Any]:
        return {
            "message_id": self.message_id,
            "sender": self.sender,
            "date": self.date,
            "edit_date": self.edit_date,
            "kind": self.kind,
            "text": self.text,
            "html": self.html,
            "entities": self.entities,
            "media": self.media,
            "inline_keyboard": self.inline_keyboard,
            "reply_to_message_id": self.reply_to_message_id,
            "media_group_id": self.media_group_id,
        }


@dataclass(frozen=True)
class ChatView:
    bot: dict[str, Any]
    user: dict[str, Any]
    blocked: bool
    messages: list[ChatMessage]
    reply_keyboard: dict[str, Any] | None
    force_reply: dict[str, Any] | None
    toasts: list[dict[str, Any]]
    action: str | None
    version: int

    def message(self, message_id: int) -> ChatMessage | None:
        return next((m for m in self.messages if m.message_id == message_id), None)

    def bot_messages(self) -> list[ChatMessage]:
        return [m for m in self.messages if m.sender == "bot"]

    @property
    def last(self) -> ChatMessage | None:
        return self.messages[-1] if self.messages else None

    @property
    def texts(self) -> list[str | None]:
        return [m.text for m in self.messages]

    def to_json(self) -> dict[str, Any]:
        return {
            "bot": self.bot,
            "user": self.user,
            "blocked": self.blocked,
            "messages": [m.to_json() for m in self.messages],
            "reply_keyboard": self.reply_keyboard,
            "force_reply": self.force_reply,
            "toasts": self.toasts,
            "action": self.action,
            "version": self.version,
        }


def view_message(message: dict[str, Any], bot_id: int) -> ChatMessage:
    kind = next((k for k in CONTENT_KINDS if k in message), "other")
    if "text" in message:
        text, entities = message["text"], message.get("entities", [])
    else:
        text, entities = message.get("caption"), message.get("caption_entities", [])
    media = message.get(kind) if kind != "text" else None
    reply = message.get("reply_to_message")
    markup = message.get("reply_markup")
    return ChatMessage(
        message_id=message["message_id"],
        sender="bot" if message["from"]["id"] == bot_id else "user",
        date=message["date"],
        edit_date=message.get("edit_date"),
        kind=kind,
        text=text,
        html=to_html(text, entities) if text is not None else None,
        entities=list(entities),
        media=media,
        inline_keyboard=markup["inline_keyboard"] if markup and inline_buttons(markup) else None,
        reply_to_message_id=reply["message_id"] if reply else None,
        media_group_id=message.get("media_group_id"),
        raw=message,
    )


def view_chat(chat: Chat) -> ChatView:
    messages = [view_message(chat.messages[key], chat.bot.id) for key in sorted(chat.messages)]
    return ChatView(
        bot=chat.bot.user_json(),
        user=chat.person.user_json(),
        blocked=chat.blocked,
        messages=messages,
        reply_keyboard=chat.reply_keyboard,
        force_reply=chat.force_reply,
        toasts=list(chat.toasts),
        action=chat.action if chat.action and chat.action_until > time.time() else None,
        version=chat.version,
    )
