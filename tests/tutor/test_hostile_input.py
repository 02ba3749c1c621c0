"""The service under hostile input: huge bodies, huge headers, deep JSON (idle connections:
test_idle_clients.py).

The body tests go through the real uvicorn server on a loopback socket as well as straight
into the ASGI app, where what the app pulls from `receive` can be counted.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import tempfile
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from tutor.asgi import TutorApp
from tutor.service import Tutor
from tutor.settings import MAX_BODY_BYTES, MAX_HEADER_BYTES

pytestmark = pytest.mark.asyncio(loop_scope="module")
RUN = "/api/exercises/t/echo/runs"
HUNDRED_MB = 100 * 1024 * 1024
CHUNK = 1024 * 1024


@pytest.fixture
def base(tutor: Tutor) -> str:
    """The module's service, served by uvicorn on loopback (its example API's address)."""
    return tutor.runner.example_api_url.removesuffix("/example-api")


def address(base: str) -> tuple[str, int]:
    host, port = base.removeprefix("http://").rsplit(":", 1)
    return host, int(port)


class Sent:
    """What the app sent back, straight from the ASGI calls."""

    def __init__(self) -> None:
        self.messages: list[dict[str, Any]] = []

    async def __call__(self, message: dict[str, Any]) -> None:
        self.messages.append(message)

    @property
    def status(self) -> int:
        return int(self.messages[0]["status"])

    @property
    def json(self) -> Any:
        return json.loads(b"".join(m.get("body", b"") for m in self.messages[1:]))


def http_scope(headers: list[tuple[bytes, bytes]]) -> dict[str, Any]:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": RUN,
        "raw_path": RUN.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"127.0.0.1"), (b"content-type", b"application/json"), *headers],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 80),
    }


async def test_a_declared_100_mb_body_is_refused_before_a_byte_is_read(tutor):
    pulled = 0

    async def receive() -> dict[str, Any]:
        nonlocal pulled
        pulled += CHUNK
        if pulled > MAX_BODY_BYTES + CHUNK:
            raise AssertionError(f"the app read {pulled} bytes of the body")
        return {"type": "http.request", "body": b"x" * CHUNK, "more_body": True}

    sent = Sent()
    scope = http_scope([(b"content-length", str(HUNDRED_MB).encode())])
    await TutorApp(tutor, manage_runner=False)(scope, receive, sent)
    assert sent.status == 413
    assert sent.json == {"error": f"the body is over {MAX_BODY_BYTES} bytes"}
    assert pulled == 0


async def test_a_streamed_100_mb_body_is_refused_once_past_the_limit(tutor):
    """No Content-Length (chunked), or a false one: counted while it streams."""
    for headers in ([], [(b"content-length", b"10")]):
        pulled = 0

        async def receive() -> dict[str, Any]:
            nonlocal pulled
            pulled += 64 * 1024
            if pulled > MAX_BODY_BYTES + 64 * 1024:
                raise AssertionError(f"the app read {pulled} bytes of the body")
            more = pulled < HUNDRED_MB
            return {"type": "http.request", "body": b"[" * 64 * 1024, "more_body": more}

        sent = Sent()
        await TutorApp(tutor, manage_runner=False)(http_scope(headers), receive, sent)
        assert sent.status == 413


def large_temporary_files() -> list[str]:
    """Open files of this process in the temporary folder over 1 MB (Django spools there;
    its files are unlinked at once, so they are found through /proc/self/fd)."""
    found = []
    folder = tempfile.gettempdir()
    for fd in os.listdir("/proc/self/fd"):
        with contextlib.suppress(OSError):
            target = os.readlink(f"/proc/self/fd/{fd}")
            if target.startswith(folder) and os.stat(f"/proc/self/fd/{fd}").st_size > CHUNK:
                found.append(target)
    return found


@contextlib.asynccontextmanager
async def connection(base: str) -> AsyncIterator[tuple[asyncio.StreamReader, asyncio.StreamWriter]]:
    """A raw connection, closed however the test ends: a server never waits on it."""
    reader, writer = await asyncio.open_connection(*address(base))
    try:
        yield reader, writer
    finally:
        writer.close()


async def test_a_100_mb_upload_is_refused_at_once_and_health_keeps_answering(base):
    """Over a real socket, with chunked encoding: the 413 comes while most is still unsent."""
    sent = 0
    async with connection(base) as (reader, writer), httpx.AsyncClient(base_url=base) as http:
        writer.write(
            f"POST {RUN} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            "Transfer-Encoding: chunked\r\n\r\n".encode()
        )
        answer = asyncio.create_task(reader.readline())
        try:
            while sent < HUNDRED_MB and not answer.done():
                writer.write(b"%x\r\n" % CHUNK + b"x" * CHUNK + b"\r\n")
                await writer.drain()
                sent += CHUNK
                assert (await http.get("/api/health")).status_code == 200
                assert large_temporary_files() == []
        except ConnectionError:
            pass  # the server answered and closed the connection: the rest is never read
        async with asyncio.timeout(10):
            status_line = await answer
        assert (await http.get("/api/health")).status_code == 200
    assert status_line.startswith(b"HTTP/1.1 413 ")
    assert sent < HUNDRED_MB / 10  # socket buffers hold a few MB; the rest was never sent
    assert large_temporary_files() == []


async def test_a_declared_100_mb_body_is_answered_before_it_is_sent(base):
    async with connection(base) as (reader, writer):
        writer.write(
            f"POST {RUN} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"Content-Length: {HUNDRED_MB}\r\n\r\n".encode()
        )
        async with asyncio.timeout(10):
            status_line = await reader.readline()
    assert status_line.startswith(b"HTTP/1.1 413 ")


async def trickled_headers(base: str, size: int) -> bytes:
    """Headers sent a line at a time, never finished: h11 stops buffering at its limit."""
    async with connection(base) as (reader, writer):
        writer.write(b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        answer = asyncio.create_task(reader.readline())
        try:
            for number in range(size // 100):
                if answer.done():
                    break
                writer.write(b"X-Line-%d: %s\r\n" % (number, b"p" * 80))
                await writer.drain()
                await asyncio.sleep(0)  # each line its own read on the server
        except ConnectionError:
            pass
        async with asyncio.timeout(10):
            return await answer


async def test_headers_over_the_limit_are_refused(base):
    async with httpx.AsyncClient(base_url=base) as http:
        fits = await http.get("/api/health", headers={"X-Padding": "p" * (MAX_HEADER_BYTES // 2)})
        assert fits.status_code == 200
        too_big = await http.get(
            "/api/health", headers={"X-Padding": "p" * (MAX_HEADER_BYTES + 4096)}
        )
        assert too_big.status_code == 431
        slowly = await trickled_headers(base, MAX_HEADER_BYTES + 4096)
        assert slowly.startswith(b"HTTP/1.1 4")
        assert (await http.get("/api/health")).status_code == 200


@pytest.mark.parametrize(
    "body",
    [
        "[" * 8_000 + "]" * 8_000,
        '{"fill": ' + "[" * 7_000 + "]" * 7_000 + "}",
        '{"choice": ' + "[" * 900 + "]" * 900 + "}",
        '{"fill": {"1": ' + '{"a": ' * 900 + "1" + "}" * 900 + "}}",
    ],
    ids=["list-8k", "fill-7k", "choice-900", "fill-letter-900"],
)
async def test_deeply_nested_json_is_a_400_not_a_500(base, body):
    async with httpx.AsyncClient(base_url=base) as http:
        response = await http.post(RUN, content=body, headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert "error" in response.json()
