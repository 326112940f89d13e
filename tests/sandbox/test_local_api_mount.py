"""`LocalBotApi.add_routes`: the Bot API and /sim on an app someone else serves, beside its own routes."""

from __future__ import annotations

import aiohttp
from aiohttp import web

from bot.dev.local_api import LocalBotApi, ServerConfig
from bot.dev.local_api.api import MAX_REQUEST_BYTES

TOKEN = "123456:mount-test-token"


async def hello(request: web.Request) -> web.Response:
    return web.Response(text="the host app's own page")


async def test_mounted_routes_serve_the_bot_api_the_simulation_and_the_host_app(
    http: aiohttp.ClientSession,
) -> None:
    api = LocalBotApi(ServerConfig.for_tests())
    api.add_bot(TOKEN, "mounted_bot", "Mounted")
    app = web.Application(client_max_size=MAX_REQUEST_BYTES)
    app.router.add_get("/", hello)
    api.add_routes(app)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    base = f"http://127.0.0.1:{runner.addresses[0][1]}"
    api.base_url = base
    try:
        async with http.get(f"{base}/") as page:
            assert await page.text() == "the host app's own page"
        async with http.get(f"{base}/bot{TOKEN}/getMe") as me:
            assert (await me.json())["result"]["username"] == "mounted_bot"
        async with http.post(f"{base}/sim/users", json={"id": 77, "first_name": "Rina"}) as created:
            assert (await created.json())["ok"] is True
        async with http.post(f"{base}/sim/users/77/send", json={"type": "text", "text": "halo"}) as sent:
            assert (await sent.json())["result"]["text"] == "halo"
        async with http.get(f"{base}/bot{TOKEN}/getUpdates") as updates:
            [update] = (await updates.json())["result"]
        assert update["message"]["text"] == "halo"
        assert api.aiogram_server().base == f"{base}/bot{{token}}/{{method}}"
    finally:
        await api.stop()
        await runner.cleanup()


async def test_start_still_serves_on_its_own() -> None:
    async with LocalBotApi(ServerConfig.for_tests()) as api:
        assert api.base_url.startswith("http://127.0.0.1:")
