"""Serve the tutor app with uvicorn on a socket we bind, so a free port is known before start.

No idle client can hold the service. uvicorn times a connection out only after a response
(keep-alive), never while it waits for a first request, so the protocol here is uvicorn's h11
protocol with a header deadline: a connection that has not sent complete request headers
within HEADER_SECONDS of opening (or of its previous response) is closed. It also closes at
once a connection beyond PER_ADDRESS open from one address. The requests served at once are
bounded by the app (tutor/asgi.py answers 503 beyond TUTOR_MAX_CONNECTIONS), so connections
that send nothing never count against anyone else's requests. docs/architecture.md says why
a subclass, and what each bound protects against.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import socket
from collections.abc import AsyncIterator, Iterator

import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from tutor.asgi import TutorApp
from tutor.settings import MAX_HEADER_BYTES

START_TIMEOUT = 30.0
HEADER_SECONDS = 5.0
"""Seconds a connection has to send complete request headers (a bot sends them at once)."""
PER_ADDRESS = 256
"""Connections open at once from one address: far above what one bot needs (8 runs at once
per process, each on a pooled connection), far below the process's file descriptors."""
log = logging.getLogger("tutor.server")


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


class BoundedH11(H11Protocol):
    """uvicorn's h11 protocol with a header deadline and a bound per client address.

    Built on what uvicorn 0.54 calls on its protocol (connection_made, handle_events,
    on_response_complete, connection_lost) and on h11's connection state; tests/tutor/
    test_idle_clients.py fails if a uvicorn upgrade changes that."""

    header_seconds = HEADER_SECONDS
    per_address = PER_ADDRESS
    _header_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)  # type: ignore[arg-type]
        host = self.client[0] if self.client else None
        same = sum(1 for other in self.connections if _host(other) == host)
        if host is not None and same > self.per_address:
            _warn_once_a_minute(host, self.loop.time())
            self.transport.close()
            return
        self._await_headers()

    def handle_events(self) -> None:
        super().handle_events()
        if self.conn.their_state is not h11.IDLE:  # the headers are in (or the client is done)
            self._stop_header_timer()

    def on_response_complete(self) -> None:
        self._await_headers()  # before: a pipelined request that follows cancels it
        super().on_response_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_header_timer()
        super().connection_lost(exc)

    def _await_headers(self) -> None:
        self._stop_header_timer()
        self._header_timer = self.loop.call_later(self.header_seconds, self._headers_late)

    def _stop_header_timer(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _headers_late(self) -> None:
        self._header_timer = None
        if not self.transport.is_closing() and self.conn.their_state is h11.IDLE:
            self.transport.close()


_warned: dict[str, float] = {}


def _warn_once_a_minute(host: str, now: float) -> None:
    """One line per address and minute, not one per refused connection."""
    if now - _warned.get(host, -math.inf) >= 60:
        if len(_warned) > 1000:
            _warned.clear()
        _warned[host] = now
        log.warning("%s has %d connections open: closing any more from it", host, PER_ADDRESS)


def _host(protocol: object) -> str | None:
    client = getattr(protocol, "client", None)
    return client[0] if client else None


def protocol(header_seconds: float = HEADER_SECONDS, per_address: int = PER_ADDRESS) -> type:
    """BoundedH11 with these bounds (tests shorten the deadline)."""
    return type(
        "BoundedH11", (BoundedH11,), {"header_seconds": header_seconds, "per_address": per_address}
    )


class _BackgroundServer(uvicorn.Server):
    """Leaves signals to whoever runs the event loop."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def _config(app: TutorApp, log_level: str, http: type) -> uvicorn.Config:
    """Bounded: headers by size and time, connections per address, idle connections after a
    response by time (keep-alive); requests at once and bodies by the app itself.
    log_config=None: uvicorn's records go to the root handler (tutor.logs), not its own."""
    return uvicorn.Config(
        app,
        lifespan="on",
        log_level=log_level,
        access_log=False,
        log_config=None,
        http=http,
        h11_max_incomplete_event_size=MAX_HEADER_BYTES,
        timeout_keep_alive=5,
    )


async def serve(app: TutorApp, sock: socket.socket, *, log_level: str = "info") -> None:
    """Serve until uvicorn is told to stop (SIGINT or SIGTERM)."""
    await uvicorn.Server(_config(app, log_level, BoundedH11)).serve(sockets=[sock])


@contextlib.asynccontextmanager
async def serving(
    app: TutorApp, sock: socket.socket, *, http: type = BoundedH11
) -> AsyncIterator[uvicorn.Server]:
    """Serve in the background of this event loop while the block runs (verify, tests)."""
    server = _BackgroundServer(_config(app, "warning", http))
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
