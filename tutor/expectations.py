"""Does a run report show what an exercise file says it should, and do two runs visibly differ?

Pure functions on reports. Timings are compared with margins meant to hold on a loaded
2-core machine: a small slack below `min_seconds`, none above `max_seconds` (authors give at
least 1.5 times the expected time), and "differs in time" only at a clear ratio.
"""

from __future__ import annotations

import json
from typing import Any

from exercises.model import Expectation
from wire.runs import RunReport

MIN_SLACK = 0.01
"""A run may measure this fraction under `min_seconds` (clock granularity), not more."""
TIME_RATIO = 1.5
"""Two runs differ in time when the slower took at least this many times as long..."""
TIME_GAP = 0.25
"""...and at least this many seconds longer, so scheduler noise on short runs never counts."""
MAX_SECONDS_MARGIN = 1.5


def summary(report: RunReport) -> str:
    """A one-line account of a run, for problem messages and logs."""
    if report.runner_error is not None:
        return f"runner error: {report.runner_error}"
    if report.timed_out:
        return f"timed out after {report.elapsed:.1f} s"
    error = report.error
    if error is not None:
        where = f" at line {error.line}" if error.line is not None else ""
        return f"{error.type}{where}: {error.message}"[:300]
    if report.responses:
        first = report.responses[0]
        body = first.body if len(first.body) <= 80 else first.body[:77] + "..."
        shown = f"{first.status} {first.content_type} {body}"
        return f"{shown} in {report.elapsed:.2f} s"
    return f"returned {json.dumps(list(report.returns))[:120]} in {report.elapsed:.2f} s"


def unmet(expect: Expectation, report: RunReport, *, overhead: float = 0.0) -> list[str]:
    """Each part of the expectation that the run did not show; empty when all of it holds.

    `overhead`: seconds that a run awaiting nothing took beside this one, on the same machine
    at the same moment; `max_seconds` bounds the time above it, so load is not taken for a
    slow example. `min_seconds` is never eased: load only makes runs longer."""
    if report.runner_error is not None:
        return [f"could not run: {report.runner_error}"]
    got = summary(report)
    problems: list[str] = []
    error = report.error
    if expect.raises is not None:
        if error is None or not error.is_a(expect.raises):
            problems.append(f"expected {expect.raises}, got {got}")
    elif error is not None or report.timed_out:
        problems.append(f"expected no error, got {got}")
    if expect.message_contains is not None and (
        error is None or expect.message_contains not in error.message
    ):
        problems.append(f"expected a message containing {expect.message_contains!r}, got {got}")
    if expect.warning_contains is not None and not any(
        expect.warning_contains in warning for warning in report.warnings
    ):
        shown = "; ".join(report.warnings) or "none"
        problems.append(f"expected a warning containing {expect.warning_contains!r}, got {shown}")
    problems += _unmet_response(expect, report, got)
    if expect.returns is not None and (
        not report.returns or any(value != expect.returns for value in report.returns)
    ):
        problems.append(f"expected it to return {json.dumps(expect.returns)}, got {got}")
    problems += _unmet_time(expect, report, overhead)
    return problems


def _unmet_response(expect: Expectation, report: RunReport, got: str) -> list[str]:
    checks: list[tuple[str, Any]] = [
        (name, getattr(expect, name))
        for name in ("status", "content_type", "json", "body", "body_contains")
        if getattr(expect, name) is not None
    ]
    if not checks:
        return []
    if not report.responses:
        return [f"expected a response ({', '.join(name for name, _ in checks)}), got {got}"]
    problems = []
    for name, wanted in checks:
        if not all(_holds(name, wanted, response) for response in report.responses):
            problems.append(f"expected {name} {json.dumps(wanted)}, got {got}")
    return problems


def _holds(name: str, wanted: Any, response: Any) -> bool:
    if name == "status":
        return bool(response.status == wanted)
    if name == "content_type":
        return bool(response.content_type.startswith(wanted))
    if response.truncated:
        return False
    if name == "body":
        return bool(response.body == wanted)
    if name == "body_contains":
        return wanted in response.body
    try:
        return bool(json.loads(response.body) == wanted)
    except ValueError:
        return False


def _unmet_time(expect: Expectation, report: RunReport, overhead: float) -> list[str]:
    problems = []
    if expect.min_seconds is not None and report.elapsed < expect.min_seconds * (1 - MIN_SLACK):
        problems.append(f"expected at least {expect.min_seconds:g} s, took {report.elapsed:.2f} s")
    high = expect.max_seconds
    if high is not None and (report.timed_out or report.elapsed - overhead > high):
        beside = f" ({overhead:.2f} s of it the machine's own, by a run awaiting nothing)"
        problems.append(
            f"expected at most {high:g} s, took {report.elapsed:.2f} s{beside if overhead else ''}"
        )
    return problems


def timing_margin_problem(expect: Expectation) -> str | None:
    """An upper bound too close to the lower one fails on a loaded machine."""
    low, high = expect.min_seconds, expect.max_seconds
    if low is not None and high is not None and high < low * MAX_SECONDS_MARGIN:
        return f"max_seconds {high:g} is under {MAX_SECONDS_MARGIN} times min_seconds {low:g}"
    return None


def names_the_outcome(expect: Expectation, *, view: bool) -> bool:
    """The correct version's expectation must say what comes back, not a bare status."""
    if expect.raises is not None:
        return True
    if view:
        said = (expect.json, expect.body, expect.body_contains)
        return expect.status is not None and any(value is not None for value in said)
    return expect.returns is not None


def visibly_differ(one: RunReport, other: RunReport, *, overhead: float = 0.0) -> bool:
    """Would a learner see a difference: an error, a status or body, a value, a warning, a time?

    Times are compared above `overhead`, the time a run awaiting nothing took beside them
    (see `unmet`): load adds to both runs alike, and would hide a 2-to-1 ratio."""
    if (one.compiled, one.timed_out, one.runner_error) != (
        other.compiled,
        other.timed_out,
        other.runner_error,
    ):
        return True
    if _error_key(one) != _error_key(other):
        return True
    if [r.to_json() for r in one.responses] != [r.to_json() for r in other.responses]:
        return True
    if one.returns != other.returns or set(one.warnings) != set(other.warnings):
        return True
    slow, fast = sorted((max(0.0, run.elapsed - overhead) for run in (one, other)), reverse=True)
    return slow - fast >= TIME_GAP and slow >= fast * TIME_RATIO


def _error_key(report: RunReport) -> tuple[str, str] | None:
    return (report.error.type, report.error.message) if report.error else None
