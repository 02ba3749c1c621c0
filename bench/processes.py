"""Starting, driving and measuring the processes a benchmark compares, each on its own.

Every process gets its own stand-in Discord (`python -m bot.sandbox --control`), so the two
bots never share one; RSS comes from /proc, start-to-ready from the moment of the spawn.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import sys
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from bench.table import BenchFailed

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class StandIn:
    """A stand-in Discord in its own process, and a client for its control API."""

    process: asyncio.subprocess.Process
    address: dict[str, Any]
    http: httpx.AsyncClient

    @property
    def base(self) -> str:
        return str(self.address["api_base"]).removesuffix("/api/v10")

    def bot_environment(self) -> dict[str, str]:
        return {
            "DISCORD_TOKEN": str(self.address["token"]),
            "DISCORD_API_BASE": str(self.address["api_base"]),
            "DISCORD_GATEWAY_URL": str(self.address["gateway_url"]),
        }

    async def call(self, what: str, body: Mapping[str, Any], *, within: float = 60) -> Any:
        answer = await self.http.post(f"{self.base}/control/{what}", json=body, timeout=within + 5)
        if answer.status_code != 200:
            raise BenchFailed(f"/control/{what}: {answer.status_code} {answer.text[:300]}")
        return answer.json()


@contextlib.asynccontextmanager
async def stand_in() -> AsyncIterator[StandIn]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.sandbox",
        "--control",
        "--members",
        "poster",
        stdout=asyncio.subprocess.PIPE,
        cwd=ROOT,
    )
    try:
        assert process.stdout is not None
        line = await asyncio.wait_for(process.stdout.readline(), 30)
        if not line:
            raise BenchFailed("the stand-in Discord did not start")
        async with httpx.AsyncClient(trust_env=False) as http:
            yield StandIn(process, json.loads(line), http)
    finally:
        await stop(process)


async def spawn(
    module: str, env: Mapping[str, str], *, cwd: Path, log: Path, args: tuple[str, ...] = ()
) -> asyncio.subprocess.Process:
    """`python -m module` with `env` added, its output to `log`."""
    with log.open("wb") as out:
        return await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            module,
            *args,
            env={**os.environ, "PYTHONPATH": str(ROOT), **env},
            cwd=cwd,
            stdout=out,
            stderr=asyncio.subprocess.STDOUT,
        )


async def stop(process: asyncio.subprocess.Process, *, within: float = 15) -> int:
    """SIGTERM, then SIGKILL if it does not end in time; its exit status."""
    if process.returncode is None:
        with contextlib.suppress(ProcessLookupError):
            process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(process.wait(), within)
        except TimeoutError:
            process.kill()
            await process.wait()
    assert process.returncode is not None
    return process.returncode


def rss_mb(pid: int) -> float:
    """Resident memory of a process, in MB (its children not counted)."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise BenchFailed(f"no VmRSS for process {pid}")


def cpu_seconds(pid: int) -> float:
    """CPU time a process has used so far (user + system, all its threads), in seconds: the
    measure of work done that a loaded machine distorts least."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def tree_pss_mb(pid: int) -> float:
    """Proportional memory (PSS) of a process and all its descendants, in MB: pages shared
    by forked children are counted once in all, not once per child as RSS would."""
    total = 0.0
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                total += int(line.split()[1]) / 1024
    with contextlib.suppress(OSError):
        for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
            total += tree_pss_mb(int(child))
    return total
