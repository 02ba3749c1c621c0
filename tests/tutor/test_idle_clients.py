"""No idle client can hold the service: the real uvicorn (the version in the lock) with our
protocol (tutor.server.BoundedH11), on loopback.

Idle and slow-header connections come from 127.0.0.1; the requests that must keep being
answered come from 127.0.0.2, another loopback address, as the bot is another address than an
attacker. The deadline is shortened to a fraction of a second; every wait is bounded.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import replace

import httpx
import pytest
import pytest_asyncio

from tests.tutor.examples import BY_ID
from tutor.asgi import TutorApp
from tutor.server import bind, protocol, serving
from tutor.service import Tutor

pytestmark = pytest.mark.asyncio(loop_scope="module")
LIMIT = 8
"""TUTOR_MAX_CONNECTIONS here: requests served at once."""
PER_ADDRESS = 16
DEADLINE = 0.5
IDLE = 20
SLOW = 6
BOUND = 15.0
"""Seconds any wait here may take before the test fails, on a loaded machine."""
Stream = tuple[asyncio.StreamReader, asyncio.StreamWriter]


@pytest_asyncio.fixture(loop_scope="module")
async def port(tutor: Tutor) -> AsyncIterator[int]:
    """The tests' service, its bounds made small, served by uvicorn on 127.0.0.1."""
    small = Tutor(replace(tutor.config, max_connections=LIMIT), BY_ID, tutor.runner)
    app = TutorApp(small, manage_runner=False, body_seconds=DEADLINE)
    sock = bind("127.0.0.1", 0)
    async with serving(app, sock, http=protocol(DEADLINE, PER_ADDRESS)):
        yield sock.getsockname()[1]


def from_other_address(port: int) -> httpx.AsyncClient:
    transport = httpx.AsyncHTTPTransport(local_address="127.0.0.2")
    return httpx.AsyncClient(transport=transport, base_url=f"http://127.0.0.1:{port}", timeout=10)


async def closed_by_server(reader: asyncio.StreamReader) -> bytes:
    """What the server sent before it closed the connection (it must close it); a reset, as
    a close while the client still writes may be, counts as closed with nothing sent."""
    async with asyncio.timeout(BOUND):
        try:
            return await reader.read()
        except ConnectionError:
            return b""


async def trickle(writer: asyncio.StreamWriter) -> None:
    """Headers a line at a time, forever: each line alone would reset a per-read timer."""
    with contextlib.suppress(ConnectionError):
        writer.write(b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        for number in range(1000):
            writer.write(b"X-Slow-%d: 1\r\n" % number)
            await writer.drain()
            await asyncio.sleep(DEADLINE / 5)


async def test_idle_and_slow_header_connections_never_hold_the_service(port):
    idle: list[Stream] = [await asyncio.open_connection("127.0.0.1", port) for _ in range(IDLE)]
    slow: list[Stream] = [await asyncio.open_connection("127.0.0.1", port) for _ in range(SLOW)]
    assert max(LIMIT, PER_ADDRESS) < IDLE + SLOW
    trickling = [asyncio.create_task(trickle(writer)) for _, writer in slow]
    try:
        async with from_other_address(port) as http:
            health = await http.get("/api/health")
            run = await http.post("/api/exercises/t/echo/runs", json={"fill": {"1": "B", "2": "A"}})
        assert health.status_code == 200
        assert run.status_code == 200
        assert run.json()["responses"][0]["body"] == '{"echo": "hello"}'
        # every one of them is closed by the server, without an answer: none is left holding
        answers = await asyncio.gather(*(closed_by_server(reader) for reader, _ in idle + slow))
        assert answers == [b""] * (IDLE + SLOW)
    finally:
        for task in trickling:
            task.cancel()
        for _, writer in idle + slow:
            writer.close()


async def test_more_connections_than_the_bound_from_one_address_are_closed_at_once(port):
    held = [await asyncio.open_connection("127.0.0.1", port) for _ in range(PER_ADDRESS + 4)]
    try:
        beyond = [reader for reader, _ in held[PER_ADDRESS:]]
        assert await asyncio.gather(*(closed_by_server(reader) for reader in beyond)) == [b""] * 4
        async with from_other_address(port) as http:
            assert (await http.get("/api/health")).status_code == 200
    finally:
        for _, writer in held:
            writer.close()


async def test_a_request_after_a_response_has_the_same_deadline(port):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        first = await reader.readuntil(b"\r\n\r\n")
        assert first.startswith(b"HTTP/1.1 200")
        writer.write(b"GET /api/health HTTP/1.1\r\n")  # a second request, never finished
        rest = await closed_by_server(reader)
        assert b"HTTP/1.1" not in rest  # the first answer's body only: no second answer
    finally:
        writer.close()


async def test_requests_beyond_the_limit_are_answered_503_and_a_missing_body_408(port):
    held: list[Stream] = []
    for _ in range(LIMIT):  # requests whose body never comes: each holds a request slot
        reader, writer = await asyncio.open_connection(
            "127.0.0.1", port, local_addr=("127.0.0.2", 0)
        )
        writer.write(
            b"POST /api/exercises/t/echo/runs HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/json\r\nContent-Length: 40\r\n\r\n{"
        )
        held.append((reader, writer))
    try:
        async with from_other_address(port) as http:
            for _ in range(100):  # until the server has read every held request's headers
                if (await http.get("/api/health")).status_code == 503:
                    break
            else:
                raise AssertionError("the requests held did not count")
            answers = await asyncio.gather(*(closed_by_server(reader) for reader, _ in held))
            assert all(answer.startswith(b"HTTP/1.1 408") for answer in answers)
            assert (await http.get("/api/health")).status_code == 200
    finally:
        for _, writer in held:
            writer.close()


async def test_a_bad_host_header_is_one_line_not_a_traceback(port, caplog):
    caplog.set_level(logging.INFO)
    async with from_other_address(port) as http:
        answer = await http.get("/api/health", headers={"Host": "evil.example"})
    assert answer.status_code == 400
    lines = [record for record in caplog.records if "evil.example" in record.getMessage()]
    assert len(lines) == 1
    assert lines[0].exc_info is None
    assert "TUTOR_ALLOWED_HOSTS" in lines[0].getMessage()
    assert not [record for record in caplog.records if record.exc_info]
