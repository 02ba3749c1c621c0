"""`make run`'s launcher: without a token the tutor service runs, the member is told how to get
a token, and SIGTERM stops everything cleanly; a tutor that cannot start, or one already
running, ends it at once with one line."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from bot.sandbox import LoopbackDiscord
from tests.e2e.bots import serving_tutor
from tests.processes import clean_environment, free_port
from tutor.config import TutorConfig


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


async def launch(cwd: Path, settings: dict[str, str]) -> tuple[int, str]:
    """`make run`'s launcher in a folder of its own; its exit status and stderr."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.launch",
        cwd=cwd,
        env=clean_environment(settings),
        stderr=asyncio.subprocess.PIPE,
    )
    _, stderr = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode is not None
    return process.returncode, stderr.decode()


async def test_a_tutor_that_stops_at_start_ends_the_launch_before_the_bot(
    tmp_path: Path, loopback: LoopbackDiscord
) -> None:
    (tmp_path / ".env").write_text(
        f"DISCORD_TOKEN={loopback.token}\nDISCORD_API_BASE={loopback.api_base}\n"
        f"DISCORD_GATEWAY_URL={loopback.gateway_url}\n"
        f"TUTOR_PORT={free_port()}\nTUTOR_RUN_TIMEOUT=0\n"
    )

    status, stderr = await launch(tmp_path, {})

    assert status == 1
    assert stderr.splitlines() == [
        "error: TUTOR_RUN_TIMEOUT='0' is outside 0.1..60",
        "the tutor service stopped while starting (exit status 2); the bot was not started",
    ]
    assert loopback.requests == []


async def test_a_second_launch_names_the_running_one(tmp_path: Path) -> None:
    async with serving_tutor(TutorConfig()) as running:
        port = running.rsplit(":", 1)[1]
        status, stderr = await launch(tmp_path, {"TUTOR_PORT": port})

    assert status == 2
    assert stderr.splitlines() == [
        f"error: a tutor service already answers at http://127.0.0.1:{port} (TUTOR_URL, or "
        "TUTOR_HOST and TUTOR_PORT): another instance may be running; stop it or set TUTOR_PORT"
    ]
