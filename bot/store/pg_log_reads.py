"""What the PostgreSQL store reads from the learner log without writing: a member's answers
and progress on a post, a post's counters, stats, the leaderboard, pick rates and streaks.

A mixin of PostgresStore (bot/store/postgres.py): each read is one statement on a pooled
connection, outside any transaction. The same rules as SQLite's (bot/store/sqlite.py), in
the statements of bot/store/pg_queries.py.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, tzinfo
from typing import Any, TypeVar

import psycopg
from psycopg_pool import AsyncConnectionPool

from bot import progress
from bot.progress import Period, Streak
from bot.store import pg_queries as sql
from bot.store.attempt_rules import Standing
from bot.store.pg_attempts import read_standing
from bot.store.protocol import (
    LeaderboardEntry,
    MemberStats,
    OptionPick,
    PackStats,
    PostCounters,
    PostProgress,
)
from bot.store.rows import from_db

T = TypeVar("T")
Connection = psycopg.AsyncConnection[dict[str, Any]]


class LogReads:
    """The learner log's reads, for a store holding a psycopg pool as `_pool`."""

    _pool: AsyncConnectionPool[Connection]

    async def answers_given(self, *, post_id: int, member_id: int) -> list[str]:
        rows = await self._read(_all, sql.PG_ANSWERS_GIVEN, (post_id, member_id))
        return [str(row["answer"]) for row in rows]

    async def progress_on_post(self, *, post_id: int, member_id: int) -> PostProgress:
        standing: Standing = await self._read(read_standing, post_id, member_id)
        return PostProgress(
            attempts_used=standing.attempts_used,
            attempts_left=standing.attempts_left,
            hints_used=standing.hints_used,
            solved=standing.solved,
            points=standing.points,
        )

    async def post_counters(self, post_id: int) -> PostCounters:
        row = await self._read(one, sql.PG_POST_COUNTERS, (post_id,))
        assert row is not None
        return PostCounters(answered=row["answered"], solved=row["solved"])

    async def member_stats(self, *, guild_id: int, member_id: int) -> MemberStats:
        rows = await self._read(_all, sql.PG_MEMBER_STATS_BY_PACK, (guild_id, member_id))
        packs = tuple(
            PackStats(
                row["pack_id"],
                row["attempts"],
                int(row["correct"]),
                int(row["points"]),
                row["solved"],
            )
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
        progress.require_aware(now, "now")
        since = progress.period_start(Period(period), now, tz)
        values = {"guild": guild_id, "since": since, "limit": limit}
        rows = await self._read(_all, sql.PG_LEADERBOARD, values)
        return [
            LeaderboardEntry(
                rank,
                row["member_id"],
                int(row["points"]),
                int(row["solves"]),
                row["display_name"],
            )
            for rank, row in enumerate(rows, start=1)
        ]

    async def pick_rates(
        self, post_id: int, *, first_answers_only: bool = False
    ) -> list[OptionPick]:
        values = {"post": post_id, "first_only": int(first_answers_only)}
        rows = await self._read(_all, sql.PG_PICK_RATES, values)
        return [
            OptionPick(row["blank"], row["option"], row["picks"], row["picks"] / row["answers"])
            for row in rows
        ]

    async def streak(self, *, guild_id: int, member_id: int, now: datetime, tz: tzinfo) -> Streak:
        rows = await self._read(_all, sql.PG_SOLVE_MINUTES, (guild_id, member_id))
        days = {progress.local_date(from_db(row["minute"]), tz) for row in rows}
        return progress.streak(days, progress.local_date(now, tz))

    async def _read(self, query: Callable[..., Awaitable[T]], *args: Any) -> T:
        async with self._pool.connection() as db:
            return await query(db, *args)


async def one(db: Connection, statement: str, values: Any) -> dict[str, Any] | None:
    cursor = await db.execute(statement, values)
    return await cursor.fetchone()


async def _all(db: Connection, statement: str, values: Any) -> list[dict[str, Any]]:
    cursor = await db.execute(statement, values)
    return await cursor.fetchall()
