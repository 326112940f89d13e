"""answerCallbackQuery: one answer per query, within the configured age limit."""

from __future__ import annotations

from bot.dev.local_api.errors import QUERY_TOO_OLD, bad_request
from bot.dev.local_api.methods.base import Call, method
from bot.dev.local_api.utf16 import utf16_len

MAX_TOAST = 200


@method("answerCallbackQuery")
async def answer_callback_query(call: Call) -> bool:
    query_id = call.params.string("callback_query_id")
    if not query_id:
        raise bad_request("callback_query_id is empty")
    state = call.bot.callbacks.get(query_id)
    too_old = state is not None and call.world.clock() - state.created > call.config.callback_query_timeout
    if state is None or state.answered or too_old:
        raise bad_request(QUERY_TOO_OLD)
    text = call.params.string("text") or ""
    if utf16_len(text) > MAX_TOAST:
        raise bad_request("MESSAGE_TOO_LONG")
    url = call.params.string("url")
    if url and not url.startswith(("https://t.me/", "http://t.me/", "t.me/")):
        raise bad_request("URL_INVALID")
    state.answered = True
    chat = call.world.chats[(call.bot.id, state.person_id)]
    chat.toasts.append(
        {
            "callback_query_id": query_id,
            "message_id": state.message_id,
            "text": text,
            "show_alert": call.params.flag("show_alert"),
            "url": url,
        }
    )
    chat.record("toast", state.message_id)
    return True
