"""The aiohttp server that is the stand-in: REST under /api/v10 and the gateway at /gateway.

Listens on 127.0.0.1 and a free port with a large backlog, since bursts of clicks open many
connections at once. Knows its addresses only once started.
"""

from __future__ import annotations

from aiohttp import web

from bot.sandbox import attachments
from bot.sandbox.channel_history import ChannelHistory
from bot.sandbox.gateway import Gateway
from bot.sandbox.interactions import Interactions
from bot.sandbox.recording import API_PREFIX, Recorder, json_answer
from bot.sandbox.rest import Rest
from bot.sandbox.world import World

LISTEN_BACKLOG = 4096


class Server:
    def __init__(self, world: World, gateway: Gateway, recorder: Recorder) -> None:
        self.gateway = gateway
        self.app = web.Application(middlewares=[recorder.middleware])
        self.app[attachments.WORLD] = world
        self.app.add_routes(attachments.routes())
        self.app.add_routes(ChannelHistory(world).routes())
        self.app.add_routes(Rest(world).routes())
        self.app.add_routes(Interactions(world).routes())
        self.app.add_routes(
            [
                web.get("/gateway", gateway.handle),
                web.get("/gateway/", gateway.handle),
                web.get(API_PREFIX + "/gateway", self.gateway_address),
                web.get(API_PREFIX + "/gateway/bot", self.gateway_address),
            ]
        )
        self._runner: web.AppRunner | None = None
        self.base_url = ""

    @property
    def api_base(self) -> str:
        """What discord.py's `Route.BASE` should be."""
        return self.base_url + API_PREFIX

    @property
    def gateway_url(self) -> str:
        """What discord.py's `DiscordWebSocket.DEFAULT_GATEWAY` should be."""
        return self.base_url.replace("http://", "ws://", 1) + "/gateway"

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self._runner = web.AppRunner(self.app, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port, backlog=LISTEN_BACKLOG)
        await site.start()
        bound_host, bound_port = self._runner.addresses[0][:2]
        self.base_url = f"http://{bound_host}:{bound_port}"
        self.gateway.url = self.gateway_url

    async def stop(self) -> None:
        if self._runner is not None:
            await self.gateway.close()
            await self._runner.cleanup()
            self._runner = None

    async def gateway_address(self, request: web.Request) -> web.Response:
        return json_answer(
            {
                "url": self.gateway_url,
                "shards": self.gateway.world.shard_count,
                "session_start_limit": {
                    "total": 1000,
                    "remaining": 1000,
                    "reset_after": 0,
                    "max_concurrency": 1,
                },
            }
        )
