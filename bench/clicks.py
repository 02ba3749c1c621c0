"""Clicks: our bot (`python -m bot`, default settings) against a bare discord.py bot.

Each bot runs in its own process against its own stand-in Discord (its own process, spec
validation off). Bursts alternate between the two: distinct members each click an answer on
a fresh multiple-choice post (ours) or on a message with the same buttons (the bare bot's).
Our bot is measured on its restart (its first start created the database). Every burst is
by members new to the bot (as a daily quiz's crowd is), and the first comes right after our
bot is ready (a daily quiz's burst is often the first after a restart): it has rows of its
own. Then a paced run at `per_second` gives the tail latency a steady
stream of clicks sees.

Fails (BenchFailed) if any click is not answered exactly once, if the attempts in our
database differ from the clicks answered, or if our bot does not stop cleanly.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import statistics
import sys
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.postgres import count_attempts, fresh_schema
from bench.processes import StandIn, cpu_seconds, rss_mb, spawn, stand_in, stop
from bench.table import BenchFailed, Row

POSTERS_PER_POST = 20
"""Members who only run /practice (each once: it has a cooldown) until it posts a
multiple-choice exercise, for each post."""


@dataclass(frozen=True)
class ClickPlan:
    bursts: int = 10  # per bot; 10 x 1000 = the 10,000 interactions memory is measured after
    burst: int = 1000
    paced: int = 900
    per_second: float = 300.0


@dataclass
class Side:
    """One bot under test, its stand-in, and what its bursts measured."""

    name: str
    stand_in: StandIn
    crowd: list[str] = field(default_factory=list)
    posters: list[str] = field(default_factory=list)
    throughputs: list[float] = field(default_factory=list)
    burst_latencies: list[list[float]] = field(default_factory=list)  # per burst
    paced_latencies: list[float] = field(default_factory=list)
    answered: int = 0
    start_seconds: float = 0.0
    pid: int = 0
    burst_cpu_ms: list[float] = field(default_factory=list)  # the bot's CPU per click, per burst

    async def clicks(
        self, message: dict[str, Any], custom_id: str, members: list[str], **how: Any
    ) -> dict[str, Any]:
        clicks = [[member, custom_id] for member in members]
        cpu_before = cpu_seconds(self.pid)
        result: dict[str, Any] = await self.stand_in.call(
            "clicks", {"message": message["id"], "clicks": clicks, "within": 30, **how}, within=60
        )
        if not how:  # a burst: the CPU it cost the bot, per click
            self.burst_cpu_ms.append(1000 * (cpu_seconds(self.pid) - cpu_before) / len(members))
        problems = {key: result[key] for key in ("unanswered", "answered_twice") if result[key]}
        if result["answered"] != result["sent"] or problems:
            raise BenchFailed(
                f"{self.name}: {result['sent']} clicks, {result['answered']} answered exactly once"
                f" ({problems or 'no answer counted'})"
            )
        self.answered += result["answered"]
        return result

    @property
    def cpu_ms_per_click(self) -> float:
        return statistics.mean(self.burst_cpu_ms) if self.burst_cpu_ms else 0.0


async def run(plan: ClickPlan = ClickPlan(), *, postgres: str | None = None) -> list[Row]:
    """With `postgres` (a server's URL) our bot keeps its store there, in a fresh schema,
    instead of in a SQLite file: the same run, the other backend."""
    async with contextlib.AsyncExitStack() as stack:
        database_url = await stack.enter_async_context(fresh_schema(postgres)) if postgres else None
        rows = await _run(plan, database_url)
    if postgres:
        rows = [row.on_backend("PostgreSQL") for row in rows]
    return rows


async def _run(plan: ClickPlan, database_url: str | None) -> list[Row]:
    with tempfile.TemporaryDirectory(prefix="bench-clicks-") as folder, _kept_log(folder):
        work = Path(folder)
        async with stand_in() as ours_discord, stand_in() as bare_discord:
            ours, bare = Side("ours", ours_discord), Side("bare discord.py", bare_discord)
            database = work / "tutor.sqlite3"
            store = {"DATABASE_URL": database_url} if database_url else {}
            environment = {
                **(store or {"DATABASE_PATH": str(database)}),
                "TUTOR_URL": "http://127.0.0.1:9",
            }
            # Its first start creates the database; the start measured is a restart, as a
            # daily quiz's burst after a deploy meets it.
            first = await _start(ours, "bot", work, command="practice", env=environment)
            if await stop(first) != 0:
                raise BenchFailed("our bot's first start (creating its database) failed")
            bare_bot = await _start(bare, "bench.bare_bot", work, command=None)
            try:
                bot = await _start(
                    ours, "bot", work, command="practice", sessions=2, env=environment
                )
                try:
                    await _crowds(plan, ours, bare)
                    await _bursts(plan, ours, bare)
                    bot_rss, bare_rss = rss_mb(bot.pid), rss_mb(bare_bot.pid)
                finally:
                    status = await stop(bot)
            finally:
                await stop(bare_bot)
            if status != 0:
                log = (work / "bot.log").read_text()[-2000:]
                raise BenchFailed(f"our bot exited with status {status} on SIGTERM:\n{log}")
            if database_url:
                attempts = await count_attempts(database_url)
            else:
                with sqlite3.connect(database) as db:
                    (attempts,) = db.execute("SELECT count(*) FROM attempts").fetchone()
            if attempts != ours.answered:
                raise BenchFailed(
                    f"{ours.answered} clicks were answered but {attempts} attempts are recorded"
                )
    return _rows(plan, ours, bare, bot_rss, bare_rss)


async def _start(
    side: Side,
    module: str,
    work: Path,
    *,
    command: str | None,
    sessions: int = 1,
    env: Mapping[str, str] = {},
) -> asyncio.subprocess.Process:
    started = asyncio.get_running_loop().time()
    environment = {**side.stand_in.bot_environment(), **env}
    process = await spawn(module, environment, cwd=work, log=work / f"{module}.log")
    side.pid = process.pid
    try:
        ready = {"command": command, "sessions": sessions, "within": 30}
        await side.stand_in.call("ready", ready, within=30)
    except BaseException:
        await stop(process)
        raise
    side.start_seconds = asyncio.get_running_loop().time() - started
    return process


async def _crowds(plan: ClickPlan, ours: Side, bare: Side) -> None:
    """Members who join once both bots are ready: new to them (Discord sends a bot no list
    of a large server's members at start), and each clicks once."""
    clickers = plan.bursts * plan.burst + plan.paced
    posters = POSTERS_PER_POST * (plan.bursts + 1)
    for side in (bare, ours):
        joined = (await side.stand_in.call("crowd", {"count": clickers + posters}))["members"]
        side.crowd, side.posters = joined[:clickers], joined[clickers:]


async def _bursts(plan: ClickPlan, ours: Side, bare: Side) -> None:
    """Our bot's first burst starts as soon as it is ready (its first /practice posts the
    exercise); each burst and the paced run by members who never clicked before."""
    posters = iter(ours.posters)
    for number in range(plan.bursts):
        clickers = slice(number * plan.burst, (number + 1) * plan.burst)
        post, answer_id = await _multiple_choice_post(ours, posters)
        result = await ours.clicks(post, answer_id, ours.crowd[clickers])
        ours.throughputs.append(result["sent"] / result["seconds"])
        ours.burst_latencies.append(result["latencies_ms"])
        same = (await bare.stand_in.call("post", {"message": post}))["message"]
        result = await bare.clicks(same, answer_id, bare.crowd[clickers])
        bare.throughputs.append(result["sent"] / result["seconds"])
        bare.burst_latencies.append(result["latencies_ms"])
    paced = slice(plan.bursts * plan.burst, plan.bursts * plan.burst + plan.paced)
    post, answer_id = await _multiple_choice_post(ours, posters)
    result = await ours.clicks(post, answer_id, ours.crowd[paced], per_second=plan.per_second)
    ours.paced_latencies = result["latencies_ms"]
    same = (await bare.stand_in.call("post", {"message": post}))["message"]
    result = await bare.clicks(same, answer_id, bare.crowd[paced], per_second=plan.per_second)
    bare.paced_latencies = result["latencies_ms"]


async def _multiple_choice_post(ours: Side, posters: Any) -> tuple[dict[str, Any], str]:
    """/practice (by a new member each time: it has a cooldown) until it posts a
    multiple-choice exercise; the post and its first answer button."""
    for _ in range(50):
        asked = {"member": next(posters), "command": "practice", "within": 10}
        post = (await ours.stand_in.call("command", asked))["message"]
        answers = [custom_id for custom_id in post["custom_ids"] if custom_id.startswith("t1:a:")]
        if answers:
            return post, answers[0]
    raise BenchFailed("/practice never posted a multiple-choice exercise in 50 tries")


@contextlib.contextmanager
def _kept_log(folder: str) -> Iterator[None]:
    """On a failure, our bot's log is kept (its path printed) with its first warnings shown:
    what it said is the first clue."""
    try:
        yield
    except BenchFailed:
        log = Path(folder, "bot.log")
        if log.exists():
            kept = Path(tempfile.mkstemp(prefix="bench-bot-", suffix=".log")[1])
            kept.write_text(log.read_text())
            lines = [line for line in log.read_text().splitlines() if " INFO " not in line]
            print("\n".join(lines[:20]), f"\n(our bot's whole log: {kept})", file=sys.stderr)
        raise


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def _rows(plan: ClickPlan, ours: Side, bare: Side, bot_rss: float, bare_rss: float) -> list[Row]:
    ratios = [o / b for o, b in zip(ours.throughputs, bare.throughputs, strict=True)]
    ours_all = [ms for burst in ours.burst_latencies for ms in burst]
    bare_all = [ms for burst in bare.burst_latencies for ms in burst]
    return [
        Row(
            f"clicks/s, the first burst of {plan.burst} right after ready",
            ours.throughputs[0],
            bare.throughputs[0],
            "clicks/s",
            "(as the others)",
        ),
        Row(
            f"p99 click to answer, the first burst of {plan.burst}",
            percentile(ours.burst_latencies[0], 0.99),
            percentile(bare.burst_latencies[0], 0.99),
            "ms",
            "(under 3 s)",
            higher_is_better=False,
        ),
        Row(
            f"bot CPU per click, the first burst of {plan.burst}",
            ours.burst_cpu_ms[0],
            bare.burst_cpu_ms[0],
            "ms CPU",
            "(as the others)",
            higher_is_better=False,
        ),
        Row(
            f"clicks/s, bursts of {plan.burst} (median of {plan.bursts}; ratio = median of pairs)",
            statistics.median(ours.throughputs),
            statistics.median(bare.throughputs),
            "clicks/s",
            ">= 0.7x",
            ratio_override=statistics.median(ratios),
        ),
        Row(
            f"p99 click to answer, in bursts of {plan.burst}",
            percentile(ours_all, 0.99),
            percentile(bare_all, 0.99),
            "ms",
            "(under 3 s)",
            higher_is_better=False,
        ),
        Row(
            f"p99 click to answer, paced {plan.per_second:.0f}/s ({plan.paced} clicks)",
            percentile(ours.paced_latencies, 0.99),
            percentile(bare.paced_latencies, 0.99),
            "ms",
            "< 50 ms",
            higher_is_better=False,
        ),
        Row(
            f"bot CPU per click, in bursts of {plan.burst} (user + system)",
            ours.cpu_ms_per_click,
            bare.cpu_ms_per_click,
            "ms CPU",
            "(>= 0.7x)",
            higher_is_better=False,
        ),
        Row(
            f"bot RSS after {plan.bursts * plan.burst + plan.paced:,} clicks",
            bot_rss,
            bare_rss,
            "MB",
            "< 150 MB",
            higher_is_better=False,
        ),
        Row(
            "bot restart to ready (commands synced)",
            ours.start_seconds,
            bare.start_seconds,
            "s",
            "< 3 s",
            higher_is_better=False,
        ),
    ]


SMOKE = ClickPlan(bursts=1, burst=20, paced=10, per_second=100.0)
