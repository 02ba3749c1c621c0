"""Under CI=true a skip fails the run, unless the test says why it is not a missing tool."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[1]
PROBE = """
import pytest

def test_needs_a_tool():
    pytest.skip("the frobnicator is not installed")

@pytest.mark.skip_is_fine_in_ci("a property of the machine")
def test_fine_to_skip():
    pytest.skip("running as root")

@pytest.mark.xfail(reason="a known bug", strict=True)
def test_expected_failure():
    raise AssertionError
"""


def run_probe(tmp_path: Path, *, ci: bool) -> subprocess.CompletedProcess[str]:
    probe = tmp_path / "test_probe.py"
    probe.write_text(PROBE)
    environment = {k: v for k, v in os.environ.items() if k != "CI"}
    if ci:
        environment["CI"] = "true"
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "tests.conftest", "-n0", "-q", "-rA", str(probe)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=environment,
        check=False,
    )


def test_under_ci_a_skip_for_a_missing_tool_fails(tmp_path: Path) -> None:
    ran = run_probe(tmp_path, ci=True)

    assert ran.returncode == 1
    assert "FAILED" in ran.stdout
    assert "skipped under CI=true, where nothing may be missing" in ran.stdout
    assert "the frobnicator is not installed" in ran.stdout
    assert "1 failed, 1 skipped, 1 xfailed" in ran.stdout


def test_elsewhere_it_only_skips(tmp_path: Path) -> None:
    ran = run_probe(tmp_path, ci=False)

    assert ran.returncode == 0
    assert "2 skipped, 1 xfailed" in ran.stdout
