"""The tutor service describes its own API at /api/openapi.json, and every documented
endpoint answers as documented: each documented status is caused, and its body validated."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest
from jsonschema import Draft202012Validator

from config import Secret
from tests.clock import ManualClock
from tests.tutor.test_api import client_for
from tutor.asgi import TutorApp
from tutor.openapi import DESCRIPTION
from tutor.pool import Runner
from tutor.service import Tutor
from tutor.settings import MAX_BODY_BYTES
from wire.runs import MEMBER_HEADER, SECRET_HEADER

pytestmark = pytest.mark.asyncio(loop_scope="module")
ROOT = Path(__file__).resolve().parents[2]
SECRET = "s3cret"

NOT_CAUSED = {
    ("/api/exercises/{exercise_id}/runs", "post", "503"): "needs a worker that cannot start",
}


def documented() -> set[tuple[str, str, str]]:
    return {
        (path, method, status)
        for path, operations in DESCRIPTION["paths"].items()
        for method, operation in operations.items()
        for status in operation["responses"]
    }


def check(path: str, method: str, response: Any, checked: set[tuple[str, str, str]]) -> None:
    """The answer's status is documented for the operation, and its body fits the schema."""
    status = str(response.status_code)
    operation = DESCRIPTION["paths"][path][method]
    assert status in operation["responses"], f"{method} {path} answered {status}: undocumented"
    content = operation["responses"][status].get("content")
    if content is not None and "text/plain" in content:
        assert response.headers["Content-Type"].startswith("text/plain")
        assert "# HELP tutor_service_runs_total" in response.content.decode()
    elif content is not None:
        assert response.headers["Content-Type"] == "application/json"
        schema = {**content["application/json"]["schema"], "components": DESCRIPTION["components"]}
        errors = [e.message for e in Draft202012Validator(schema).iter_errors(response.json())]
        assert errors == [], f"{method} {path} {status}: {errors}"
    checked.add((path, method, status))


async def body_never_finished(tutor: Tutor, url: str) -> httpx.Response:
    """A body that starts and never ends, against a body deadline of a moment."""

    async def forever() -> AsyncIterator[bytes]:
        yield b"{"
        await asyncio.Event().wait()

    app = TutorApp(tutor, manage_runner=False, body_seconds=0.05)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as http:
        return await http.post(url, content=forever(), headers={"Content-Type": "application/json"})


async def test_the_description_is_served_without_the_secret(tutor):
    guarded = client_for(replace(tutor, config=replace(tutor.config, secret=Secret(SECRET))))
    response = await guarded.get("/api/openapi.json")

    assert response.status_code == 200
    assert response.json() == json.loads(json.dumps(DESCRIPTION))
    assert response.json()["openapi"] == "3.1.0"


async def test_every_documented_endpoint_answers_as_documented(tutor):
    checked: set[tuple[str, str, str]] = set()
    client = client_for(tutor)
    guarded = client_for(replace(tutor, config=replace(tutor.config, secret=Secret(SECRET))))
    starting = Runner(example_api_url=tutor.runner.example_api_url)  # never started
    not_ready = client_for(replace(tutor, runner=starting))
    runs = "/api/exercises/{exercise_id}/runs"

    async def post(client, exercise_id: str, body: object, **headers: str):
        raw = body if isinstance(body, str) else json.dumps(body)
        url = runs.format(exercise_id=exercise_id)
        return await client.post(url, raw, content_type="application/json", headers=headers)

    check("/api/openapi.json", "get", await client.get("/api/openapi.json"), checked)
    check("/api/health", "get", await client.get("/api/health"), checked)
    check("/api/health", "get", await not_ready.get("/api/health"), checked)
    check("/api/metrics", "get", await client.get("/api/metrics"), checked)
    check("/api/metrics", "get", await guarded.get("/api/metrics"), checked)
    check("/api/exercises", "get", await client.get("/api/exercises"), checked)
    check("/api/exercises", "get", await guarded.get("/api/exercises"), checked)
    check(runs, "post", await post(client, "t/echo", {"fill": {"1": "B", "2": "A"}}), checked)
    check(runs, "post", await post(client, "t/sleepers", {"choice": "A"}), checked)
    check(runs, "post", await post(client, "t/echo", "{not json"), checked)
    check(runs, "post", await post(client, "t/echo", {"choice": "A"}), checked)
    check(runs, "post", await post(client, "t/no-such-thing", {"choice": "A"}), checked)
    check(runs, "post", await post(client, "t/concept", {"choice": "A"}), checked)
    check(runs, "post", await post(guarded, "t/echo", {"fill": {"1": "B", "2": "A"}}), checked)
    allowed = await post(
        guarded, "t/echo", {"fill": {"1": "B", "2": "A"}}, **{SECRET_HEADER: SECRET}
    )
    check(runs, "post", allowed, checked)
    other_version = await post(
        client, "t/echo", {"fill": {"1": "B", "2": "A"}}, **{"If-Match": '"another"'}
    )
    check(runs, "post", other_version, checked)
    one_a_minute = replace(tutor, config=replace(tutor.config, member_runs_per_minute=1))
    limited = client_for(replace(one_a_minute, now=ManualClock().seconds))
    for _ in range(2):
        answer = await post(
            limited, "t/echo", {"fill": {"1": "B", "2": "A"}}, **{MEMBER_HEADER: "7"}
        )
        check(runs, "post", answer, checked)
    transport = httpx.ASGITransport(app=TutorApp(tutor, manage_runner=False))
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as http:
        too_large = await http.post(
            runs.format(exercise_id="t/echo"),
            content=b" " * (MAX_BODY_BYTES + 1),
            headers={"Content-Type": "application/json"},
        )
    check(runs, "post", too_large, checked)
    check(
        runs, "post", await body_never_finished(tutor, runs.format(exercise_id="t/echo")), checked
    )

    assert checked == documented() - set(NOT_CAUSED)


async def test_the_tutor_service_page_names_the_description():
    page = (ROOT / "docs" / "tutor-service.md").read_text(encoding="utf-8")

    assert "/api/openapi.json" in page
