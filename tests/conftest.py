"""Test plugins shared across the test folders, and the rule that CI never skips.

Under CI=true a skipped test fails the run: a missing tool or service there is a defect of
`.ci/run`, which installs or starts what the tests need. A skip that has nothing to do with a
missing tool (a property of the machine, such as running as root) is marked
`@pytest.mark.skip_is_fine_in_ci("why")`.
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
