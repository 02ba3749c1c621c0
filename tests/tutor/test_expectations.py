"""Checking a run against an expectation, and telling two runs apart, without running anything."""

from __future__ import annotations

import pytest

from exercises.model import Expectation
from tutor.expectations import names_the_outcome, summary, unmet, visibly_differ
from wire.runs import ErrorReport, ResponseReport, RunReport


def view(status=200, body='{"a": 1}', content_type="application/json", elapsed=0.01, **more):
    response = ResponseReport(status, content_type, body)
    return RunReport(responses=(response,), elapsed=elapsed, **more)


def raised(name="TypeError", message="bad", line=3, kinds=("TypeError", "Exception")):
    return RunReport(error=ErrorReport(name, message, line, kinds))


@pytest.mark.parametrize(
    ("expect", "report"),
    [
        (Expectation(status=200, json={"a": 1}), view()),
        (Expectation(status=200, content_type="application/json", body='{"a": 1}'), view()),
        (Expectation(body_contains='"a"'), view()),
        (Expectation(raises="TypeError", message_contains="ba"), raised()),
        (Expectation(raises="Exception"), raised()),
        (Expectation(returns=[1, "x"]), RunReport(returns=([1, "x"], [1, "x"]))),
        (Expectation(warning_contains="never awaited"), view(warnings=("f was never awaited",))),
        (Expectation(min_seconds=1.0, max_seconds=1.5), view(elapsed=0.995)),
    ],
)  # fmt: skip
def test_what_holds(expect, report):
    assert unmet(expect, report) == []


@pytest.mark.parametrize(
    ("expect", "report", "message"),
    [
        (Expectation(status=200, json={"a": 2}), view(), 'expected json {"a": 2}, got 200'),
        (Expectation(status=201, body="x"), view(), "expected status 201"),
        (Expectation(content_type="text/html"), view(), 'expected content_type "text/html"'),
        (Expectation(json={"a": 1}), RunReport(returns=(1,)), "expected a response (json)"),
        (Expectation(body="x"), view(body="x" * 10), "expected body"),
        (Expectation(raises="KeyError"), raised(), "expected KeyError, got TypeError at line 3"),
        (Expectation(raises="TypeError"), view(), "expected TypeError, got 200"),
        (Expectation(status=200, json={"a": 1}), raised(), "expected no error, got TypeError"),
        (Expectation(message_contains="good"), raised(), "containing 'good'"),
        (Expectation(warning_contains="awaited"), view(), "got none"),
        (Expectation(returns=[1]), RunReport(returns=([1], [2])), "expected it to return [1]"),
        (Expectation(min_seconds=1.0), view(elapsed=0.9), "at least 1 s, took 0.90 s"),
        (Expectation(max_seconds=1.5), view(elapsed=1.6), "at most 1.5 s, took 1.60 s"),
        (Expectation(max_seconds=9), RunReport(timed_out=True, elapsed=8), "timed out"),
        (Expectation(raises="TypeError"), RunReport(runner_error="gone"), "could not run: gone"),
    ],
)  # fmt: skip
def test_what_does_not_hold_is_named(expect, report, message):
    problems = unmet(expect, report)
    assert problems
    if message:
        assert any(message in problem for problem in problems), problems


def test_a_truncated_body_cannot_prove_an_equality():
    report = RunReport(responses=(ResponseReport(200, "text/plain", "abc", truncated=True),))
    assert unmet(Expectation(body="abc"), report)
    assert unmet(Expectation(body_contains="abc"), report)


@pytest.mark.parametrize(
    ("expect", "is_view", "named"),
    [
        (Expectation(status=200), True, False),
        (Expectation(status=200, json={}), True, True),
        (Expectation(json={"a": 1}), True, False),
        (Expectation(status=200, body_contains="x"), True, True),
        (Expectation(raises="TypeError"), True, True),
        (Expectation(returns=3), False, True),
        (Expectation(min_seconds=1), False, False),
    ],
)
def test_the_correct_version_must_name_its_outcome(expect, is_view, named):
    assert names_the_outcome(expect, view=is_view) is named


@pytest.mark.parametrize(
    ("one", "other", "differ"),
    [
        (view(), view(), False),
        (view(), view(elapsed=0.2), False),  # a small gap is noise
        (view(elapsed=1.0), view(elapsed=1.3), False),  # under the ratio
        (view(elapsed=1.0), view(elapsed=2.0), True),
        (view(), view(status=201), True),
        (view(), view(body="{}"), True),
        (view(), view(content_type="text/html"), True),
        (view(), view(warnings=("RuntimeWarning: x",)), True),
        (view(), raised(), True),
        (raised(), raised(message="other"), True),
        (raised(), raised(), False),
        (RunReport(returns=(1,)), RunReport(returns=(2,)), True),
        (view(), RunReport(timed_out=True, elapsed=8), True),
        (view(), RunReport(compiled=False, error=ErrorReport("SyntaxError", "x", 1)), True),
    ],
)
def test_what_a_learner_would_see_as_different(one, other, differ):
    assert visibly_differ(one, other) is differ
    assert visibly_differ(other, one) is differ


def test_summaries_read_well():
    assert summary(view()) == '200 application/json {"a": 1} in 0.01 s'
    assert summary(raised()) == "TypeError at line 3: bad"
    assert summary(RunReport(timed_out=True, elapsed=8)) == "timed out after 8.0 s"
    assert summary(RunReport(returns=([1],), elapsed=1)) == "returned [[1]] in 1.00 s"


def test_an_upper_bound_counts_only_the_time_above_the_machines_overhead():
    loaded = view(elapsed=1.46)  # a 0.5 s lesson on a machine where doing nothing took 0.4 s
    expect = Expectation(max_seconds=1.2)

    assert unmet(expect, loaded, overhead=0.4) == []
    (problem,) = unmet(expect, loaded, overhead=0.1)
    assert "at most 1.2 s, took 1.46 s (0.10 s of it the machine's own" in problem


def test_a_lower_bound_is_never_eased_by_overhead():
    assert unmet(Expectation(min_seconds=1.0), view(elapsed=0.9), overhead=0.5)


def test_two_times_are_compared_above_the_machines_overhead():
    gathered, one_after_another = view(elapsed=1.7), view(elapsed=2.54)  # 1 s and 2 s, loaded

    assert not visibly_differ(gathered, one_after_another)  # 1.49 times: hidden by the load
    assert visibly_differ(gathered, one_after_another, overhead=0.7)
    assert visibly_differ(one_after_another, gathered, overhead=0.7)  # in either order
    assert not visibly_differ(view(elapsed=1.0), view(elapsed=1.1), overhead=0.7)
