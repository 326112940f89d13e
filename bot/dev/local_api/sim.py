"""The person's end of a chat: a simulated Telegram user talking to one bot."""

from __future__ import annotations

import secrets
import time
from typing import Any

from bot.dev.local_api.autodetect import detect_entities
from bot.dev.local_api.chat_view import ChatMessage, view_message
from bot.dev.local_api.errors import SimulationError
from bot.dev.local_api.imaging import tiny_png
from bot.dev.local_api.markup import reply_buttons
from bot.dev.local_api.models import BotAccount, CallbackState, Chat, Person
from bot.dev.local_api.sim_watch import ChatWatching, message_id_of
from bot.dev.local_api.world import World

DEFAULT_LOCATION = (-6.200000, 106.816666)
_FAKE_WEBP = (
    b"RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00\x2f\xff\xc1\x7f\x00\x07\x10\x11\x11\x88\x88\xfe\x07\x00"
)
_FAKE_OGG = b"OggS\x00\x02" + bytes(58)


class SimUser(ChatWatching):
    """Obtained from ``LocalBotApi.user(...)``; one object per (person, bot) pair. What the person
    sees and the ``wait_for_*`` helpers come from ``ChatWatching``."""

    def __init__(self, world: World, person: Person, bot: BotAccount) -> None:
        super().__init__()
        self._world = world
        self.person = person
        self.bot = bot

    @property
    def id(self) -> int:
        return self.person.id

    # --- what the person does -------------------------------------------------------------

    async def send_text(self, text: str, *, reply_to: int | None = None) -> ChatMessage:
        content: dict[str, Any] = {"text": text}
        entities = detect_entities(text)
        if entities:
            content["entities"] = entities
        return self._post(content, reply_to)

    async def send_command(self, command: str, args: str = "") -> ChatMessage:
        command = command if command.startswith("/") else f"/{command}"
        text = f"{command} {args}".rstrip() if args else command
        content = {"text": text, "entities": [{"type": "bot_command", "offset": 0, "length": len(command)}]}
        return self._post(content)

    async def send_contact(
        self, phone_number: str | None = None, *, first_name: str | None = None, own: bool = True
    ) -> ChatMessage:
        """``own=True`` is what the share-contact button sends: the person's number and user_id."""
        contact: dict[str, Any] = {
            "phone_number": phone_number or (self.person.phone if own else "6281200000000"),
            "first_name": first_name or (self.person.first_name if own else "Contact"),
        }
        if own:
            if self.person.last_name:
                contact["last_name"] = self.person.last_name
            contact["user_id"] = self.person.id
        return self._post({"contact": contact})

    async def send_location(self, latitude: float, longitude: float) -> ChatMessage:
        return self._post({"location": {"latitude": latitude, "longitude": longitude}})

    async def send_photo(self, data: bytes | None = None, caption: str | None = None) -> ChatMessage:
        photo = self._world.files.add_photo(data if data is not None else tiny_png(), owner=self.bot.id)
        return self._post({"photo": photo, **_caption(caption)})

    async def send_album(self, photos: list[bytes], caption: str | None = None) -> list[ChatMessage]:
        group = str(10**17 + secrets.randbelow(9 * 10**17))
        sent = []
        for index, data in enumerate(photos):
            photo = self._world.files.add_photo(data, owner=self.bot.id)
            sent.append(
                self._post(
                    {"media_group_id": group, "photo": photo, **_caption(caption if index == 0 else None)}
                )
            )
        return sent

    async def send_document(
        self,
        data: bytes,
        file_name: str = "document.pdf",
        mime_type: str | None = None,
        caption: str | None = None,
    ) -> ChatMessage:
        stored = self._world.files.add(data, "document", file_name, mime_type, owner=self.bot.id)
        return self._post({"document": stored.document(), **_caption(caption)})

    async def send_sticker(self, emoji: str = "👍") -> ChatMessage:
        stored = self._world.files.add(_FAKE_WEBP, "sticker", mime_type="image/webp", owner=self.bot.id)
        sticker = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
            "file_size": stored.size,
        }
        return self._post({"sticker": sticker})

    async def send_voice(self, duration: int = 2, data: bytes | None = None) -> ChatMessage:
        stored = self._world.files.add(data or _FAKE_OGG, "voice", mime_type="audio/ogg", owner=self.bot.id)
        voice = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "duration": duration,
            "mime_type": "audio/ogg",
            "file_size": stored.size,
        }
        return self._post({"voice": voice})

    async def edit_text(self, message: int | ChatMessage, text: str) -> ChatMessage:
        chat = self._chat
        target = chat.messages.get(message_id_of(message))
        if target is None or target["from"]["id"] != self.person.id or "text" not in target:
            raise SimulationError(f"{self.person.id} has no text message {message_id_of(message)} to edit")
        target["text"] = text
        target["edit_date"] = int(time.time())
        target.pop("entities", None)
        if entities := detect_entities(text):
            target["entities"] = entities
        chat.record("edit", target["message_id"])
        self.bot.queue.push("edited_message", dict(target))
        self._world.touch()
        return view_message(target, self.bot.id)

    async def press_button(self, message: int | ChatMessage, button: str) -> str:
        """Presses an inline button (by callback_data or text); returns the callback query id."""
        chat = self._chat
        self._require_unblocked(chat)
        message_id = message_id_of(message)
        raw = chat.messages.get(message_id)
        if raw is None:
            raise SimulationError(f"message {message_id} is not in the chat (never sent or deleted)")
        current = view_message(raw, self.bot.id)
        found = current.button(button)
        if found is None:
            raise SimulationError(
                f"message {message_id} has no inline button {button!r}; buttons now: {current.buttons}"
            )
        if "callback_data" not in found:
            raise SimulationError(f"button {found['text']!r} is not a callback button: {found}")
        query_id = str(secrets.randbits(62))
        self.bot.callbacks[query_id] = CallbackState(
            query_id, self.person.id, message_id, found["callback_data"], self._world.clock()
        )
        self.bot.queue.push(
            "callback_query",
            {
                "id": query_id,
                "from": self.person.user_json(),
                "message": dict(raw),
                "chat_instance": str(self.bot.id ^ self.person.id),
                "data": found["callback_data"],
            },
        )
        self._world.touch()
        return query_id

    async def press_reply_button(self, text: str) -> ChatMessage:
        chat = self._chat
        keyboard = chat.reply_keyboard
        button = next((b for b in reply_buttons(keyboard) if b["text"] == text), None)
        if keyboard is None or button is None:
            shown = [b["text"] for b in reply_buttons(keyboard)]
            raise SimulationError(f"no reply-keyboard button {text!r} is shown; shown: {shown}")
        if keyboard.get("one_time_keyboard"):
            chat.reply_keyboard = None
            chat.record("keyboard")
        if button.get("request_contact"):
            return await self.send_contact()
        if button.get("request_location"):
            return await self.send_location(*DEFAULT_LOCATION)
        if any(button.get(key) for key in ("request_poll", "request_users", "request_chat", "web_app")):
            raise SimulationError(f"button {text!r} needs an interaction the simulation does not offer")
        return await self.send_text(text)

    async def block(self) -> None:
        self._set_blocked(True)

    async def unblock(self) -> None:
        self._set_blocked(False)

    # --- internals ------------------------------------------------------------------------------

    def _require_unblocked(self, chat: Chat) -> None:
        if chat.blocked:
            raise SimulationError(f"user {self.person.id} has blocked the bot; call unblock() first")

    def _post(self, content: dict[str, Any], reply_to: int | None = None) -> ChatMessage:
        chat = self._chat
        self._require_unblocked(chat)
        if reply_to is not None:
            target = chat.reply_copy(reply_to)
            if target is None:
                raise SimulationError(f"cannot reply to missing message {reply_to}")
            content = {**content, "reply_to_message": target}
        chat.started = True
        chat.force_reply = None
        message = chat.add_message(self.person.user_json(), content)
        self.bot.queue.push("message", dict(message))
        self._world.touch()
        return view_message(message, self.bot.id)

    def _set_blocked(self, blocked: bool) -> None:
        chat = self._chat
        if chat.blocked == blocked:
            return
        chat.blocked = blocked
        chat.record("block")
        old, new = ("member", "kicked") if blocked else ("kicked", "member")
        bot_user = self.bot.user_json()
        self.bot.queue.push(
            "my_chat_member",
            {
                "chat": self.person.chat_json(),
                "from": self.person.user_json(),
                "date": int(time.time()),
                "old_chat_member": _member(old, bot_user),
                "new_chat_member": _member(new, bot_user),
            },
        )
        self._world.touch()


def _member(status: str, user: dict[str, Any]) -> dict[str, Any]:
    return {"status": status, "user": user, **({"until_date": 0} if status == "kicked" else {})}


def _caption(caption: str | None) -> dict[str, Any]:
    if not caption:
        return {}
    fields: dict[str, Any] = {"caption": caption}
    if entities := detect_entities(caption):
        fields["caption_entities"] = entities
    return fields
