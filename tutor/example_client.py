"""The client a run's request is made with: it speaks ASGI to the example's Django handler.

It records what a learner would see arrive: the status, the headers, and each piece of the
body with the time it arrived, counted from the request (a streamed response's pieces are
the lesson of the streaming pack). httpx's ASGITransport would hand back the body only once
complete, and only report `http.disconnect` after that, so this client is ours.

With `after` (an exercise's `request.disconnect_after`) it leaves mid-request: it says
`http.disconnect` after that many seconds and from then on ignores what the app sends, as
uvicorn does; what arrived before it left is what it reports. Without, it says
`http.disconnect` once the response is complete, as httpx's ASGITransport does.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from typing import Any

import httpx

Message = MutableMapping[str, Any]
ASGIApp = Callable[[Any, Any, Any], Awaitable[None]]
CLIENT = ("127.0.0.1", 123)
"""The client address in the scope, as httpx's ASGITransport gives it."""


@dataclass
class Received:
    """A response as it arrived: its pieces are the body's chunks, each with its time."""

    status: int
    headers: list[tuple[bytes, bytes]]
    pieces: list[tuple[float, bytes]] = field(default_factory=list)

    @property
    def body(self) -> bytes:
        return b"".join(piece for _, piece in self.pieces)


def _scope(request: httpx.Request) -> dict[str, Any]:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": request.method,
        "headers": [(key.lower(), value) for key, value in request.headers.raw],
        "scheme": request.url.scheme,
        "path": request.url.path,
        "raw_path": request.url.raw_path.split(b"?")[0],
        "query_string": request.url.query,
        "server": (request.url.host, request.url.port),
        "client": CLIENT,
        "root_path": "",
    }


async def send_request(
    app: ASGIApp, request: httpx.Request, after: float | None = None
) -> Received | None:
    """Send `request` to `app`; leave after `after` seconds (None: once the response is
    complete). None if no response had started."""
    body = await request.aread()
    loop = asyncio.get_running_loop()
    sent_at = loop.time()
    leaves_at = math.inf if after is None else sent_at + after
    complete = asyncio.Event()
    sent_request = False
    gone = False
    received: Received | None = None

    async def receive() -> Message:
        nonlocal sent_request, gone
        if not sent_request:
            sent_request = True
            return {"type": "http.request", "body": body, "more_body": False}
        if after is None:
            await complete.wait()
        else:
            await asyncio.sleep(max(0.0, leaves_at - loop.time()))
        gone = True
        return {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        nonlocal received
        now = loop.time()
        if gone or now >= leaves_at:
            return  # nobody is listening any more
        if message["type"] == "http.response.start":
            received = Received(message["status"], list(message.get("headers", [])))
        elif message["type"] == "http.response.body" and received is not None:
            piece = message.get("body", b"")
            if piece and (after is not None or request.method != "HEAD"):  # as httpx does
                received.pieces.append((now - sent_at, piece))
            if not message.get("more_body", False):
                complete.set()

    await app(_scope(request), receive, send)
    return received
