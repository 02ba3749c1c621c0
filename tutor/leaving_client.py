"""A client that sends its request, then leaves before the answer is done: a disconnect.

For examples about client disconnects (`request.disconnect_after` in an exercise's run).
httpx's ASGITransport only reports `http.disconnect` once the whole response has arrived, so
this client speaks ASGI to Django's handler itself: it sends the request, says
`http.disconnect` after the given seconds, and from then on ignores what the app sends, as
uvicorn does. What arrived before it left is the response it reports.

With `after=None` it stays, and says `http.disconnect` once the response is complete, as
httpx's ASGITransport does: shared runs (tutor/shared.py) call their handler this way,
without an httpx client per run.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import httpx

Message = MutableMapping[str, Any]
ASGIApp = Callable[[Any, Any, Any], Awaitable[None]]
CLIENT = ("127.0.0.1", 123)
"""The client address in the scope, as httpx's ASGITransport gives it."""


async def request_and_leave(
    app: ASGIApp, request: httpx.Request, after: float | None
) -> httpx.Response | None:
    """Send `request` to `app`, leave after `after` seconds (None: once the response is
    complete); None if no response had started."""
    body = await request.aread()
    scope = {
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
    loop = asyncio.get_running_loop()
    leaves_at = math.inf if after is None else loop.time() + after
    complete = asyncio.Event()
    sent_request = False
    gone = False
    status: int | None = None
    headers: list[tuple[bytes, bytes]] = []
    parts: list[bytes] = []

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
        nonlocal status, headers
        if gone or loop.time() >= leaves_at:
            return  # nobody is listening any more
        if message["type"] == "http.response.start":
            status, headers = message["status"], list(message.get("headers", []))
        elif message["type"] == "http.response.body":
            if after is not None or request.method != "HEAD":  # staying: as httpx does
                parts.append(message.get("body", b""))
            if not message.get("more_body", False):
                complete.set()

    await app(scope, receive, send)
    if status is None:
        return None
    return httpx.Response(status, headers=headers, content=b"".join(parts), request=request)
