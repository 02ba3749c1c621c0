"""`python -m bench [clicks|store|runs|items ...] [--clicks-runs N] [--burst N] [--postgres URL]
[--smoke]`: run the benchmarks and print one table. Exit status 1 when a correctness check
inside one failed. With `--postgres`, the clicks and items benchmarks run once more with our
bot's store on that PostgreSQL server (in a schema of its own), beside SQLite's rows."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence

from bench import clicks, items, runs, store
from bench.table import BenchFailed, Row, render

NAMES = ("clicks", "store", "runs", "items")


async def measure(
    names: Sequence[str],
    *,
    smoke: bool,
    clicks_runs: int,
    burst: int | None = None,
    postgres: str | None = None,
    rows: list[Row] | None = None,
) -> list[Row]:
    """Each benchmark's rows are appended to `rows` as it finishes (kept if a later fails)."""
    rows = [] if rows is None else rows
    for name in names:
        if name == "clicks":
            plan = clicks.SMOKE if smoke else clicks.ClickPlan()
            if burst is not None:  # 10 bursts still reach the 10,000 interactions
                plan = clicks.ClickPlan(bursts=10_000 // burst, burst=burst)
            for number in range(1, clicks_runs + 1):
                found = await clicks.run(plan)
                if clicks_runs > 1:
                    found = [row.numbered(number) for row in found]
                rows += found
            if postgres:
                rows += await clicks.run(plan, postgres=postgres)
        elif name == "store":
            rows += await store.run(store.SMOKE if smoke else store.StorePlan())
        elif name == "runs":
            rows += await runs.run(runs.SMOKE if smoke else runs.RunsPlan())
        elif name == "items":
            rows += await items.measure(smoke=smoke, postgres=postgres)
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("names", nargs="*", help=f"any of {', '.join(NAMES)} (default: all)")
    parser.add_argument("--smoke", action="store_true", help="tiny sizes: checks, not speed")
    parser.add_argument("--clicks-runs", type=int, default=1, help="repeat the clicks benchmark")
    parser.add_argument(
        "--burst", type=int, help="clicks per burst (default 1000, 10,000 clicks in all)"
    )
    parser.add_argument(
        "--postgres",
        metavar="URL",
        help="also run the clicks and items benchmarks with the store on this PostgreSQL server",
    )
    arguments = parser.parse_args(argv)
    names = arguments.names or list(NAMES)
    if unknown := set(names) - set(NAMES):
        parser.error(f"no benchmark {', '.join(sorted(unknown))}; there are {', '.join(NAMES)}")
    rows: list[Row] = []
    try:
        asyncio.run(
            measure(
                names,
                smoke=arguments.smoke,
                clicks_runs=arguments.clicks_runs,
                burst=arguments.burst,
                postgres=arguments.postgres,
                rows=rows,
            )
        )
    except BenchFailed as failure:
        if rows:
            print(render(rows, title="make bench (incomplete)"))
        print(f"bench failed: {failure}", file=sys.stderr)
        return 1
    print(render(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
