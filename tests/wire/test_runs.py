"""The run API's wire format round-trips, and anything that is not a report is refused."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wire.runs import ErrorReport, ResponseReport, RunReport, RunResult, WireError

text = st.text(max_size=40)
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(text, inner, max_size=3),
    max_leaves=8,
)
errors = st.builds(
    ErrorReport,
    type=text,
    message=text,
    line=st.none() | st.integers(1, 10_000),
    kinds=st.lists(text, max_size=3).map(tuple),
)
responses = st.builds(
    ResponseReport,
    status=st.integers(100, 599),
    content_type=text,
    body=st.text(max_size=200),
    truncated=st.booleans(),
)
reports = st.builds(
    RunReport,
    compiled=st.booleans(),
    error=st.none() | errors,
    warnings=st.lists(text, max_size=3).map(tuple),
    responses=st.lists(responses, max_size=3).map(tuple),
    returns=st.lists(json_values, max_size=3).map(tuple),
    elapsed=st.integers(0, 10**6).map(lambda n: n / 10**4),  # the wire keeps 4 decimals
    timed_out=st.booleans(),
    output=text,
    runner_error=st.none() | text,
)
results = st.builds(RunResult, exercise=text, answer=text, correct=st.booleans(), report=reports)


@settings(max_examples=300, deadline=None, database=None, derandomize=True)
@given(results)
def test_a_run_result_survives_the_wire(result):
    sent = json.dumps(result.to_json())
    assert RunResult.from_json(json.loads(sent)) == result


def full_result() -> dict:
    return RunResult("t/echo", "BA", True, RunReport(error=ErrorReport("E", "m", 3))).to_json()


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (lambda data: data.pop("exercise"), "'exercise' is missing"),
        (lambda data: data.pop("elapsed"), "'elapsed' is missing"),
        (lambda data: data.update(correct="yes"), "'correct' is str"),
        (lambda data: data.update(elapsed=True), "'elapsed' is bool"),
        (lambda data: data.update(responses={}), "'responses' is dict"),
        (lambda data: data.update(responses=[{"status": "200"}]), "'status' is str"),
        (lambda data: data.update(responses=[7]), "expected an object holding 'status'"),
        (lambda data: data["error"].update(line="3"), "'line' is str"),
        (lambda data: data.update(warnings=[1]), "'warnings' must hold only strings"),
    ],
)
def test_what_is_not_a_report_is_refused_naming_the_field(change, named):
    data = full_result()
    change(data)
    with pytest.raises(WireError, match=named):
        RunResult.from_json(data)


def test_the_wire_module_brings_no_django_or_http_client_into_the_bot():
    code = (
        "import sys, wire.runs, bot.practice.tutor_client; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('django', 'tutor')))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert loaded.strip() == "[]"
