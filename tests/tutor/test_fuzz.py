"""Fuzz the JSON API with Hypothesis: whatever arrives, no 500 and no hang.

Several hundred requests against the real ASGI app (the body limit in front of Django
included) with the module's real runner: arbitrary JSON, near-misses of the right shape, raw
bytes, deep nesting, odd ids and odd headers. The examples that sleep or call out are left
out of the draw so the whole stays within a bounded time; a request taking longer than a run
may take fails the test as a hang.
"""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.tutor.examples import BY_ID
from tutor.asgi import TutorApp
from tutor.settings import MAX_BODY_BYTES
from wire.runs import MEMBER_HEADER

pytestmark = pytest.mark.asyncio(loop_scope="module")
EXPECTED = {200, 400, 404, 405, 409, 412, 413, 429, 431}
QUICK = sorted(set(BY_ID) - {"t/sleepers", "t/calls"})
"""Exercises whose runs take milliseconds: the fuzz is about the API, not slow examples."""

text = st.text(max_size=12)
letters = st.sampled_from(["A", "B", "C", "D", "", "a", "AB", "\u0410"]) | text
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(text, inner, max_size=4),
    max_leaves=12,
)
shaped = st.one_of(
    st.fixed_dictionaries({"choice": letters | json_values}),
    st.fixed_dictionaries(
        {"fill": st.dictionaries(st.sampled_from(["1", "2", "3", "0", "x"]) | text, letters)}
    ),
    st.fixed_dictionaries({"fill": json_values, "choice": json_values}),
)


def deep(depth: int, wrapper: str, opener: bytes) -> bytes:
    """JSON nested `depth` deep (past the interpreter's recursion limit from ~1000)."""
    closer = {b"[": b"]", b'{"a":': b"}", b'{"1":': b"}"}[opener]
    nested = opener * depth + b"0" * (opener != b"[") + closer * depth
    return wrapper.encode() % nested


deep_json = st.builds(
    deep,
    st.integers(1, 60) | st.integers(900, 2_000),
    st.sampled_from(['{"choice": %s}', '{"fill": %s}', '{"fill": {"1": %s}}', "%s"]),
    st.sampled_from([b"[", b'{"a":', b'{"1":']),
)


bodies = st.one_of(
    shaped.map(lambda value: json.dumps(value).encode()),
    json_values.map(lambda value: json.dumps(value).encode()),
    st.binary(max_size=64),
    deep_json,
    st.integers(MAX_BODY_BYTES - 64, MAX_BODY_BYTES + 64).map(lambda size: b" " * size),
)
exercise_ids = st.sampled_from([*QUICK, "t/nope", "t", "t/echo/", "%2e%2e/x"]) | st.from_regex(
    r"[a-z/.%-]{0,20}", fullmatch=True
)
header_text = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=80)
headers = st.fixed_dictionaries(
    {},
    optional={
        MEMBER_HEADER: header_text,
        "If-Match": st.sampled_from(['"x"', "*", '""', 'W/"x"']) | header_text,
        "Content-Type": st.sampled_from(["application/json", "text/plain"]) | header_text,
    },
)
methods = st.sampled_from(["POST", "POST", "POST", "GET", "PUT"])


@pytest.fixture(scope="module")
def app(tutor):
    return TutorApp(tutor, manage_runner=False)


@settings(
    max_examples=400,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(method=methods, exercise_id=exercise_ids, body=bodies, sent_headers=headers)
async def test_the_runs_endpoint_never_fails_or_hangs(
    app, tutor, method, exercise_id, body, sent_headers
):
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=True)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as http:
        async with asyncio.timeout(tutor.runner.timeout + 5):  # longer is a hang
            response = await http.request(
                method, f"/api/exercises/{exercise_id}/runs", content=body, headers=sent_headers
            )
    assert response.status_code in EXPECTED, response.text
    assert isinstance(response.json(), dict)
