"""Runs: 200 concurrent runs (by 200 members) of an example whose own awaited time is 1 s
(django-async-views/sleep-then-respond), through the real tutor service under uvicorn
(`python -m tutor`), against that 1 s itself; the largest time a report states (the
example's own, measured in its process). Then a burst of "Run it" clicks through the real bot
(`python -m bot` against a stand-in Discord), the service's memory after 10,000 requests in
all, and its start-to-ready.

Fails (BenchFailed) unless every run answers 200 with the example's own response and every
"Run it" click gets its reply. The wall row names the CPU per run (the CPU time the service's
whole process tree, API, worker and children, spent during the burst, over the runs: on a
shared machine it moves less than wall time) and the machine's load when the burst began.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import socket
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from bench.processes import spawn, stand_in, stop, tree_pss_mb
from bench.table import BenchFailed, Row
from bot.interactions.custom_ids import AnswerChoice, RunIt
from exercises import SHIPPED_PACKS
from wire.runs import MEMBER_HEADER

PACK = "django-async-views"
EXERCISE = f"{PACK}/sleep-then-respond"
OWN_SECONDS = 1.0  # the example awaits asyncio.sleep(1), whichever option ran (a snippet)


@dataclass(frozen=True)
class RunsPlan:
    runs: int = 200
    clicks: int = 20  # "Run it" clicks at once through the bot
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


async def _one_run(port: int, member: int) -> tuple[float, float]:
    """One member's run (the service bounds runs per member, as the bot names them), on a
    connection of its own, opened inside the time measured."""
    started = time.perf_counter()
    status, body = await _post(
        port, f"/api/exercises/{EXERCISE}/runs", {"choice": "D"}, {MEMBER_HEADER: str(member)}
    )
    took = time.perf_counter() - started
    responses = body.get("responses") or [{}]
    if status != 200 or responses[0].get("body") != "Finished":
        raise BenchFailed(f"a run answered {status}: {str(body)[:300]}")
    return took, float(body["elapsed"])


async def _post(
    port: int, path: str, data: Any, headers: dict[str, str]
) -> tuple[int, dict[str, Any]]:
    """A plain HTTP/1.1 POST of JSON, the answer read to the connection's end. Not httpx:
    200 requests at once through its pool cost the client ~10 ms of CPU each, more than the
    service spends on a run, and the client's time would be counted as the service's."""
    content = json.dumps(data).encode()
    lines = [
        f"POST {path} HTTP/1.1",
        f"Host: 127.0.0.1:{port}",
        "Content-Type: application/json",
        f"Content-Length: {len(content)}",
        "Connection: close",
        *(f"{name}: {value}" for name, value in headers.items()),
    ]
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write("\r\n".join(lines).encode() + b"\r\n\r\n" + content)
        answer = await reader.read()
    finally:
        writer.close()
    head, _, body = answer.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1]) if head else 0
    if b"transfer-encoding: chunked" in head.lower():
        body = _unchunked(body)
    try:
        return status, json.loads(body)
    except ValueError:
        return status, {"unreadable": body[:300].decode(errors="replace")}


def _unchunked(body: bytes) -> bytes:
    parts = []
    while body:
        size, _, rest = body.partition(b"\r\n")
        length = int(size.split(b";")[0], 16)
        if not length:
            break
        parts.append(rest[:length])
        body = rest[length + 2 :]
    return b"".join(parts)


def tree_cpu_seconds(pid: int) -> float:
    """User and system CPU of a process and its descendants, with their reaped children's."""
    total = 0.0
    with contextlib.suppress(OSError):
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        total += sum(int(value) for value in fields[11:15]) / os.sysconf("SC_CLK_TCK")
    with contextlib.suppress(OSError):
        for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
            total += tree_cpu_seconds(int(child))
    return total


def _one_exercise_packs(folder: Path) -> Path:
    """Packs holding only the 1 s example, so that /practice posts it every time."""
    packs = folder / "packs"
    (packs / PACK).mkdir(parents=True)
    for name in ("pack.toml", "sleep-then-respond.toml"):
        (packs / PACK / name).write_bytes((SHIPPED_PACKS / PACK / name).read_bytes())
    return packs


async def run(plan: RunsPlan = RunsPlan()) -> list[Row]:
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory(prefix="bench-runs-") as folder:
        work = Path(folder)
        packs = _one_exercise_packs(work)
        started = time.perf_counter()
        env = {
            "TUTOR_PORT": str(port),
            "TUTOR_MAX_RUNS": str(max(plan.runs, 256)),
            "EXERCISES_PATH": str(packs),
        }
        service = await spawn("tutor", env, cwd=work, log=work / "tutor.log")
        try:
            async with httpx.AsyncClient(trust_env=False, timeout=60) as http:
                await _ready(http, base, service)
                ready = time.perf_counter() - started
                await _one_run(port, 0)  # warm: the first run imports what the rest share
                load = os.getloadavg()[0]
                cpu = tree_cpu_seconds(service.pid)
                burst = time.perf_counter()
                runs = (_one_run(port, member) for member in range(1, plan.runs + 1))
                results = await asyncio.gather(*runs)
                wall = time.perf_counter() - burst
                cpu = tree_cpu_seconds(service.pid) - cpu
            replies = await run_it_clicks(plan.clicks, base, packs, work)
            # a fresh pool: uvicorn closes connections idle for 5 s, and a pooled one it has
            # just closed would fail its next request
            async with httpx.AsyncClient(trust_env=False, timeout=60) as http:
                done = plan.runs + 1 + 2 * plan.clicks  # a health check and a run per click
                await _health_checks(http, base, plan.requests - done, plan.concurrency)
                rss = tree_pss_mb(service.pid)
        finally:
            await stop(service)
    stated = max(elapsed for _, elapsed in results)
    return [
        Row(
            f"runs: {plan.runs} concurrent runs of a 1 s example, wall"
            f" ({cpu / plan.runs * 1000:.1f} ms CPU per run, load {load:.1f})",
            wall,
            OWN_SECONDS,
            "s",
            "<= 4 s on 2 cores",
            higher_is_better=False,
        ),
        Row(
            f"runs: the largest time a report states, of {plan.runs} (the example's own)",
            stated,
            OWN_SECONDS,
            "s",
            "the example's 1 s",
            higher_is_better=False,
        ),
        Row(
            f"Run it: {plan.clicks} clicks at once through the bot, slowest reply",
            max(replies),
            None,
            "s",
            "<= 3 s each",
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


async def run_it_clicks(clicks: int, tutor_url: str, packs: Path, work: Path) -> list[float]:
    """Seconds from each member's "Run it" click to its reply with the run, `clicks` members
    at once, through the real bot on a stand-in Discord. Each answers the post first: only
    an answer given can run."""
    async with stand_in() as discord:
        crowd = (await discord.call("crowd", {"count": clicks + 1}))["members"]
        env = {
            **discord.bot_environment(),
            "DATABASE_PATH": str(work / "bot.sqlite3"),
            "TUTOR_URL": tutor_url,
            "EXERCISES_PATH": str(packs),
        }
        bot = await spawn("bot", env, cwd=work, log=work / "bot.log")
        try:
            await discord.call("ready", {"command": "practice", "within": 30}, within=30)
            asked = {"member": crowd[-1], "command": "practice", "within": 10}
            post = (await discord.call("command", asked))["message"]
            post_id = int(post["custom_ids"][0].split(":")[2])
            members = crowd[:clicks]
            answer = AnswerChoice(post_id, "D").to_id()
            answers = {"message": post["id"], "clicks": [[m, answer] for m in members]}
            replies = (await discord.call("clicks", answers))["answers"]
            run_it = RunIt(post_id, "D").to_id()  # on each member's own reply
            on_replies = [[m, run_it, reply] for m, reply in zip(members, replies, strict=True)]
            click = {"message": post["id"], "clicks": on_replies, "until": "reply"}
            result = await discord.call("clicks", click)
        finally:
            await stop(bot)
    replied = [ms / 1000 for ms in result["replied_ms"]]
    if len(replied) != clicks:
        raise BenchFailed(f"{clicks} Run it clicks, {len(replied)} replies")
    ran = [text for text in result["replies"] if "200 OK" in text and "Finished" in text]
    if len(ran) != clicks:
        wrong = next(text for text in result["replies"] if text not in ran)
        raise BenchFailed(f"{clicks - len(ran)} Run it replies without the run: {wrong[:300]}")
    return replied


async def _health_checks(http: httpx.AsyncClient, base: str, count: int, concurrency: int) -> None:
    remaining = iter(range(max(0, count)))

    async def client() -> None:
        for _ in remaining:
            answer = await http.get(f"{base}/api/health")
            if answer.status_code != 200:
                raise BenchFailed(f"/api/health answered {answer.status_code}")

    await asyncio.gather(*(client() for _ in range(concurrency)))


SMOKE = RunsPlan(runs=5, clicks=3, requests=30, concurrency=5)
