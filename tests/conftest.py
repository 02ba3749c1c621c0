"""Test plugins shared across the test folders, and the rule that CI never skips.

Under CI=true a skipped test fails the run: a missing tool or service there is a defect of
`.ci/run`, which installs or starts what the tests need. A skip that has nothing to do with a
missing tool (a property of the machine, such as running as root) is marked
`@pytest.mark.skip_is_fine_in_ci("why")`.

Tests marked `postgres` need a PostgreSQL server (tests/postgres.py). Where none answers and
CI is not true, they are left out (deselected), with one line saying how to enable them.
"""

from __future__ import annotations

import os
from collections.abc import Generator

import pytest

pytest_plugins = ["tests.loopback_fixtures"]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "skip_is_fine_in_ci(why): this test may skip under CI=true too; why it is no missing tool",
    )
    config.addinivalue_line(
        "markers", "postgres: needs the PostgreSQL server of TUTOR_TEST_POSTGRES_URL"
    )
    config.addinivalue_line(
        "markers", "loopback_shards(n): the `loopback` fixture's Discord requires n shards"
    )


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int | None:
    """What `-n auto` (pyproject's addopts) means here: three workers for every two cores.

    About a third of a worker's time is spent waiting, not computing: for processes it
    started (bots, the tutor service, the launcher), for example runs that sleep, for a
    browser. A third worker on two cores runs its tests in those waits (the suite took
    ~113 s instead of ~133 s on a loaded 2-core machine; a fourth gained nothing more).
    PYTEST_XDIST_AUTO_NUM_WORKERS, or `-n N`, still says otherwise."""
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return None  # pytest-xdist reads it
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return cores + (cores + 1) // 2


_NO_POSTGRES = pytest.StashKey[str]()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Without PostgreSQL (and outside CI), leave its tests out and say so once."""
    if os.environ.get("CI") == "true":
        return  # they run, and fail for a missing server like any skip does
    needing = [item for item in items if item.get_closest_marker("postgres") is not None]
    if not needing:
        return
    from tests.postgres import why_not_enabled

    why = why_not_enabled()
    if why is None:
        return
    config.stash[_NO_POSTGRES] = f"{len(needing)} PostgreSQL tests not run: {why}"
    config.hook.pytest_deselected(items=needing)
    items[:] = [item for item in items if item.get_closest_marker("postgres") is None]


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    line = terminalreporter.config.stash.get(_NO_POSTGRES, None)
    if line is not None:
        terminalreporter.write_line(line, yellow=True)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    if (
        os.environ.get("CI") == "true"
        and report.skipped
        and not hasattr(report, "wasxfail")
        and item.get_closest_marker("skip_is_fine_in_ci") is None
    ):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"skipped under CI=true, where nothing may be missing: {reason}"
    return report
