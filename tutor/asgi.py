"""The ASGI app: Django for HTTP, with the Tutor in every scope; lifespan starts the runner.

Build it with `TutorApp(tutor)` after `tutor.settings.configure(config)`; nothing is built
at import time.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from django.core.handlers.asgi import ASGIHandler

from tutor.service import SCOPE_KEY, Tutor

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[Any], Awaitable[None]]


class TutorApp:
    """`manage_runner=False` when the caller starts and stops the runner itself (tests, verify)."""

    def __init__(self, tutor: Tutor, *, manage_runner: bool = True) -> None:
        self.tutor = tutor
        self.manage_runner = manage_runner
        self.django = ASGIHandler()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
        elif scope["type"] == "http":
            await self.django({**scope, SCOPE_KEY: self.tutor}, receive, send)
        else:
            raise ValueError(f"the tutor serves HTTP only, not {scope['type']}")

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
