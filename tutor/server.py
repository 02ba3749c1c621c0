"""Serve the tutor app with uvicorn on a socket we bind, so a free port is known before start."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator, Iterator

import uvicorn

from tutor.asgi import TutorApp
from tutor.settings import MAX_HEADER_BYTES

START_TIMEOUT = 30.0


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket; port 0 picks a free one (read it with getsockname)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP, not 0: asyncio turns Nagle off only on sockets that say they are TCP,
    # and with Nagle on every response waits ~40 ms for the client's delayed ACK.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.set_inheritable(True)
    return sock


class _BackgroundServer(uvicorn.Server):
    """Leaves signals to whoever runs the event loop."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def _config(app: TutorApp, log_level: str) -> uvicorn.Config:
    """Bounded: headers by size, connections by number (uvicorn answers 503 beyond), idle
    connections by time. Bodies are bounded by the app itself, before Django reads them.
    log_config=None: uvicorn's records go to the root handler (tutor.logs), not its own."""
    return uvicorn.Config(
        app,
        lifespan="on",
        log_level=log_level,
        access_log=False,
        log_config=None,
        http="h11",
        h11_max_incomplete_event_size=MAX_HEADER_BYTES,
        limit_concurrency=app.tutor.config.max_connections,
        timeout_keep_alive=5,
    )


async def serve(app: TutorApp, sock: socket.socket, *, log_level: str = "info") -> None:
    """Serve until uvicorn is told to stop (SIGINT or SIGTERM)."""
    await uvicorn.Server(_config(app, log_level)).serve(sockets=[sock])


@contextlib.asynccontextmanager
async def serving(app: TutorApp, sock: socket.socket) -> AsyncIterator[uvicorn.Server]:
    """Serve in the background of this event loop while the block runs (verify, tests)."""
    server = _BackgroundServer(_config(app, "warning"))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        async with asyncio.timeout(START_TIMEOUT):
            while not server.started:
                if task.done():
                    await task
                    raise RuntimeError("the tutor server stopped while starting")
                await asyncio.sleep(0.01)
        yield server
    finally:
        server.should_exit = True
        await task
