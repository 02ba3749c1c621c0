"""`python -m exercises check`, as content authors run it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.exercises.test_loader import EXPECTED_PROBLEMS

FIXTURES = Path(__file__).parent / "fixtures"


def run_check(*arguments: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "exercises", "check", *arguments]
    return subprocess.run(command, capture_output=True, text=True, check=False)


def test_check_prints_every_problem_and_exits_1_on_broken_files() -> None:
    result = run_check(str(FIXTURES / "broken"))

    assert result.returncode == 1
    assert len(result.stdout.splitlines()) == len(EXPECTED_PROBLEMS) == 18
    assert "wrong-type.toml: title: must be text, not an integer" in result.stdout
    assert "first-hint-names-answer.toml: hints[0]: contains 'JsonResponse'" in result.stdout
    assert "18 problems found" in result.stderr


def test_check_passes_the_shipped_packs() -> None:
    result = run_check()

    assert result.returncode == 0, result.stdout
    assert result.stdout.rstrip().splitlines()[-1].startswith("OK: ")


def test_check_names_a_missing_folder(tmp_path: Path) -> None:
    result = run_check(str(tmp_path / "nowhere"))

    assert result.returncode == 1
    assert "is not a folder of exercise packs" in result.stdout
