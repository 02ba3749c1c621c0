"""Runs: 200 concurrent runs (by 200 members) of an example whose own awaited time is 1 s
(django-async-views/sleep-then-respond), through the real tutor service under uvicorn
(`python -m tutor`), against that 1 s itself. Then the service's memory after 10,000 requests
in all, and its start-to-ready.

Fails (BenchFailed) unless every run answers 200 with the example's own response.
"""

from __future__ import annotations

import asyncio
import socket
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from bench.processes import spawn, stop, tree_pss_mb
from bench.table import BenchFailed, Row
from exercises.wire import MEMBER_HEADER

EXERCISE = "django-async-views/sleep-then-respond"
OWN_SECONDS = 1.0  # the example awaits asyncio.sleep(1)


@dataclass(frozen=True)
class RunsPlan:
    runs: int = 200
    requests: int = 10_000  # in all, for the memory row; the rest are health checks
    concurrency: int = 50


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def _ready(http: httpx.AsyncClient, base: str, process: Any, within: float = 60) -> None:
    deadline = time.perf_counter() + within
    while time.perf_counter() < deadline:
        if process.returncode is not None:
            raise BenchFailed(f"the tutor service exited with status {process.returncode}")
        try:
            if (await http.get(f"{base}/api/health")).status_code == 200:
                return
        except httpx.TransportError:
            pass
        await asyncio.sleep(0.02)  # polling a process that is starting
    raise BenchFailed(f"the tutor service was not ready within {within} s")


async def _one_run(http: httpx.AsyncClient, base: str, member: int) -> tuple[float, float]:
    """One member's run (the service bounds runs per member, as the bot names them)."""
    started = time.perf_counter()
    answer = await http.post(
        f"{base}/api/exercises/{EXERCISE}/runs",
        json={"choice": "D"},
        headers={MEMBER_HEADER: str(member)},
    )
    took = time.perf_counter() - started
    body = answer.json()
    responses = body.get("responses") or [{}]
    if answer.status_code != 200 or responses[0].get("body") != "Finished":
        raise BenchFailed(f"a run answered {answer.status_code}: {str(body)[:300]}")
    return took, float(body["elapsed"])


async def run(plan: RunsPlan = RunsPlan()) -> list[Row]:
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    limits = httpx.Limits(max_connections=plan.runs + 10)
    with tempfile.TemporaryDirectory(prefix="bench-runs-") as folder:
        started = time.perf_counter()
        env = {"TUTOR_PORT": str(port), "TUTOR_MAX_RUNS": str(max(plan.runs, 256))}
        service = await spawn("tutor", env, cwd=Path(folder), log=Path(folder, "tutor.log"))
        try:
            async with httpx.AsyncClient(trust_env=False, timeout=60, limits=limits) as http:
                await _ready(http, base, service)
                ready = time.perf_counter() - started
                await _one_run(http, base, 0)  # warm: the first run imports what the rest share
                burst = time.perf_counter()
                runs = (_one_run(http, base, member) for member in range(1, plan.runs + 1))
                results = await asyncio.gather(*runs)
                wall = time.perf_counter() - burst
            # a fresh pool: uvicorn closes connections idle for 5 s, and a pooled one it has
            # just closed would fail its next request
            async with httpx.AsyncClient(trust_env=False, timeout=60) as http:
                await _health_checks(http, base, plan.requests - plan.runs - 1, plan.concurrency)
                rss = tree_pss_mb(service.pid)
        finally:
            await stop(service)
    overheads = [(took - elapsed) * 1000 for took, elapsed in results]
    return [
        Row(
            f"runs: {plan.runs} concurrent runs of a 1 s example, wall",
            wall,
            OWN_SECONDS,
            "s",
            "<= 1.3 s",
            higher_is_better=False,
        ),
        Row(
            "runs: median overhead per run (request time - the example's own)",
            statistics.median(overheads),
            None,
            "ms",
            "< 5 ms",
            higher_is_better=False,
        ),
        Row(
            f"tutor service PSS (worker and spares too) after {plan.requests:,} requests",
            rss,
            None,
            "MB",
            "< 150 MB",
            higher_is_better=False,
        ),
        Row(
            "tutor service start to ready (/api/health 200)",
            ready,
            None,
            "s",
            "< 3 s",
            higher_is_better=False,
        ),
    ]


async def _health_checks(http: httpx.AsyncClient, base: str, count: int, concurrency: int) -> None:
    remaining = iter(range(max(0, count)))

    async def client() -> None:
        for _ in remaining:
            answer = await http.get(f"{base}/api/health")
            if answer.status_code != 200:
                raise BenchFailed(f"/api/health answered {answer.status_code}")

    await asyncio.gather(*(client() for _ in range(concurrency)))


SMOKE = RunsPlan(runs=5, requests=20, concurrency=5)
