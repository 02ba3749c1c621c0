"""The testing pack's questions about pytest-asyncio cannot run in the tutor (pytest is a
development tool, not part of the service), so their claims are run here, with the pinned
pytest and pytest-asyncio, on the very code the questions show."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from exercises import load_catalog

CATALOG = load_catalog()
PACK = "testing-async-django"


def pytest_on(exercise_slug: str, tmp_path: Path, ini: str, *, prefix: str = "") -> str:
    """Run the exercise's shown code as a test module under `ini`; pytest's report."""
    code = CATALOG.get(f"{PACK}/{exercise_slug}").code
    assert code is not None
    (tmp_path / "pytest.ini").write_text("[pytest]\n" + ini)
    (tmp_path / "test_shown.py").write_text(prefix + code)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "test_shown.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return result.stdout


def test_an_unmarked_async_test_fails_in_strict_mode(tmp_path: Path) -> None:
    report = pytest_on("strict-mode-needs-marker", tmp_path, "")

    assert "async def functions are not natively supported" in report
    assert "1 failed" in report


def test_an_async_fixture_declared_with_pytest_fixture_is_an_error_in_strict_mode(
    tmp_path: Path,
) -> None:
    report = pytest_on("async-fixture-decorator", tmp_path, "")

    assert "requested an async fixture 'client', with no plugin or hook" in report
    assert "1 error" in report


def test_a_module_scoped_fixture_runs_on_another_loop_until_the_tests_share_it(
    tmp_path: Path,
) -> None:
    auto = "asyncio_mode = auto\n"
    fails = pytest_on("fixture-loop-scope", tmp_path, auto)
    fixed = 'import pytest\npytestmark = pytest.mark.asyncio(loop_scope="module")\n'
    passes = pytest_on("fixture-loop-scope", tmp_path, auto, prefix=fixed)

    assert "attached to a different loop" in fails
    assert "1 failed" in fails
    assert "1 passed" in passes
