"""The sandbox page, served by the loopback Discord's own aiohttp server beside its API.

    GET  /                      the page (plain HTML, CSS and a little JavaScript)
    GET  /sandbox/people        who one can be: the members (and moderators) of the server
    GET  /sandbox/state?as=ID   what member ID sees: server, channels, commands, messages
    GET  /sandbox/events?as=ID  server-sent events: messages as they change, commands as the
                                bot registers them, forms (modals) the bot shows that member
    POST /sandbox/command       {as, channel, command, options}: run a slash command
    POST /sandbox/click         {as, message, custom_id}: click a button
    POST /sandbox/modal         {as, interaction, values}: submit a form the bot showed
    POST /sandbox/autocomplete  {as, channel, command, option, typed, options}: suggestions

Every action goes through the loopback Discord, as a member's client would act, and so
through the real bot. Actions take JSON only, from this page's own origin.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Awaitable, Callable
from importlib import resources
from typing import Any

from aiohttp import web

from bot.sandbox.loopback import LoopbackDiscord
from bot.sandbox.members import DriverError
from bot.sandbox.model import Member
from bot.sandbox.page import actions
from bot.sandbox.page.markup import highlight_css
from bot.sandbox.page.state import (
    UnknownMember,
    commands_for,
    member_by_id,
    message_event,
    page_state,
    people,
)
from bot.sandbox.recording import RecordedRequest
from bot.sandbox.world import Interaction

Send = Callable[[str, Any], Awaitable[None]]
Act = Callable[[LoopbackDiscord, dict[str, Any]], Awaitable[Interaction]]
Handler = Callable[[web.Request], Awaitable[web.Response]]

KEEPALIVE_SECONDS = 15.0
MODAL = 9
_CALLBACK = re.compile(r"/interactions/(\d+)/[^/]+/callback")
_STATIC = {"page.css": "text/css", "page.js": "text/javascript"}


def install_page(loopback: LoopbackDiscord) -> None:
    """Add the page's routes to the loopback's server; call before it starts."""
    Page(loopback).install(loopback.server.app)


class Page:
    def __init__(self, loopback: LoopbackDiscord) -> None:
        self.loopback = loopback
        self.world = loopback.world
        self._streams: set[asyncio.Task[Any]] = set()

    def install(self, app: web.Application) -> None:
        app.add_routes(
            [
                web.get("/", self.page),
                web.get("/sandbox/static/highlight.css", self.highlight),
                web.get("/sandbox/static/{name}", self.static),
                web.get("/sandbox/people", self.people_list),
                web.get("/sandbox/state", self.state),
                web.get("/sandbox/events", self.events),
                web.post("/sandbox/command", self.action(actions.run_command)),
                web.post("/sandbox/click", self.action(actions.click)),
                web.post("/sandbox/modal", self.action(actions.submit_modal)),
                web.post("/sandbox/autocomplete", self.autocomplete),
            ]
        )
        app.on_shutdown.append(self._close_streams)

    async def page(self, request: web.Request) -> web.Response:
        text = resources.files(__package__).joinpath("static/page.html").read_text("utf-8")
        return web.Response(text=text, content_type="text/html")

    async def static(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        if name not in _STATIC:
            raise web.HTTPNotFound()
        text = resources.files(__package__).joinpath("static", name).read_text("utf-8")
        return web.Response(text=text, content_type=_STATIC[name])

    async def highlight(self, request: web.Request) -> web.Response:
        return web.Response(text=highlight_css(), content_type="text/css")

    def _viewer(self, request: web.Request) -> Member:
        try:
            return member_by_id(self.world, int(request.query.get("as", "")))
        except (ValueError, UnknownMember) as error:
            raise web.HTTPBadRequest(text=f"?as= must name a member: {error}") from None

    async def people_list(self, request: web.Request) -> web.Response:
        """Who one can be on the page, before choosing."""
        everyone = [{"id": str(m.id), "name": m.user.name} for m in people(self.world)]
        return web.json_response(everyone)

    async def state(self, request: web.Request) -> web.Response:
        viewer = self._viewer(request)
        cursor, requests = len(self.world.changes), len(self.loopback.recorder.requests)
        state = page_state(self.world, viewer, cursor=cursor, requests=requests)
        return web.json_response(state)

    async def events(self, request: web.Request) -> web.StreamResponse:
        """Changes from the state's cursors on, for as long as the page is open."""
        viewer = self._viewer(request)
        try:
            cursor = int(request.query.get("cursor", len(self.world.changes)))
            seen = int(request.query.get("requests", len(self.loopback.recorder.requests)))
        except ValueError:
            raise web.HTTPBadRequest(text="cursor and requests are counts") from None
        stream = web.StreamResponse(
            headers={"Content-Type": "text/event-stream", "Cache-Control": "no-store"}
        )
        await stream.prepare(request)
        lock = asyncio.Lock()

        async def send(event: str, data: Any) -> None:
            async with lock:
                await stream.write(f"event: {event}\ndata: {json.dumps(data)}\n\n".encode())

        task = asyncio.current_task()
        assert task is not None
        self._streams.add(task)
        followers = [
            asyncio.create_task(self._follow_messages(viewer, cursor, send)),
            asyncio.create_task(self._follow_requests(viewer, seen, send)),
        ]
        try:
            await asyncio.wait(followers, return_when=asyncio.FIRST_COMPLETED)
        finally:
            self._streams.discard(task)
            for follower in followers:
                follower.cancel()
            await asyncio.gather(*followers, return_exceptions=True)
        return stream

    async def _follow_messages(self, viewer: Member, cursor: int, send: Send) -> None:
        changes = self.world.changes
        while True:
            try:
                await changes.wait_for(lambda _: True, after=cursor, within=KEEPALIVE_SECONDS)
            except TimeoutError:
                await send("keepalive", {})
                continue
            changed = {message.id: message for message in changes.items[cursor:]}
            cursor = len(changes)
            for message in changed.values():
                seen_by_viewer = not message.ephemeral or message.visible_to == viewer.id
                if message.guild_id == viewer.guild_id and seen_by_viewer:
                    await send("message", message_event(self.world, message))

    async def _follow_requests(self, viewer: Member, seen: int, send: Send) -> None:
        """Commands registered anew, and forms shown to this member, as the bot sends them."""
        requests = self.loopback.recorder.requests
        while True:
            try:
                await requests.wait_for(lambda _: True, after=seen, within=KEEPALIVE_SECONDS)
            except TimeoutError:
                continue
            arrived, seen = requests.items[seen:], len(requests)
            for request in arrived:
                if request.method == "PUT" and request.path.endswith("/commands"):
                    await send("commands", commands_for(self.world, viewer))
                modal = self._modal_for(request, viewer)
                if modal is not None:
                    await send("modal", modal)

    def _modal_for(self, request: RecordedRequest, viewer: Member) -> dict[str, Any] | None:
        found = _CALLBACK.fullmatch(request.path)
        if found is None or request.status != 200:
            return None
        interaction = self.world.interactions.get(int(found.group(1)))
        if interaction is None or interaction.member.id != viewer.id or interaction.modal is None:
            return None
        return {"interaction": str(interaction.id), "modal": interaction.modal}

    def action(self, act: Act) -> Handler:
        async def handle(request: web.Request) -> web.Response:
            body = await _json_body(request)
            try:
                interaction = await act(self.loopback, body)
            except (DriverError, UnknownMember) as error:
                return web.json_response({"error": str(error)}, status=400)
            return web.json_response({"interaction": str(interaction.id)})

        return handle

    async def autocomplete(self, request: web.Request) -> web.Response:
        body = await _json_body(request)
        try:
            choices = await actions.autocomplete(self.loopback, body)
        except (DriverError, UnknownMember, TimeoutError) as error:
            return web.json_response({"error": str(error)}, status=400)
        return web.json_response({"choices": choices})

    async def _close_streams(self, app: web.Application) -> None:
        for task in list(self._streams):
            task.cancel()


async def _json_body(request: web.Request) -> dict[str, Any]:
    """JSON from this page only: another site's form cannot post JSON here without asking."""
    origin = request.headers.get("Origin")
    if origin is not None and origin != f"{request.scheme}://{request.host}":
        raise web.HTTPForbidden(text="actions are taken from the sandbox page only")
    if request.content_type != "application/json":
        raise web.HTTPUnsupportedMediaType(text="send JSON")
    try:
        body = await request.json()
    except ValueError:
        raise web.HTTPBadRequest(text="send a JSON object") from None
    if not isinstance(body, dict):
        raise web.HTTPBadRequest(text="send a JSON object")
    return body
