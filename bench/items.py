"""Items: the item analytics query (`/tutor items` on one server, one query per pack:
bot.store.items) on a store seeded with a realistic volume, against a plain COUNT of the same
attempts run the same way in the same run; on SQLite, and on PostgreSQL when given a server.

The pack: 40 exercises (a fifth of them changed once: two versions each), `attempts`
answers on its posts from 1,000 members of one server (a second try after a miss, a third
after two), a hint in a fifth of the goes, a report per 100 posts, and `runs` /test runs of
ten questions (most finished). Beside it, for the query to leave out: another pack's
answers on the same server, and /test runs on another server. Each statement runs once to
warm up, then `repeats` times on one plain connection; the median counts. The bot's own
read path (store.item_stats) is timed too, against the query alone.

Fails (BenchFailed) unless the query counts every seeded go of the pack on the server, and
store.item_stats returns the same count.
"""

from __future__ import annotations

import asyncio
import random
import sqlite3
import statistics
import tempfile
import time
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

import psycopg
import sqlalchemy as sa

from bench.postgres import fresh_schema
from bench.table import BenchFailed, Row
from bot.store import TutorStore
from bot.store.items import ITEMS_IN_SERVER, PACK
from bot.store.location import Location, PostgresUrl
from bot.store.run import Prepared, insert_values, prepared
from bot.store.tables import (
    GUILD,
    attempts,
    hints,
    posts,
    reports,
    test_run_questions,
    test_runs,
)
from exercises.shown_order import BY_POST

AT = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)  # a fixed moment: the data, not the clock
SERVER, OTHER_SERVER = 1_100_000_000_000_000_001, 1_100_000_000_000_000_002
PACK_NAME, OTHER_PACK = "bench", "other"
QUESTIONS = 10
COUNT = (
    sa.select(sa.func.count())
    .select_from(attempts.join(posts))
    .where(
        sa.func.substr(posts.c.exercise_id, 1, sa.func.length(PACK)) == PACK,
        posts.c.guild_id == GUILD,
    )
)
"""The baseline: the pack's attempts on the server, the rows the items query reads most."""


@dataclass(frozen=True)
class ItemsPlan:
    attempts: int = 100_000
    other_attempts: int = 20_000  # another pack's, on the same server
    runs: int = 1_000  # /test runs of ten questions on the server (a tenth more elsewhere)
    exercises: int = 40
    members: int = 1_000
    per_post: int = 14  # members answering each post
    repeats: int = 5


@dataclass
class Seed:
    """Rows to insert, by table, and the goes the pack has on the server."""

    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    goes: int = 0
    test_answers: int = 0

    def add(self, table: sa.Table, row: dict[str, Any]) -> None:
        self.rows.setdefault(table.name, []).append(row)


def _right(exercise: int) -> str:
    return "AB" if exercise % 2 else "C"


def _wrong(right: str, rng: random.Random) -> str:
    while (answer := "".join(rng.choice("ABCD") for _ in right)) == right:
        pass
    return answer


def _version(plan: ItemsPlan, exercise: int, post_id: int) -> str:
    """A fifth of the exercises changed: every other round of their posts shows the older
    version (/test asks the current one)."""
    old = exercise % 5 == 0 and (post_id // plan.exercises) % 2 == 0
    return f"h{exercise}{'-old' if old else ''}"


def _seed_posts(seed: Seed, plan: ItemsPlan, pack: str, wanted: int, rng: random.Random) -> None:
    made = 0
    while made < wanted:
        post_id = len(seed.rows.get("posts", ())) + 1
        exercise = post_id % plan.exercises
        posted_at = AT + timedelta(minutes=post_id)
        version = {"exercise_id": f"{pack}/e{exercise}",
                   "content_hash": _version(plan, exercise, post_id)}  # fmt: skip
        seed.add(posts, {
            "post_id": post_id, "guild_id": SERVER, "channel_id": 2, "message_id": None,
            **version, "difficulty": ("easy", "medium", "hard")[exercise % 3],
            "context": "practice", "attempt_limit": 3, "posted_at": posted_at,
            "option_order": BY_POST,
        })  # fmt: skip
        if post_id % 100 == 0:
            seed.add(reports, {
                "guild_id": SERVER, "post_id": post_id, **version, "member_id": 1,
                "reason": "typo", "reported_at": posted_at,
            })  # fmt: skip
        for member in rng.sample(range(1, plan.members + 1), plan.per_post):
            if made == wanted:
                return
            made += _seed_go(seed, post_id, member, _right(exercise), wanted - made, rng)
            seed.goes += pack == PACK_NAME


def _seed_go(
    seed: Seed, post_id: int, member: int, right: str, room: int, rng: random.Random
) -> int:
    """One member's answers on one post (at most `room`); how many."""
    answered_at = AT + timedelta(minutes=post_id, seconds=rng.randint(5, 120))
    for number in range(1, min(3, room) + 1):
        correct = rng.random() < 0.6
        interaction = len(seed.rows.get("attempts", ())) + 1
        seed.add(attempts, {
            "post": post_id, "member": member, "interaction": interaction,
            "number": number, "answer": right if correct else _wrong(right, rng),
            "correct": int(correct), "points": int(correct), "at": answered_at,
        })  # fmt: skip
        answered_at += timedelta(seconds=rng.randint(3, 30))
        if correct:
            break
    if rng.random() < 0.2:
        seed.add(hints, {"post_id": post_id, "member_id": member, "hint_number": 1,
                         "used_at": answered_at})  # fmt: skip
    return number


def _seed_runs(seed: Seed, plan: ItemsPlan, rng: random.Random) -> None:
    for run_id in range(1, plan.runs + plan.runs // 10 + 1):
        server = SERVER if run_id <= plan.runs else OTHER_SERVER
        answered = QUESTIONS if rng.random() < 0.8 else rng.randint(0, QUESTIONS - 1)
        started = AT + timedelta(minutes=run_id)
        at = started
        for position, exercise in enumerate(rng.sample(range(plan.exercises), QUESTIONS)):
            question = {
                "run_id": run_id, "position": position, "exercise_id": f"{PACK_NAME}/e{exercise}",
                "content_hash": f"h{exercise}", "difficulty": "medium",
                "answer": None, "correct": None, "answered_at": None,
            }  # fmt: skip
            if position < answered:
                at += timedelta(seconds=rng.randint(5, 90))
                correct = rng.random() < 0.6
                right = _right(exercise)
                answer = right if correct else _wrong(right, rng)
                question.update(answer=answer, correct=int(correct), answered_at=at)
                seed.test_answers += server == SERVER
            seed.add(test_run_questions, question)
        seed.add(test_runs, {
            "run_id": run_id, "guild_id": server, "member_id": 1 + run_id % plan.members,
            "pack": PACK_NAME, "position": answered, "started_at": started,
            "finished_at": at if answered == QUESTIONS else None,
        })  # fmt: skip
    seed.goes += seed.test_answers


def seed_rows(plan: ItemsPlan) -> Seed:
    seed, rng = Seed(), random.Random(26)
    _seed_posts(seed, plan, PACK_NAME, plan.attempts, rng)
    _seed_posts(seed, plan, OTHER_PACK, plan.other_attempts, rng)
    _seed_runs(seed, plan, rng)
    return seed


ATTEMPT = sa.insert(attempts).values(
    post_id=sa.bindparam("post"),
    member_id=sa.bindparam("member"),
    interaction_id=sa.bindparam("interaction"),
    attempt_number=sa.bindparam("number"),
    answer=sa.bindparam("answer"),
    correct=sa.bindparam("correct"),
    points=sa.bindparam("points"),
    answered_at=sa.bindparam("at"),
)
TABLES = (posts, attempts, hints, reports, test_runs, test_run_questions)


def _insert(table: sa.Table, rows: Sequence[Mapping[str, Any]]) -> sa.Insert:
    return ATTEMPT if table is attempts else insert_values(table, *rows[0])


class Plain(Protocol):
    """One plain driver connection to the seeded database: loads it and times statements."""

    dialect: str

    def execute_many(self, sql: str, rows: list[dict[str, Any]]) -> None: ...
    def settle(self) -> None: ...
    def rows(self, sql: str, params: dict[str, Any]) -> tuple[Any, list[Any]]: ...
    def close(self) -> None: ...


class PlainSqlite:
    dialect = "sqlite"

    def __init__(self, path: Path) -> None:
        self.db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)

    def execute_many(self, sql: str, rows: list[dict[str, Any]]) -> None:
        self.db.execute("BEGIN")
        self.db.executemany(sql, rows)
        self.db.execute("COMMIT")

    def settle(self) -> None:
        """As the bot leaves it after a day's writes (it never runs ANALYZE on SQLite)."""

    def rows(self, sql: str, params: dict[str, Any]) -> tuple[Any, list[Any]]:
        cursor = self.db.execute(sql, params)
        return cursor.description, cursor.fetchall()

    def close(self) -> None:
        self.db.close()


class PlainPostgres:
    dialect = "postgresql"

    def __init__(self, url: str) -> None:
        self.pg = psycopg.connect(url, autocommit=True)

    def execute_many(self, sql: str, rows: list[dict[str, Any]]) -> None:
        with self.pg.transaction(), self.pg.cursor() as cursor:
            cursor.executemany(sql.encode(), rows)

    def settle(self) -> None:
        """What autovacuum would do after a bulk load, now rather than during the timing."""
        self.pg.execute(b"ANALYZE")

    def rows(self, sql: str, params: dict[str, Any]) -> tuple[Any, list[Any]]:
        cursor = self.pg.execute(sql.encode(), params)
        return cursor.description, cursor.fetchall()

    def close(self) -> None:
        self.pg.close()


def load(seed: Seed, plain: Plain) -> None:
    """Every seeded row, table by table, with inserts compiled as the store compiles them."""
    for table in TABLES:
        rows = seed.rows.get(table.name, [])
        if rows:
            ready = prepared(_insert(table, rows), plain.dialect)
            plain.execute_many(ready.sql, [ready.params(row) for row in rows])
    plain.settle()


PARAMS = {"pack": f"{PACK_NAME}/", "guild": SERVER}


@dataclass
class Timings:
    """Seconds per run of each statement, and the goes the items query counted."""

    query: list[float] = field(default_factory=list)
    count: list[float] = field(default_factory=list)
    store: list[float] = field(default_factory=list)
    goes: int = 0
    store_goes: int = 0

    def ms(self, name: str) -> float:
        seconds: list[float] = getattr(self, name)
        return 1000 * statistics.median(seconds)


def _plain_goes(plain: Plain, ready: Prepared) -> int:
    """Runs the items query; the goes it counted."""
    description, raw = plain.rows(ready.sql, ready.params(PARAMS))
    return sum(row["goes"] or 0 for row in ready.rows(description, raw))


async def time_all(plain: Plain, store: TutorStore, repeats: int) -> Timings:
    """In turns, so that a change in the machine's load touches all three alike: the items
    query and the COUNT on the plain connection, then store.item_stats. A first turn warms
    up (untimed), then `repeats` turns."""
    timings = Timings()
    items, count = prepared(ITEMS_IN_SERVER, plain.dialect), prepared(COUNT, plain.dialect)
    for turn in range(repeats + 1):
        started = time.perf_counter()
        timings.goes = await asyncio.to_thread(_plain_goes, plain, items)
        query = time.perf_counter() - started
        started = time.perf_counter()
        await asyncio.to_thread(plain.rows, count.sql, count.params(PARAMS))
        counted = time.perf_counter() - started
        started = time.perf_counter()
        found = await store.item_stats(PACK_NAME, guild_id=SERVER)
        timings.store_goes = sum(item.goes for item in found)
        if turn:
            timings.query.append(query)
            timings.count.append(counted)
            timings.store.append(time.perf_counter() - started)
    return timings


@asynccontextmanager
async def _database(postgres: str | None) -> AsyncIterator[tuple[Location, Callable[[], Plain]]]:
    if postgres is not None:
        async with fresh_schema(postgres) as url:
            yield PostgresUrl(url), lambda: PlainPostgres(url)
        return
    with tempfile.TemporaryDirectory(prefix="bench-items-") as folder:
        path = Path(folder, "items.sqlite3")
        yield path, lambda: PlainSqlite(path)


async def run(plan: ItemsPlan = ItemsPlan(), *, postgres: str | None = None) -> list[Row]:
    """With `postgres` (a server's URL) the store is there, in a fresh schema."""
    seed = seed_rows(plan)
    async with _database(postgres) as (location, connect):
        store = await TutorStore.open(location)  # creates the schema
        plain = connect()
        try:
            await asyncio.to_thread(load, seed, plain)
            timings = await time_all(plain, store, plan.repeats)
        finally:
            plain.close()
            await store.close()
    if not timings.goes == timings.store_goes == seed.goes:
        raise BenchFailed(
            f"items: {seed.goes} goes seeded, the query counted {timings.goes}, "
            f"store.item_stats {timings.store_goes}"
        )
    rows = [
        Row(
            f"items: /tutor items' query, {plan.attempts:,} attempts + {seed.test_answers:,}"
            f" /test answers (baseline: COUNT of the attempts)",
            timings.ms("query"), timings.ms("count"), "ms", "-", higher_is_better=False,
        ),
        Row(
            "items: through store.item_stats (baseline: the query alone)",
            timings.ms("store"), timings.ms("query"), "ms", "-", higher_is_better=False,
        ),
    ]  # fmt: skip
    return [row.on_backend("PostgreSQL") for row in rows] if postgres else rows


SMOKE = ItemsPlan(attempts=2_000, other_attempts=200, runs=20, repeats=1)


async def measure(*, smoke: bool, postgres: str | None) -> list[Row]:
    """On SQLite, and on PostgreSQL too when given a server."""
    plan = SMOKE if smoke else ItemsPlan()
    rows = await run(plan)
    return rows + await run(plan, postgres=postgres) if postgres else rows
