"""The JSON API through Django's AsyncClient: health, exercises, runs, and every bad input."""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace

import pytest
from django.test import AsyncClient
from prometheus_client.parser import text_string_to_metric_families

from config import Secret
from tutor.service import SCOPE_KEY, Tutor
from wire.runs import MEMBER_HEADER, SECRET_HEADER

pytestmark = pytest.mark.asyncio(loop_scope="module")
RUNS = "/api/exercises/{}/runs"


class TutorClient(AsyncClient):
    """Django's AsyncClient, putting the Tutor in each scope as the service's ASGI app does."""

    def __init__(self, tutor: Tutor) -> None:
        super().__init__()
        self.tutor = tutor

    async def request(self, **request):
        return await super().request(**request, **{SCOPE_KEY: self.tutor})


def client_for(tutor: Tutor) -> AsyncClient:
    return TutorClient(tutor)


@pytest.fixture
def client(tutor):
    return client_for(tutor)


async def post(client: AsyncClient, exercise_id: str, body: object, **extra):
    raw = body if isinstance(body, str | bytes) else json.dumps(body)
    return await client.post(
        RUNS.format(exercise_id), raw, content_type="application/json", **extra
    )


async def test_health(client, tutor):
    response = await client.get("/api/health")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "exercises": len(tutor.exercises),
        "runs": {"running": 0, "capacity": tutor.runner.max_concurrent},
        "run_timeout": tutor.runner.timeout,
    }


def run_counts(text: str) -> dict[str, float]:
    return {
        sample.labels.get("outcome", sample.name): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name in ("tutor_service_runs_total", "tutor_service_run_seconds_count")
    }


async def test_metrics_beside_health_count_runs_and_their_time(client):
    before = run_counts((await client.get("/api/metrics")).content.decode())
    assert (await post(client, "t/echo", {"fill": {"1": "B", "2": "A"}})).status_code == 200
    assert (await post(client, "t/echo", {"fill": {"1": "Z"}})).status_code == 400
    response = await client.get("/api/metrics")
    after = run_counts(response.content.decode())
    assert response["Content-Type"].startswith("text/plain")
    moved = {name: after[name] - before[name] for name in after}
    assert moved == {
        "ran": 1,
        "refused": 1,
        "limited": 0,
        "unavailable": 0,
        "tutor_service_run_seconds_count": 1,
    }


async def test_the_exercises_are_listed(client):
    response = await client.get("/api/exercises")
    assert response.status_code == 200
    listed = {item["id"]: item for item in response.json()["exercises"]}
    assert listed["t/echo"] == {
        "id": "t/echo",
        "pack": "t",
        "kind": "fill-in-the-blank",
        "difficulty": "easy",
        "title": "echo",
        "letters": "ABC",
        "blanks": 2,
        "runnable": True,
    }
    assert listed["t/concept"]["runnable"] is False


async def test_a_fill_runs_and_reports(client):
    response = await post(client, "t/echo", {"fill": {"1": "B", "2": "A"}})
    assert response.status_code == 200
    report = response.json()
    assert report["exercise"] == "t/echo"
    assert report["answer"] == "BA"
    assert report["correct"] is True
    assert report["compiled"] is True
    assert report["error"] is None
    assert report["timed_out"] is False
    assert report["responses"] == [
        {
            "status": 200,
            "content_type": "application/json",
            "body": '{"echo": "hello"}',
            "truncated": False,
            "headers": [["content-type", "application/json"]],
            "pieces": [],
        }
    ]
    assert report["elapsed"] >= 0  # bounded by the run timeout: timed_out is False


async def test_a_wrong_fill_reports_the_error_and_its_line(client):
    report = (await post(client, "t/json", {"fill": {"1": "B"}})).json()
    assert report["correct"] is False
    assert report["error"]["type"] == "NameError"
    assert report["error"]["line"] == 5
    assert report["responses"][0]["status"] == 500


async def test_a_choice_runs_that_options_code(client):
    report = (await post(client, "t/gather", {"choice": "B"})).json()
    assert report["answer"] == "B"
    assert report["returns"] == [[[2, "two"]]]
    assert any("was never awaited" in warning for warning in report["warnings"])


async def test_a_run_past_its_timeout_reports_it(quick_to_time_out):
    report = (await post(client_for(quick_to_time_out), "t/sleepers", {"choice": "C"})).json()
    assert report["timed_out"] is True
    assert report["elapsed"] == quick_to_time_out.runner.timeout


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("not json", "must be JSON"),
        (b"\xff\xfe", "must be JSON"),
        ([], "JSON object"),
        ("null", "JSON object"),
        ({}, "exactly one key"),
        ({"fill": {"1": "B", "2": "A"}, "choice": "A"}, "exactly one key"),
        ({"letters": "BA"}, "exactly one key"),
        ({"choice": "A"}, "is fill-in-the-blank"),
        ({"fill": "BA"}, "must be an object"),
        ({"fill": ["B", "A"]}, "must be an object"),
        ({"fill": {"1": "B"}}, "no letter for blank 2"),
        ({"fill": {"1": "B", "2": "A", "3": "A"}}, "not '3'"),
        ({"fill": {"0": "B", "1": "B", "2": "A"}}, "not '0'"),
        ({"fill": {"1": "B", "2": "D"}}, "blank 2: 'D' is not one of the letters A, B, C"),
        ({"fill": {"1": "b", "2": "A"}}, "blank 1: 'b' is not"),
        ({"fill": {"1": "", "2": "A"}}, "blank 1: '' is not"),
        ({"fill": {"1": "AB", "2": "A"}}, "blank 1: 'AB' is not"),
        ({"fill": {"1": 1, "2": "A"}}, "blank 1: 1 is not"),
        ({"fill": {"1": None, "2": "A"}}, "blank 1: None is not"),
        ({"fill": {"1": "__import__('os')", "2": "A"}}, "is not one of the letters"),
    ],
)
async def test_bad_bodies_for_a_fill_are_400_with_a_message(client, body, message):
    response = await post(client, "t/echo", body)
    assert response.status_code == 400
    assert message in response.json()["error"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"fill": {"1": "A"}}, "is multiple-choice"),
        ({"choice": "E"}, "choice: 'E' is not one of the letters A, B"),
        ({"choice": ["A"]}, "choice: ['A'] is not"),
        ({"choice": {"1": "A"}}, "is not one of the letters"),
    ],
)
async def test_bad_bodies_for_a_choice_are_400_with_a_message(client, body, message):
    response = await post(client, "t/gather", body)
    assert response.status_code == 400
    assert message in response.json()["error"]


async def test_an_unknown_exercise_is_404(client):
    response = await post(client, "t/nope", {"choice": "A"})
    assert response.status_code == 404
    assert response.json() == {"error": "no such exercise"}


async def test_an_exercise_with_nothing_to_run_is_409(client):
    response = await post(client, "t/concept", {"choice": "A"})
    assert response.status_code == 409
    assert "no example to run" in response.json()["error"]


async def test_a_body_too_large_is_400(client):
    response = await post(client, "t/echo", {"fill": {"1": "B", "2": "A"}, "pad": "x" * 20_000})
    assert response.status_code == 400
    assert response.json() == {"error": "bad request"}


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", RUNS.format("t/echo")),
        ("put", RUNS.format("t/echo")),
        ("post", "/api/health"),
        ("delete", "/api/exercises"),
    ],
)
async def test_other_methods_are_405(client, method, path):
    response = await getattr(client, method)(path)
    assert response.status_code == 405
    assert "error" in response.json()


async def test_unknown_paths_are_json_404s(client):
    response = await client.get("/api/nothing-here")
    assert response.status_code == 404
    assert response.json() == {"error": "not found"}


async def test_a_host_not_allowed_is_refused(client):
    response = await client.get("/api/health", headers={"host": "evil.example"})
    assert response.status_code == 400


async def test_the_shared_secret_guards_the_api_but_not_health_or_the_example_api(tutor):
    guarded = client_for(replace(tutor, config=replace(tutor.config, secret=Secret("s3cret"))))
    assert (await guarded.get("/api/exercises")).status_code == 401
    wrong = await guarded.get("/api/exercises", headers={SECRET_HEADER: "guess"})
    assert wrong.status_code == 401
    assert wrong.json() == {"error": f"missing or wrong {SECRET_HEADER}"}
    assert (await post(guarded, "t/echo", {"fill": {"1": "B", "2": "A"}})).status_code == 401
    right = await post(
        guarded, "t/echo", {"fill": {"1": "B", "2": "A"}}, headers={SECRET_HEADER: "s3cret"}
    )
    assert right.status_code == 200
    assert (await guarded.get("/api/health")).status_code == 200
    assert (await guarded.get("/example-api/quotes/1")).status_code == 200


async def test_a_blocking_run_stalls_neither_other_runs_nor_health(client, tutor):
    """C blocks its event loop (time.sleep(30) in an async view) until it is killed."""
    blocked = asyncio.create_task(post(client, "t/sleepers", {"choice": "C"}))
    for _ in range(5):
        assert (await client.get("/api/health")).status_code == 200
    assert not blocked.done()  # health answered five times while the blocked run still ran
    runs = await asyncio.gather(*(post(client, "t/sleepers", {"choice": "A"}) for _ in range(5)))
    assert all(run.json()["error"] is None for run in runs)
    assert not blocked.done()  # the five 0.5 s runs did not wait for the blocked one
    assert (await blocked).json()["timed_out"] is True


def with_version(tutor: Tutor, content_hash: str) -> Tutor:
    echo = replace(tutor.exercises["t/echo"], content_hash=content_hash)
    return replace(tutor, exercises={**tutor.exercises, "t/echo": echo})


@pytest.mark.parametrize(
    ("if_match", "status"),
    [
        (None, 200),  # no precondition asked
        ('"v2"', 200),
        ('"v1", "v2"', 200),
        ("*", 200),
        ('"v1"', 412),
        ("v2", 412),  # an entity tag is quoted
        ('""', 412),
    ],
)
async def test_a_run_of_another_version_of_the_exercise_is_412(tutor, if_match, status):
    """The bot sends the content hash of the post's exercise; 409 stays "not runnable"."""
    client = client_for(with_version(tutor, "v2"))
    headers = {"If-Match": if_match} if if_match is not None else {}
    response = await post(client, "t/echo", {"fill": {"1": "B", "2": "A"}}, headers=headers)
    assert response.status_code == status
    if status == 412:
        assert response.json() == {"error": "t/echo has changed: this service runs version v2"}


@pytest.mark.parametrize("member", ["", "x" * 65, "caf\u00e9"])
async def test_a_member_name_that_is_not_one_is_400(client, member):
    response = await post(
        client, "t/echo", {"fill": {"1": "B", "2": "A"}}, headers={MEMBER_HEADER: member}
    )
    assert response.status_code == 400
    assert MEMBER_HEADER in response.json()["error"]
