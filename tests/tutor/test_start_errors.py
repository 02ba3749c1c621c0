"""`python -m tutor` stopped at start by a setting: one line naming it, exit status 2,
no argparse usage line and no traceback. Settings come from `.env` as from the environment."""

from __future__ import annotations

import socket
from pathlib import Path

from tests.processes import free_port, run_module


def test_a_port_in_use_names_the_port_the_setting_and_another_instance(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_module("tutor", cwd=tmp_path, settings={"TUTOR_PORT": str(port)})

    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"error: port {port} on 127.0.0.1 is in use (TUTOR_PORT={port}): another instance may "
        "be running; stop it or set TUTOR_PORT to a free port"
    ]


def test_a_bad_setting_in_env_file_is_one_line_without_usage(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("TUTOR_PORT=http\n")

    result = run_module("tutor", cwd=tmp_path)

    assert result.returncode == 2
    assert result.stderr.splitlines() == ["error: TUTOR_PORT='http' is not a whole number"]


def test_beyond_loopback_without_a_secret_it_does_not_start(tmp_path: Path) -> None:
    settings = {"TUTOR_HOST": "0.0.0.0", "TUTOR_PORT": str(free_port())}

    result = run_module("tutor", cwd=tmp_path, settings=settings)

    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "error: TUTOR_HOST='0.0.0.0' is reachable from other machines and TUTOR_SECRET is not "
        "set; set TUTOR_SECRET (the bot sends it too) or TUTOR_HOST=127.0.0.1"
    ]
