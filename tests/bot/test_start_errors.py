"""`python -m bot` and `python -m bot sync` stopped at start: one line naming what to fix,
exit status 2, no traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.processes import closed_port, run_module


def unreachable_discord(tmp_path: Path) -> tuple[dict[str, str], str]:
    api_base = f"http://127.0.0.1:{closed_port()}/api/v10"
    settings = {
        "DISCORD_TOKEN": "a-token",
        "DISCORD_API_BASE": api_base,
        "TUTOR_URL": f"http://127.0.0.1:{closed_port()}",
        "DATABASE_PATH": str(tmp_path / "tutor.sqlite3"),
    }
    return settings, api_base


@pytest.mark.parametrize("command", [("bot",), ("bot", "sync", "--guild", "1")])
def test_an_unreachable_discord_is_one_line_naming_its_address(
    tmp_path: Path, command: tuple[str, ...]
) -> None:
    settings, api_base = unreachable_discord(tmp_path)

    result = run_module(*command, cwd=tmp_path, settings=settings)

    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert errors == [
        f"error: could not reach Discord at {api_base} (Connect call failed "
        f"('127.0.0.1', {api_base.split(':')[2].split('/')[0]})); check the network, "
        "or DISCORD_API_BASE if it is set"
    ]
    assert result.stderr.rstrip().endswith("or DISCORD_API_BASE if it is set")


def test_a_database_path_that_is_a_folder_is_named(tmp_path: Path) -> None:
    settings = {"DISCORD_TOKEN": "a-token", "DATABASE_PATH": str(tmp_path)}

    result = run_module("bot", cwd=tmp_path, settings=settings)

    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"error: cannot use the database at {tmp_path}: it is a folder, not a file. "
        f"Point the bot at a file, e.g. {tmp_path / 'tutor.sqlite3'} (DATABASE_PATH)"
    ]


def test_a_bad_setting_in_env_file_is_named(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("DISCORD_TOKEN=a-token\nCOUNTER_EDIT_SECONDS=soon\n")

    result = run_module("bot", cwd=tmp_path)

    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "error: COUNTER_EDIT_SECONDS='soon' must be a number of seconds, e.g. 5"
    ]
