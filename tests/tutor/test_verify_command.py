"""`python -m tutor verify` as content authors and `make test` run it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from exercises import SHIPPED_PACKS

ROOT = Path(__file__).resolve().parents[2]
SEED_TEMPLATES = Path(__file__).parent / "fixtures" / "seed-templates"
SHIPPED = sorted(SHIPPED_PACKS.glob("*/pack.toml"))


def verify_command(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tutor", "verify", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.mark.skipif(not SHIPPED, reason="no packs shipped yet in exercises/packs")
def test_verify_holds_on_the_shipped_packs():
    result = verify_command()
    assert result.stdout == ""
    assert result.returncode == 0, result.stderr
    assert "all hold" in result.stderr


def test_verify_rejects_the_seed_templates_naming_file_and_line():
    """The loader already refuses them (their correct fill does not parse); verify says so."""
    result = verify_command(str(SEED_TEMPLATES))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    assert "echo-query-param.toml" in lines[0]
    assert "gather-two-tasks.toml" in lines[1]
    assert all("line" in line and "not valid Python" in line for line in lines)
