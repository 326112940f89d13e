"""Running the sandbox until Ctrl+C or SIGTERM."""

from __future__ import annotations

import asyncio
import contextlib
import signal

from bot.app.settings import Settings
from bot.dev.sandbox.server import Sandbox


async def run_sandbox(settings: Settings | None = None, *, host: str = "127.0.0.1", port: int = 8080) -> None:
    """Raises ``StartupProblem`` (one line for the operator) when the address is taken."""
    sandbox = Sandbox(settings, host=host, port=port)
    url = await sandbox.start()
    shown = url if host not in ("", "0.0.0.0", "::") else f"{url} (listening on every interface)"
    print(f"LaporGub sandbox (no Telegram, no token): open {shown}", flush=True)
    try:
        await _until_stopped()
    finally:
        await sandbox.stop()


async def _until_stopped() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    await stop.wait()
