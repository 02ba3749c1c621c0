"""What the store reads from the learner log without writing: a member's answers and progress
on a post, a post's counters, stats, the leaderboard and streaks. Computed
from the rows, never kept as counters; what the two dialects would write differently (a
pack's id, a blank's letter, a local date) is worked out here in Python instead.
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Any

import sqlalchemy as sa

from bot.store.attempts import STANDING, standing_from
from bot.store.part import Part
from bot.store.records import (
    LeaderboardEntry,
    MemberStats,
    PackStats,
    PostCounters,
    PostProgress,
)
from bot.store.tables import CORRECT, GUILD, MEMBER, POST, Time, attempts, member_names, posts
from exercises import progress
from exercises.progress import Period, Streak

a, p = attempts, posts

ANSWERS_GIVEN = (
    sa.select(a.c.answer)
    .where(a.c.post_id == POST, a.c.member_id == MEMBER)
    .order_by(a.c.attempt_number)
)
POST_COUNTERS = sa.select(
    sa.func.count(sa.distinct(a.c.member_id)).label("answered"),
    sa.func.count(sa.distinct(sa.case((a.c.correct == CORRECT, a.c.member_id)))).label("solved"),
).where(a.c.post_id == POST)
# A member's answers per exercise; bot code sums them per pack (the id up to its "/").
MEMBER_STATS = (
    sa.select(
        p.c.exercise_id,
        sa.func.count().label("attempts"),
        sa.func.sum(a.c.correct).label("correct"),
        sa.func.sum(a.c.points).label("points"),
        sa.func.max(a.c.correct).label("solved"),
    )
    .select_from(a.join(p))
    .where(p.c.guild_id == GUILD, a.c.member_id == MEMBER)
    .group_by(p.c.exercise_id)
)


def _leaderboard(since: bool) -> sa.Select[Any]:
    """Points earned in a guild since a moment (or ever). Ties go to whoever reached their
    points first, then to the lower member id, so the order is always the same."""
    points = sa.func.sum(a.c.points)
    scored = sa.func.max(sa.case((a.c.points > 0, a.c.answered_at)))
    board = (
        sa.select(
            a.c.member_id,
            points.label("points"),
            sa.func.sum(a.c.correct).label("solves"),
            scored.label("last_scored_at"),
        )
        .select_from(a.join(p))
        .where(p.c.guild_id == GUILD)
        .group_by(a.c.member_id)
        .having(points > 0)
        .order_by(points.desc(), scored.asc(), a.c.member_id.asc())
        .limit(sa.bindparam("limit", type_=sa.Integer()))
    )
    if since:
        board = board.where(a.c.answered_at >= sa.bindparam("since", type_=Time()))
    top = board.cte("board")
    names = member_names
    joined = top.outerjoin(
        names, sa.and_(names.c.guild_id == GUILD, names.c.member_id == top.c.member_id)
    )
    return (
        sa.select(top.c.member_id, top.c.points, top.c.solves, names.c.display_name)
        .select_from(joined)
        .order_by(top.c.points.desc(), top.c.last_scored_at.asc(), top.c.member_id.asc())
    )


LEADERBOARD_SINCE = _leaderboard(since=True)
LEADERBOARD_EVER = _leaderboard(since=False)
SOLVE_TIMES = (
    sa.select(a.c.answered_at)
    .select_from(a.join(p))
    .where(p.c.guild_id == GUILD, a.c.member_id == MEMBER, a.c.correct == CORRECT)
)


class LogReads(Part):
    """The learner log's reads (the store's own methods)."""

    async def answers_given(self, *, post_id: int, member_id: int) -> list[str]:
        found = await self._rows(ANSWERS_GIVEN, post=post_id, member=member_id)
        return [str(row["answer"]) for row in found]

    async def progress_on_post(self, *, post_id: int, member_id: int) -> PostProgress:
        found = await self._row(STANDING, post=post_id, member=member_id)
        standing = standing_from(found, post_id)
        return PostProgress(
            attempts_used=standing.attempts_used,
            attempts_left=standing.attempts_left,
            hints_used=standing.hints_used,
            solved=standing.solved,
            points=standing.points,
        )

    async def post_counters(self, post_id: int) -> PostCounters:
        row = (await self._rows(POST_COUNTERS, post=post_id))[0]
        return PostCounters(answered=int(row["answered"]), solved=int(row["solved"]))

    async def member_stats(self, *, guild_id: int, member_id: int) -> MemberStats:
        by_pack: dict[str, list[int]] = {}
        for row in await self._rows(MEMBER_STATS, guild=guild_id, member=member_id):
            totals = by_pack.setdefault(row["exercise_id"].split("/", 1)[0], [0, 0, 0, 0])
            for index, key in enumerate(("attempts", "correct", "points", "solved")):
                totals[index] += int(row[key])
        packs = tuple(PackStats(pack, *by_pack[pack]) for pack in sorted(by_pack))
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
        since = progress.period_start(Period(period), progress.require_aware(now), tz)
        statement = LEADERBOARD_EVER if since is None else LEADERBOARD_SINCE
        found = await self._rows(statement, guild=guild_id, limit=limit, since=since)
        return [
            LeaderboardEntry(
                rank, row["member_id"], int(row["points"]), int(row["solves"]), row["display_name"]
            )
            for rank, row in enumerate(found, start=1)
        ]

    async def streak(self, *, guild_id: int, member_id: int, now: datetime, tz: tzinfo) -> Streak:
        found = await self._rows(SOLVE_TIMES, guild=guild_id, member=member_id)
        days = {progress.local_date(row["answered_at"], tz) for row in found}
        return progress.streak(days, progress.local_date(now, tz))
