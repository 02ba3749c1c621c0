"""Each use of a library's internals (docs/architecture.md lists them) fails here first when
an upgrade changes what it relies on.

- tutor/worker.py replaces httpx's private `httpx._transports.default.create_ssl_context`, so
  that every example's `httpx.AsyncClient()` shares one TLS context built before the fork.
- tutor/server.py subclasses uvicorn's H11Protocol (tests/tutor/test_idle_clients.py checks
  what the subclass does against the real server; here, the hooks it overrides).
"""

from __future__ import annotations

import inspect
import subprocess
import sys
import textwrap

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from tutor.server import BoundedH11

SHARED_CONTEXT = textwrap.dedent(
    """
    import httpx
    from tutor.worker import _share_default_tls_context

    _share_default_tls_context()
    first, second = httpx.AsyncClient(), httpx.AsyncClient()
    contexts = {id(client._transport._pool._ssl_context) for client in (first, second)}
    own = httpx.AsyncClient(verify=False)._transport._pool._ssl_context
    assert len(contexts) == 1, "each client built its own TLS context"
    assert id(own) not in contexts, "a client's own verify setting was ignored"
    print("shared")
    """
)


def test_every_default_httpx_client_shares_the_context_built_before_the_fork() -> None:
    ran = subprocess.run(
        [sys.executable, "-c", SHARED_CONTEXT], capture_output=True, text=True, check=False
    )
    assert ran.stdout.strip() == "shared", ran.stderr


def test_the_h11_protocol_still_has_the_hooks_bounded_h11_overrides() -> None:
    for name in ("connection_made", "handle_events", "on_response_complete", "connection_lost"):
        assert getattr(BoundedH11, name) is not getattr(H11Protocol, name)
        assert callable(getattr(H11Protocol, name)), name
    source = inspect.getsource(H11Protocol)
    for relied_on in ("self.conn", "self.connections", "self.client", "self.loop"):
        assert relied_on in source, relied_on
    assert h11.IDLE is h11.Connection(h11.SERVER).their_state
