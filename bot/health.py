"""The bot's health and metrics over HTTP: off unless HEALTH_PORT is set (the image sets it).

GET /health answers 200 when the bot is connected to Discord's gateway and its store can
write, else 503 with the reason; the Docker HEALTHCHECK calls it. GET /metrics is the
Prometheus text format (bot.metrics).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest

STORE_CHECK_SECONDS = 2.0


class Health:
    """What /health looks at: the gateway connection and a write to the store."""

    def __init__(
        self, connected: Callable[[], bool], check_store: Callable[[], Awaitable[None]]
    ) -> None:
        self.connected = connected
        self.check_store = check_store

    async def problems(self) -> list[str]:
        problems = []
        if not self.connected():
            problems.append("not connected to Discord's gateway")
        try:
            await asyncio.wait_for(self.check_store(), STORE_CHECK_SECONDS)
        except TimeoutError:
            problems.append(f"the store did not take a write within {STORE_CHECK_SECONDS:.0f} s")
        except Exception as error:
            problems.append(f"the store cannot write: {error}")
        return problems


def _app(health: Health) -> web.Application:
    async def show_health(request: web.Request) -> web.Response:
        problems = await health.problems()
        body = {"status": "ok" if not problems else "unhealthy", "problems": problems}
        return web.json_response(body, status=503 if problems else 200, dumps=json.dumps)

    async def show_metrics(request: web.Request) -> web.Response:
        response = web.Response(body=generate_latest(REGISTRY))
        response.headers["Content-Type"] = CONTENT_TYPE_LATEST
        return response

    app = web.Application()
    app.add_routes([web.get("/health", show_health), web.get("/metrics", show_metrics)])
    return app


@asynccontextmanager
async def serving_health(health: Health, host: str, port: int) -> AsyncIterator[int]:
    """Serve /health and /metrics while the block runs; yields the port (0 picks a free one)."""
    runner = web.AppRunner(_app(health), access_log=None)
    await runner.setup()
    try:
        site = web.TCPSite(runner, host, port)
        await site.start()
        yield runner.addresses[0][1]
    finally:
        await runner.cleanup()
