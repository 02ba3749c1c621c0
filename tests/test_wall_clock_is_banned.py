"""Nothing reads the wall clock behind the clock's back: ruff refuses it outside bot/clock.py."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]


def ruff_on(path: str, source: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "--stdin-filename", path, "-"],
        input=source,
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )


@pytest.mark.parametrize(
    "read",
    [
        "from datetime import UTC, datetime\n\nNOW = datetime.now(UTC)\n",
        "import datetime\n\nNOW = datetime.datetime.utcnow()\n",
        "from datetime import date\n\nTODAY = date.today()\n",
        "import time\n\nNOW = time.time()\n",
        "import discord\n\nNOW = discord.utils.utcnow()\n",
    ],
    ids=["datetime.now", "utcnow", "date.today", "time.time", "discord.utils.utcnow"],
)
@pytest.mark.parametrize("where", ["bot/new_module.py", "tutor/new_module.py", "tests/test_x.py"])
def test_a_new_wall_clock_read_is_refused(read: str, where: str) -> None:
    checked = ruff_on(where, read)

    assert checked.returncode == 1
    assert "TID251" in checked.stdout


def test_the_system_clock_may_read_it() -> None:
    source = (ROOT / "bot" / "clock.py").read_text()

    assert "datetime.now(UTC)" in source
    assert ruff_on("bot/clock.py", source).returncode == 0
