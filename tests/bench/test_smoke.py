"""A small version of each benchmark, so that `make bench` never rots: its processes start,
its correctness checks pass, and it gives every row of the table. Speed is not checked here."""

from __future__ import annotations

import pytest

from bench import __main__ as bench_main
from bench import clicks, items, runs, store
from bench.table import BenchFailed, Row, render
from tests.postgres import require_postgres, server_url

CLICK_ROWS = ["clicks/s", "ms", "ms CPU", "clicks/s", "ms", "ms", "ms CPU", "MB", "s"]
"""The first burst right after ready (3 rows), then all the bursts, the paced run, memory, start."""


def by_unit(rows: list[Row]) -> dict[str, list[Row]]:
    found: dict[str, list[Row]] = {}
    for row in rows:
        found.setdefault(row.unit, []).append(row)
    return found


def measured(row: Row) -> bool:
    """Both bots' figure is there. CPU is read from /proc in clock ticks (10 ms), so a bot
    that answered a smoke-sized burst of 20 clicks may show 0 ms of it; all else is > 0."""
    if row.unit == "ms CPU":
        return row.ours >= 0 and row.baseline is not None and row.baseline >= 0
    return row.ours > 0 and bool(row.baseline)


async def test_the_clicks_benchmark_answers_every_click_once_and_records_each() -> None:
    rows = await clicks.run(clicks.SMOKE)  # raises BenchFailed otherwise

    units = by_unit(rows)
    assert [row.unit for row in rows] == CLICK_ROWS
    assert all(measured(row) for row in rows), rows
    assert units["clicks/s"][0].ratio is not None


async def test_the_store_benchmark_leaves_one_row_per_operation_in_both_databases() -> None:
    row, durability = await store.run(store.SMOKE)

    assert row.unit == durability.unit == "ops/s"
    assert row.ours > 0
    assert row.baseline
    assert durability.ours > 0  # plain sqlite3 with synchronous=FULL, against NORMAL
    assert durability.baseline


async def test_the_runs_benchmark_gets_the_examples_own_response_from_every_run_and_click() -> None:
    rows = await runs.run(runs.SMOKE)

    wall, stated, run_it, memory, start = rows
    assert wall.unit == "s"
    assert wall.ours >= runs.OWN_SECONDS  # the example awaits a whole second
    assert "load" in wall.what
    assert stated.ours >= runs.OWN_SECONDS  # and each report says so
    assert run_it.ours >= runs.OWN_SECONDS  # every click's reply came, with its run
    assert [row.unit for row in (memory, start)] == ["MB", "s"]


def test_the_table_names_the_machine_and_the_ratio_against_the_baseline() -> None:
    rows = [
        Row("faster", 300, 100, "ops/s", ">= 0.5x"),
        Row("slower", 4.0, 2.0, "ms", "< 5 ms", higher_is_better=False),
    ]

    table = render(rows)

    assert "cores" in table.splitlines()[0]
    assert "| 3.00x |" in table
    assert "| 0.50x |" in table


def test_a_failed_check_fails_make_bench(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    async def unanswered(*args: object, **kwargs: object) -> list[Row]:
        raise BenchFailed("ours: 20 clicks, 19 answered exactly once")

    monkeypatch.setattr(store, "run", unanswered)

    assert bench_main.main(["store"]) == 1
    assert "19 answered exactly once" in capsys.readouterr().err


async def test_the_clicks_benchmark_runs_with_the_store_on_postgresql_too() -> None:
    require_postgres()

    rows = await clicks.run(clicks.SMOKE, postgres=server_url())  # BenchFailed otherwise

    assert [row.unit for row in rows] == CLICK_ROWS
    assert all(row.what.endswith("[PostgreSQL]") for row in rows)
    assert all(measured(row) for row in rows), rows


async def test_the_items_benchmark_counts_every_seeded_go_through_the_query_and_the_store() -> None:
    rows = await items.run(items.SMOKE)  # raises BenchFailed otherwise

    assert [row.unit for row in rows] == ["ms", "ms"]
    assert all(row.ours > 0 and row.baseline and row.ratio for row in rows), rows
    assert "/test answers" in rows[0].what


async def test_the_items_benchmark_runs_on_postgresql_too() -> None:
    require_postgres()

    rows = await items.measure(smoke=True, postgres=server_url())

    assert [row.what.endswith("[PostgreSQL]") for row in rows] == [False, False, True, True]
    assert all(row.ours > 0 and row.baseline for row in rows), rows


def test_the_items_seed_has_its_volume_and_goes_to_count() -> None:
    seed = items.seed_rows(items.ItemsPlan())

    pack = [row for row in seed.rows["posts"] if row["exercise_id"].startswith("bench/")]
    ids = {row["post_id"] for row in pack}
    assert sum(row["post"] in ids for row in seed.rows["attempts"]) == 100_000
    assert len({(row["exercise_id"], row["content_hash"]) for row in pack}) == 40 + 8  # 8 changed
    assert 0 < seed.test_answers < seed.goes
