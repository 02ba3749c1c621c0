"""Running `python -m ...` as a user would: in a folder of its own, with only the settings
the test gives (the test's own environment minus every registered setting)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

from config import BY_NAME


def clean_environment(settings: Mapping[str, str] = {}) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in BY_NAME}
    return {**env, **settings}


def run_module(
    *module: str,
    cwd: Path,
    settings: Mapping[str, str] = {},
    timeout: float = 60,
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *module],
        cwd=cwd,
        env=clean_environment(settings),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def closed_port() -> int:
    """A loopback port nothing listens on (bound and released: connections are refused)."""
    return free_port()
