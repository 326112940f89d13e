"""``python -m bench.throughput_inline_filters``: ``python -m bot`` with one change, for an experiment.

aiogram 3 runs every plain (non-async) callable in a worker thread (``asyncio.to_thread``), and a magic
filter (``F.text``, ``F.chat.type == ...``) is resolved by a plain method, so each magic filter checked on
an update costs a round trip to a thread. Here magic filters are resolved on the event loop instead (they
only read the update), so that ``python -m bench.throughput --bot-module bench.throughput_inline_filters``
shows what those round trips cost.
"""

from __future__ import annotations

import sys
from typing import Any

from aiogram.dispatcher.event.handler import FilterObject

_thread_call = FilterObject.call


async def _inline_magic(self: FilterObject, *args: Any, **kwargs: Any) -> Any:
    if self.magic is not None:
        return self.callback(*args, **self._prepare_kwargs(kwargs))
    return await _thread_call(self, *args, **kwargs)


FilterObject.call = _inline_magic  # type: ignore[method-assign]

if __name__ == "__main__":
    from bot.__main__ import main

    sys.exit(main())
