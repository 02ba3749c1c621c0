"""`python -m exercises check`, as content authors run it."""

from __future__ import annotations

import os
import re
import shutil
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
    assert len(result.stdout.splitlines()) == len(EXPECTED_PROBLEMS) == 20
    assert "wrong-type.toml: title: must be text, not an integer" in result.stdout
    assert "first-hint-names-answer.toml: hints[0]: contains 'JsonResponse'" in result.stdout
    assert "20 problems found" in result.stderr


def test_check_passes_the_shipped_packs() -> None:
    result = run_check()

    assert result.returncode == 0, result.stdout
    assert result.stdout.rstrip().splitlines()[-1].startswith("OK: ")


def test_check_names_a_missing_folder(tmp_path: Path) -> None:
    result = run_check(str(tmp_path / "nowhere"))

    assert result.returncode == 1
    assert "is not a folder of exercise packs" in result.stdout


def test_without_a_path_it_checks_exercises_path_from_env_file(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(f"EXERCISES_PATH={FIXTURES / 'broken'}\n")
    env = {key: value for key, value in os.environ.items() if key != "EXERCISES_PATH"}
    command = [sys.executable, "-m", "exercises", "check"]

    result = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path, env=env)

    assert result.returncode == 1
    assert "20 problems found" in result.stderr
    assert f"checking {FIXTURES / 'broken'}" in result.stderr


def test_a_bad_exercises_path_is_one_line(tmp_path: Path) -> None:
    env = {**os.environ, "EXERCISES_PATH": str(tmp_path / "nowhere")}
    command = [sys.executable, "-m", "exercises", "check"]

    result = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path, env=env)

    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"error: EXERCISES_PATH={str(tmp_path / 'nowhere')!r} is not a folder; "
        "point it at a folder of packs"
    ]


def test_a_misspelt_field_is_one_line_naming_the_field_meant(tmp_path: Path) -> None:
    pack = tmp_path / "demo"
    shutil.copytree(FIXTURES / "good" / "demo", pack)
    exercise = pack / "define-async-view.toml"
    exercise.write_text(exercise.read_text().replace("difficulty =", "dificulty ="))

    result = run_check(str(tmp_path))

    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"{exercise}: dificulty: is not a known field: did you mean difficulty?"
    ]  # and not "difficulty: is missing" beside it: one fault, one line
    assert result.stderr.splitlines()[-1] == "1 problem found"
    assert "Traceback" not in result.stderr


def test_the_authors_guide_gives_commands_that_work_as_written() -> None:
    """`python -m tutor verify` failed outside the venv; the guide names make targets, which
    set up .venv first."""
    root = Path(__file__).parents[2]
    guide = (root / "exercises" / "README.md").read_text(encoding="utf-8")
    targets = set(re.findall(r"^([a-z-]+):", (root / "Makefile").read_text(), re.MULTILINE))

    named = set(re.findall(r"`make ([a-z-]+)", guide))
    assert {"check-packs", "verify", "preview"} <= named <= targets
    assert not re.search(r"`python -m", guide)  # only inside .venv: `.venv/bin/python -m`
