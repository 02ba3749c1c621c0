"""The learner store in one SQLite file: one writer connection, one read connection (WAL).

Every write is a job for `Writer` (a plain function of a sqlite3 connection, run in its own
SAVEPOINT of a batch's transaction), and each rule that needs the current count (the attempt
limit, no farming) is checked inside that same job, never read first and written after an
await elsewhere. Reads go through aiosqlite. No Discord, Django or HTTP here.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import datetime, tzinfo
from pathlib import Path
from sqlite3 import Row
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar

import aiosqlite

from bot import progress
from bot.metrics import STORE_WRITE_SECONDS
from bot.progress import Period, PostContext, Streak
from bot.store import attempt_rules as rules
from bot.store import queries
from bot.store.errors import StoreClosed, UnknownPost
from bot.store.guilds import SqliteGuilds
from bot.store.pattern_tests import SqlitePatternTests
from bot.store.protocol import (
    Attempt,
    AttemptOutcome,
    AttemptResult,
    HintUse,
    LeaderboardEntry,
    MemberStats,
    OptionPick,
    PackStats,
    Post,
    PostCounters,
    PostProgress,
    Store,
)
from bot.store.quizzes import SqliteQuizzes
from bot.store.rows import attempt_from_row, from_db, post_from_row, to_db
from bot.store.schema import connect, connect_for_lookups, open_for_writing
from bot.store.server_sqlite import SqliteServers
from bot.store.writer import WriteJob, Writer
from exercises.model import LETTERS, MAX_BLANKS, Difficulty

T = TypeVar("T")
_GLOBAL = 0  # the scope of the global slash commands in command_syncs


class SqliteStore:
    """Implements bot.store.Store. Open with `await SqliteStore.open(path)`, then close()."""

    def __init__(
        self,
        path: Path,
        writer: Writer,
        reads: aiosqlite.Connection,
        lookups: sqlite3.Connection,
    ) -> None:
        self.path = path
        self._writer = writer
        self._reads = reads
        self._lookups = lookups
        self._closed = False
        self.quizzes = SqliteQuizzes(self._write, reads, lookups)
        self.guilds = SqliteGuilds(self._write, reads)
        self.pattern_tests = SqlitePatternTests(self._write, reads)
        self.servers = SqliteServers(self._write, reads, lookups)

    @classmethod
    async def open(
        cls, path: Path | str, *, before_commit: Callable[[sqlite3.Connection], None] | None = None
    ) -> SqliteStore:
        """Open or create the database at `path` and bring its schema up to date.

        Raises DatabaseUnusable (naming the path and what to do) and leaves the file as it
        was if it cannot be written, is not this bot's database, or is from a newer release.
        `before_commit` is for tests only (see Writer.open).
        """
        path = Path(path)
        checked = await open_for_writing(path)  # refusals, backup, WAL and migrations
        await checked.close()  # the writer writes on a connection of its own thread
        writer = await Writer.open(path, before_commit=before_commit)
        try:
            reads = await connect(path, read_only=True)
        except BaseException:
            await writer.stop()
            raise
        return cls(path, writer, reads, connect_for_lookups(path))

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        try:
            await self._writer.stop()
        finally:
            self._lookups.close()
            await self._reads.close()

    async def __aenter__(self) -> SqliteStore:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    # Posts

    async def create_post(
        self,
        *,
        guild_id: int,
        channel_id: int,
        exercise_id: str,
        content_hash: str,
        difficulty: Difficulty,
        context: PostContext,
        attempt_limit: int,
        posted_at: datetime,
        message_id: int | None = None,
    ) -> Post:
        if attempt_limit < 1:
            raise ValueError(f"a post allows at least one attempt, got {attempt_limit}")
        values = (
            guild_id,
            channel_id,
            message_id,
            exercise_id,
            content_hash,
            Difficulty(difficulty).value,
            PostContext(context).value,
            attempt_limit,
            to_db(posted_at, "posted_at"),
        )

        def insert(db: sqlite3.Connection) -> Post:
            post_id = db.execute(queries.INSERT_POST, values).lastrowid
            assert post_id is not None
            return _post(db, post_id)

        return await self._write(insert)

    async def set_post_message(self, post_id: int, message_id: int) -> Post:
        def update(db: sqlite3.Connection) -> Post:
            if db.execute(queries.SET_POST_MESSAGE, (message_id, post_id)).rowcount == 0:
                raise UnknownPost(post_id)
            return _post(db, post_id)

        return await self._write(update)

    async def get_post(self, post_id: int) -> Post | None:
        """A lookup by primary key, on the event loop: a few microseconds in WAL, where a hop
        to the read connection's thread costs far more on a busy loop (every click reads)."""
        row = self._lookups.execute(queries.POST, (post_id,)).fetchone()
        return post_from_row(row) if row is not None else None

    # Attempts and hints

    async def record_attempt(
        self,
        *,
        post_id: int,
        member_id: int,
        interaction_id: int,
        answer: str,
        correct: bool,
        answered_at: datetime,
    ) -> AttemptResult:
        _check_answer(answer)
        at = to_db(answered_at, "answered_at")

        def record(db: sqlite3.Connection) -> AttemptResult:
            checks = {"post": post_id, "member": member_id, "interaction": interaction_id}
            row = db.execute(queries.RECORD_CHECKS, {**checks, "answer": answer}).fetchone()
            standing = rules.standing_from(row, post_id)
            if row["recorded_attempt_id"] is not None:
                before = _attempt(db, row["recorded_attempt_id"])
                if (before.post_id, before.member_id) != (post_id, member_id):
                    standing = _standing_now(db, before.post_id, before.member_id)
                return rules.already_recorded(before, standing)
            same = row["same_answer_attempt_id"]
            repeated = None if same is None else lambda: _attempt(db, same)
            new = rules.decide(standing, correct=correct, repeated=repeated)
            if isinstance(new, AttemptResult):
                return new
            # The limit is checked again by the INSERT itself, so that it holds even if
            # this job ever runs outside BEGIN IMMEDIATE (e.g. batched by a later writer).
            values = {
                "post": post_id,
                "member": member_id,
                "interaction": interaction_id,
                "number": new.number,
                "answer": answer,
                "correct": int(correct),
                "points": new.points,
                "at": at,
            }
            cursor = db.execute(queries.INSERT_ATTEMPT_IF_ALLOWED, values)
            attempt_id = cursor.lastrowid if cursor.rowcount == 1 else None
            if attempt_id is None:
                return AttemptResult(AttemptOutcome.NO_ATTEMPTS_LEFT, None, 0)
            attempt = Attempt(
                attempt_id,
                post_id,
                member_id,
                interaction_id,
                new.number,
                answer,
                correct,
                new.points,
                from_db(at),
            )
            return rules.recorded(attempt, standing)

        return await self._write(record)

    async def use_hint(
        self, *, post_id: int, member_id: int, hint_number: int, used_at: datetime
    ) -> HintUse:
        if hint_number < 1:
            raise ValueError(f"hints are numbered from 1, got {hint_number}")
        values = (post_id, member_id, hint_number, to_db(used_at, "used_at"))

        def take(db: sqlite3.Connection) -> HintUse:
            if db.execute(queries.POST, (post_id,)).fetchone() is None:
                raise UnknownPost(post_id)
            newly_used = db.execute(queries.INSERT_HINT, values).rowcount == 1
            row = db.execute(queries.HINTS_USED, (post_id, member_id)).fetchone()
            assert row is not None
            return HintUse(hint_number, newly_used, int(row[0]))

        return await self._write(take)

    async def answers_given(self, *, post_id: int, member_id: int) -> list[str]:
        rows = await _all(self._reads, queries.ANSWERS_GIVEN, (post_id, member_id))
        return [str(row["answer"]) for row in rows]

    async def progress_on_post(self, *, post_id: int, member_id: int) -> PostProgress:
        standing = await _standing(self._reads, post_id, member_id)
        return PostProgress(
            attempts_used=standing.attempts_used,
            attempts_left=standing.attempts_left,
            hints_used=standing.hints_used,
            solved=standing.solved,
            points=standing.points,
        )

    # Computed from the log

    async def post_counters(self, post_id: int) -> PostCounters:
        row = await _one(self._reads, queries.POST_COUNTERS, (post_id,))
        assert row is not None  # an aggregate always returns one row
        return PostCounters(answered=row["answered"], solved=row["solved"])

    async def member_stats(self, *, guild_id: int, member_id: int) -> MemberStats:
        rows = await _all(self._reads, queries.MEMBER_STATS_BY_PACK, (guild_id, member_id))
        packs = tuple(
            PackStats(row["pack_id"], row["attempts"], row["correct"], row["points"], row["solved"])
            for row in rows
        )
        return MemberStats(
            attempts=sum(pack.attempts for pack in packs),
            correct=sum(pack.correct for pack in packs),
            points=sum(pack.points for pack in packs),
            solved=sum(pack.solved for pack in packs),
            packs=packs,
        )

    async def leaderboard(
        self, *, guild_id: int, period: Period, now: datetime, tz: tzinfo, limit: int = 10
    ) -> list[LeaderboardEntry]:
        if limit < 1:
            raise ValueError(f"a leaderboard shows at least one member, got limit={limit}")
        start = progress.period_start(Period(period), now, tz)
        since = to_db(start, "period start") if start is not None else ""  # "" sorts first
        rows = await _all(self._reads, queries.LEADERBOARD, (guild_id, since, limit))
        return [
            LeaderboardEntry(
                rank, row["member_id"], row["points"], row["solves"], row["display_name"]
            )
            for rank, row in enumerate(rows, start=1)
        ]

    async def pick_rates(
        self, post_id: int, *, first_answers_only: bool = False
    ) -> list[OptionPick]:
        values = {"post": post_id, "first_only": int(first_answers_only)}
        rows = await _all(self._reads, queries.PICK_RATES, values)
        return [
            OptionPick(row["blank"], row["option"], row["picks"], row["picks"] / row["answers"])
            for row in rows
        ]

    async def streak(self, *, guild_id: int, member_id: int, now: datetime, tz: tzinfo) -> Streak:
        rows = await _all(self._reads, queries.SOLVE_MINUTES, (guild_id, member_id))
        days = {progress.local_date(from_db(row[0] + ":00.000000Z"), tz) for row in rows}
        return progress.streak(days, progress.local_date(now, tz))

    # Slash commands

    async def synced_commands(self, *, guild_id: int | None) -> str | None:
        row = await _one(self._reads, queries.SYNCED_COMMANDS, (guild_id or _GLOBAL,))
        return str(row["tree_hash"]) if row is not None else None

    async def record_commands_synced(
        self, *, guild_id: int | None, tree_hash: str, synced_at: datetime
    ) -> None:
        values = (guild_id or _GLOBAL, tree_hash, to_db(synced_at, "synced_at"))

        def record(db: sqlite3.Connection) -> None:
            db.execute(queries.RECORD_COMMAND_SYNC, values)

        await self._write(record)

    async def _write(self, job: WriteJob[T]) -> T:
        if self._closed:
            raise StoreClosed()
        with STORE_WRITE_SECONDS.time():
            return await self._writer.submit(job)

    async def check_writable(self) -> None:
        """Take the write lock and commit nothing: raises if the store cannot write now."""

        def nothing(db: sqlite3.Connection) -> None:
            return None

        await self._write(nothing)


async def _standing(db: aiosqlite.Connection, post_id: int, member_id: int) -> rules.Standing:
    """As read on the read connection."""
    return rules.standing_from(
        await _one(db, queries.STANDING, {"post": post_id, "member": member_id}), post_id
    )


def _standing_now(db: sqlite3.Connection, post_id: int, member_id: int) -> rules.Standing:
    """As read inside a write job's transaction."""
    row = db.execute(queries.STANDING, {"post": post_id, "member": member_id}).fetchone()
    return rules.standing_from(row, post_id)


def _attempt(db: sqlite3.Connection, attempt_id: int) -> Attempt:
    row = db.execute(queries.ATTEMPT, (attempt_id,)).fetchone()
    assert row is not None, "read in the same transaction that found its id"
    return attempt_from_row(row)


def _post(db: sqlite3.Connection, post_id: int) -> Post:
    row = db.execute(queries.POST, (post_id,)).fetchone()
    if row is None:
        raise UnknownPost(post_id)
    return post_from_row(row)


async def _one(db: aiosqlite.Connection, sql: str, values: Any) -> Row | None:
    async with db.execute(sql, values) as cursor:
        row: Row | None = await cursor.fetchone()
    return row


async def _all(db: aiosqlite.Connection, sql: str, values: Any) -> list[Row]:
    async with db.execute(sql, values) as cursor:
        rows: list[Row] = list(await cursor.fetchall())
    return rows


if TYPE_CHECKING:
    _keeps_the_contract: type[Store] = SqliteStore  # mypy checks every method's signature


def _check_answer(answer: str) -> None:
    if not 1 <= len(answer) <= MAX_BLANKS or any(letter not in LETTERS for letter in answer):
        raise ValueError(
            f"an answer is 1 to {MAX_BLANKS} option letters from {LETTERS}, got {answer!r}"
        )
