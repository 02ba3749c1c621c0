"""The ASGI app: Django for HTTP, with the Tutor in every scope; lifespan starts the runner.

Here, in front of Django: beyond TUTOR_MAX_CONNECTIONS requests at once, 503; headers over
MAX_HEADER_BYTES, 431; a body over MAX_BODY_BYTES, 413, before it is read (Django's handler
would first spool the whole body to a temporary file, so a client could stream gigabytes to
disk); a body still incomplete after BODY_SECONDS, 408. The body limit holds for the declared
Content-Length and, for a body sent without one (chunked) or longer than declared, while it
streams.

Build it with `TutorApp(tutor)` after `tutor.settings.configure(config)`; nothing is built
at import time.

Django's sync parts of our own requests (its signal receivers, closing a response) run on one
thread of the app's, not on a thread started and joined per request as Django's handler does
by default: those two thread starts were a third of the API's time on a run.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, MutableMapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from asgiref.sync import ThreadSensitiveContext
from django.core.handlers.asgi import ASGIHandler

from tutor.service import SCOPE_KEY, Tutor
from tutor.settings import MAX_BODY_BYTES, MAX_HEADER_BYTES

BODY_SECONDS = 10.0
"""Seconds a request's body has to arrive once its headers have (the bot sends ~30 bytes at
once): a client that declares a body and sends none holds no request slot for long."""
Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[Any], Awaitable[None]]


class TutorApp:
    """`manage_runner=False` when the caller starts and stops the runner itself (tests, verify)."""

    def __init__(
        self, tutor: Tutor, *, manage_runner: bool = True, body_seconds: float = BODY_SECONDS
    ) -> None:
        self.tutor = tutor
        self.body_seconds = body_seconds
        self.manage_runner = manage_runner
        self.django = ASGIHandler()
        self.sync_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tutor-api")
        self.serving = 0
        """Requests being served; beyond TUTOR_MAX_CONNECTIONS a request is answered 503.
        Counted here, not by uvicorn, whose bound counts idle connections too."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
        elif scope["type"] == "http":
            if self.serving >= self.tutor.config.max_connections:
                await _refuse(send, 503, "the service is serving as many requests as it may")
                return
            self.serving += 1
            try:
                await self._http(scope, receive, send)
            finally:
                self.serving -= 1
        else:
            raise ValueError(f"the tutor serves HTTP only, not {scope['type']}")

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        if sum(len(name) + len(value) for name, value in scope["headers"]) > MAX_HEADER_BYTES:
            await _refuse(send, 431, f"the headers are over {MAX_HEADER_BYTES} bytes")
            return
        try:
            async with asyncio.timeout(self.body_seconds):
                body = await _body_within(scope, receive, MAX_BODY_BYTES)
        except _ClientGone:
            return
        except TimeoutError:
            await _refuse(send, 408, f"the body did not arrive within {self.body_seconds:g} s")
            return
        if body is None:
            await _refuse(send, 413, f"the body is over {MAX_BODY_BYTES} bytes")
            return
        async with ThreadSensitiveContext(executor=self.sync_thread):
            await self.django({**scope, SCOPE_KEY: self.tutor}, _replay(body, receive), send)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                try:
                    if self.manage_runner:
                        await self.tutor.runner.start()
                except Exception as error:
                    await send({"type": "lifespan.startup.failed", "message": str(error)})
                    return
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if self.manage_runner:
                    await self.tutor.runner.close()
                await send({"type": "lifespan.shutdown.complete"})
                return


class _ClientGone(Exception):
    """The client disconnected before its body was complete."""


async def _body_within(scope: Scope, receive: Receive, limit: int) -> bytes | None:
    """The whole body if it is at most `limit` bytes; None as soon as it is known to be more.

    What a client sends past the limit is never read: the answer goes out, and uvicorn closes
    the connection rather than drain the rest."""
    for name, value in scope.get("headers", ()):
        if name == b"content-length" and value.isdigit() and int(value) > limit:
            return None
    body = bytearray()
    while True:
        message = await receive()
        if message["type"] != "http.request":  # http.disconnect: nobody waits for an answer
            raise _ClientGone
        body += message.get("body", b"")
        if len(body) > limit:
            return None
        if not message.get("more_body", False):
            return bytes(body)


def _replay(body: bytes, receive: Receive) -> Receive:
    """A receive that hands Django the body already read, then listens for the disconnect."""
    pending = [{"type": "http.request", "body": body, "more_body": False}]

    async def replayed() -> MutableMapping[str, Any]:
        return pending.pop() if pending else await receive()

    return replayed


async def _refuse(send: Send, status: int, message: str) -> None:
    """Answer without reading the body; `Connection: close` as what is unread must not stay."""
    payload = json.dumps({"error": message}).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(payload)).encode()),
        (b"connection", b"close"),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})
