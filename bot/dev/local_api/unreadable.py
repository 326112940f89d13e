"""An update no Bot API client can read, for testing what a bot does with one (a "poison" update).

Telegram adds fields and kinds over time; a bot on an older library meets one that does not fit its model.
This pushes such an update into a bot's queue: a message whose ids are not numbers and whose chat is gone.
"""

from __future__ import annotations

from bot.dev.local_api.updates import UpdateQueue


def push_unreadable(queue: UpdateQueue) -> int:
    """Queue an update whose message does not parse; returns its update_id."""
    update = queue.push("message", {"message_id": "not-a-number", "date": "yesterday", "text": "?"})
    if update is None:
        raise ValueError("the bot does not take messages (allowed_updates)")
    return int(update["update_id"])
