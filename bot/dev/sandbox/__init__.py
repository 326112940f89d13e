"""The sandbox: the real bot in a browser, with no Telegram and no token.

One aiohttp app serves the local Bot API (``/bot<token>/...``, ``/sim/...``), the chat page (``/``) and the
sandbox's own endpoints (``/sandbox/...``, see ``web``); the real dispatcher polls it, on a fresh SQLite
database with the demo organisations and one admin per role (``seed``, ``personas``), on a clock a person can
move forward by working days (``clock``)::

    async with Sandbox(port=8080) as sandbox:   # or: await run_sandbox(settings, host=..., port=...)
        print(sandbox.url)
"""

from bot.dev.sandbox.clock import SandboxClock
from bot.dev.sandbox.run import run_sandbox
from bot.dev.sandbox.server import Sandbox

__all__ = ["Sandbox", "SandboxClock", "run_sandbox"]
