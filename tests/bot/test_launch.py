"""`make run` without a token: the tutor service runs, the member is told how to get a token,
and SIGTERM stops everything cleanly."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

import httpx


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_without_a_token_the_tutor_runs_and_sigterm_stops_it() -> None:
    port = free_port()
    env = {key: value for key, value in os.environ.items() if key != "DISCORD_TOKEN"}
    env |= {"TUTOR_PORT": str(port)}
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.launch"],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        health = None
        deadline = time.monotonic() + 30
        while health is None and time.monotonic() < deadline:
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=1).json()
            except httpx.TransportError:
                time.sleep(0.1)  # polling a starting process: nothing to await here
        assert health is not None
        assert health["status"] == "ok"
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=30)

    assert process.returncode == 0
    assert "DISCORD_TOKEN is not set" in stderr
    assert "only the tutor service runs" in stderr
