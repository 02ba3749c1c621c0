"""`python -m tutor` as a real process: uvicorn on loopback, examples calling its own API."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
SERVED = Path(__file__).parent / "fixtures" / "served"
READY_POLLS = 600  # at most ~30 s: each poll waits up to 0.05 s for a connection


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_healthy(base: str, process: subprocess.Popen[bytes]) -> dict:
    for _ in range(READY_POLLS):
        assert process.poll() is None, "the service exited while starting"
        try:
            response = httpx.get(f"{base}/api/health", timeout=0.05)
        except httpx.TransportError:
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=0.05)  # paces the polls; returns early if it died
            continue
        if response.status_code == 200:
            return dict(response.json())
    raise AssertionError("the service did not become healthy")


def children_of(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in path.read_text().split()] if path.exists() else []


def gone(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return True
    return stat.split(") ", 1)[1].startswith("Z")  # a zombie is gone too


def test_the_service_runs_as_a_process_on_loopback():
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "EXERCISES_PATH": str(SERVED), "TUTOR_PORT": str(port)}
    process = subprocess.Popen(
        [sys.executable, "-m", "tutor"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        health = wait_until_healthy(base, process)
        assert health["status"] == "ok"
        assert health["exercises"] == 1
        run = httpx.post(
            f"{base}/api/exercises/served/fetch-a-quote/runs", json={"fill": {"1": "A"}}, timeout=10
        )
        assert run.status_code == 200
        report = run.json()
        assert report["error"] is None
        assert report["responses"][0]["body"] == '{"id": 2, "text": "Readability counts."}'
        broken = httpx.post(
            f"{base}/api/exercises/served/fetch-a-quote/runs", json={"fill": {"1": "C"}}
        ).json()
        assert broken["compiled"] is False
        assert broken["error"]["line"] == 7
        refused = httpx.post(f"{base}/api/exercises/served/fetch-a-quote/runs", json={"fill": {}})
        assert refused.status_code == 400
        workers = children_of(process.pid)
        assert workers
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=15)
    assert process.returncode == 0
    # the runner waited for its worker to stop before the server exited
    assert all(gone(pid) for pid in workers)
