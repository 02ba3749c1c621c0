"""The examples' HTTP API, exactly as exercises/README.md documents it."""

from __future__ import annotations

import time

import pytest

from tests.tutor.test_api import client_for

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest.fixture
def client(tutor):
    return client_for(tutor)


@pytest.mark.parametrize(
    ("number", "text"),
    [
        (1, "Simple is better than complex."),
        (2, "Readability counts."),
        (3, "Errors should never pass silently."),
    ],
)
async def test_quotes(client, number, text):
    response = await client.get(f"/example-api/quotes/{number}")
    assert response.status_code == 200
    assert response.json() == {"id": number, "text": text}


@pytest.mark.parametrize("number", ["0", "4", "-1", "two", "1.5"])
async def test_no_such_quote(client, number):
    response = await client.get(f"/example-api/quotes/{number}")
    assert response.status_code == 404
    assert response.json() == {"error": "no such quote"}


async def test_slow_waits_then_says_how_long(client):
    started = time.perf_counter()
    response = await client.get("/example-api/slow", {"seconds": "0.3"})
    assert time.perf_counter() - started >= 0.3
    assert response.json() == {"slept": 0.3}
    assert (await client.get("/example-api/slow", {"seconds": "0"})).json() == {"slept": 0}


@pytest.mark.parametrize("seconds", ["6", "-1", "soon", ""])
async def test_slow_refuses_what_it_cannot_do(client, seconds):
    response = await client.get("/example-api/slow", {"seconds": seconds})
    assert response.status_code == 400
    assert "error" in response.json()


async def test_weather(client):
    response = await client.get("/example-api/weather", {"city": "Lagos"})
    assert response.json() == {"city": "Lagos", "temp_c": 21}
    assert (await client.get("/example-api/weather")).status_code == 400


@pytest.mark.parametrize("code", [200, 201, 404, 418, 500, 503])
async def test_status(client, code):
    response = await client.get(f"/example-api/status/{code}")
    assert response.status_code == code
    assert response.json() == {"status": code}


async def test_echo(client):
    sent = {"title": "Kindred", "tags": ["a", 1, None], "n": 1.5}
    response = await client.post("/example-api/echo", sent, content_type="application/json")
    assert response.status_code == 200
    assert response.json() == sent
    bad = await client.post("/example-api/echo", "nope", content_type="application/json")
    assert bad.status_code == 400
    assert (await client.get("/example-api/echo")).status_code == 405
