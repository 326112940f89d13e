"""`/healthz`, `/readyz` and `/metrics` for a load balancer, an init system and Prometheus.

On the webhook server they sit beside the webhook path; in polling mode on a small HTTP server of their own
(HEALTH_PORT, off when unset). `/healthz` answers 200 while the process serves. `/readyz` answers 200 only
while the database is reachable, its schema is at the migrations' head and the outbox is not stuck (its
oldest pending notice younger than 10 minutes), else 503 naming what is wrong.
"""

from __future__ import annotations

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app.metrics import render
from storage.health import outbox_state, schema_state
from storage.models import utcnow

ENGINE = web.AppKey("laporgub_engine", AsyncEngine)


async def healthz(_request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


async def readyz(request: web.Request) -> web.Response:
    engine = request.app[ENGINE]
    problems: list[str] = []
    try:
        schema = await schema_state(engine)
    except Exception as error:
        problems.append(f"database unreachable ({type(error).__name__})")
    else:
        if not schema.at_head:
            problems.append(
                f"schema at {', '.join(schema.current) or 'empty'}, head {', '.join(schema.head)}"
            )
        else:
            outbox = await outbox_state(engine)
            if outbox.stuck(utcnow()):
                problems.append(f"outbox stuck: {outbox.pending} pending, the oldest over 10 minutes")
    if problems:
        return web.json_response({"status": "not ready", "problems": problems}, status=503)
    return web.json_response({"status": "ready"})


async def metrics(request: web.Request) -> web.Response:
    body = await render(request.app[ENGINE])
    response = web.Response(body=body)
    response.headers["Content-Type"] = CONTENT_TYPE_LATEST
    return response


def add_health_routes(app: web.Application, engine: AsyncEngine) -> None:
    app[ENGINE] = engine
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics)


async def start_health_server(engine: AsyncEngine, host: str, port: int) -> web.AppRunner:
    """Polling mode's own small server for the three routes."""
    app = web.Application()
    add_health_routes(app, engine)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    return runner
