"""Item analytics: one query per pack gives every version of its exercises (an exercise and
a content hash) with its posts, goes (a member's answers on one post), solves, hints,
first-answer picks per blank and letter, median time to a first answer, and reports.

A /test question counts as a post of its own once its member reached it, and its answer as
a go of one answer: its first answer is its final one, and it offers no hint (the go counts
as `tested`, outside the hint rate). Its time runs from the run's previous answer (when the
question was shown), or from the run's start for the first question.

Both dialects run the same statement but for one expression: the seconds between two times
(SQLite keeps ISO text, PostgreSQL timestamptz), both forms side by side (`_sqlite_seconds`
and `_postgresql_seconds`). The median is the average of the middle one or two, by window
functions both dialects have.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import sqlalchemy as sa

from bot.store.part import Part
from bot.store.records import from_row
from bot.store.run import ByDialect
from bot.store.tables import (
    CORRECT,
    GUILD,
    attempts,
    hints,
    posts,
    reports,
    test_run_questions,
    test_runs,
)
from exercises.items import ItemStats
from exercises.model import LETTERS, MAX_BLANKS

a, p, h, r = attempts, posts, hints, reports
q, runs = test_run_questions, test_runs
previous = test_run_questions.alias("previous")
ZERO, ONE = sa.literal_column("0", sa.Integer()), sa.literal_column("1", sa.Integer())
PACK = sa.bindparam("pack", type_=sa.Text())
"""The pack's id followed by "/": an exercise id starts with it."""
Seconds = Callable[[Any, Any], Any]


def _sqlite_seconds(later: Any, earlier: Any) -> Any:
    """Julian days are doubles: to the millisecond, as the times are kept."""
    return sa.func.round((sa.func.julianday(later) - sa.func.julianday(earlier)) * 86400.0, 3)


def _postgresql_seconds(later: Any, earlier: Any) -> Any:
    moment = sa.TIMESTAMP(timezone=True)
    return sa.extract("epoch", sa.type_coerce(later, moment) - sa.type_coerce(earlier, moment))


def _in_pack(table: sa.Table, by_guild: bool, guilds: sa.Table | None = None) -> list[Any]:
    """Rows of the pack's exercises (on the server, by `guilds`' guild_id or the table's own)."""
    starts = sa.func.substr(table.c.exercise_id, 1, sa.func.length(PACK)) == PACK
    guild = (table if guilds is None else guilds).c.guild_id == GUILD
    return [starts, guild] if by_guild else [starts]


def _goes(seconds: Seconds, by_guild: bool) -> sa.CTE:
    """One row per go: on a post, a member's answers; on /test, a member's one answer."""
    return sa.union_all(_post_goes(seconds, by_guild), _test_goes(seconds, by_guild)).cte("goes")


def _post_goes(seconds: Seconds, by_guild: bool) -> sa.Select[Any]:
    """One row per member and post: the first answer, how it went, and how long it took."""
    first = a.c.attempt_number == 1
    hinted = sa.exists().where(h.c.post_id == a.c.post_id, h.c.member_id == a.c.member_id)
    return (
        sa.select(
            p.c.exercise_id,
            p.c.content_hash,
            a.c.member_id,
            sa.func.max(sa.case((first, a.c.answer))).label("first_answer"),
            sa.func.max(sa.case((first, a.c.correct), else_=0)).label("first_try"),
            sa.func.max(a.c.correct).label("solved"),
            sa.func.max(sa.case((hinted, 1), else_=0)).label("hinted"),
            sa.func.max(sa.case((a.c.correct == CORRECT, a.c.answer))).label("right"),
            sa.cast(seconds(sa.func.min(a.c.answered_at), p.c.posted_at), sa.Float()).label(
                "seconds"
            ),
            ZERO.label("tested"),
        )
        .select_from(a.join(p))
        .where(*_in_pack(p, by_guild))
        .group_by(p.c.post_id, a.c.member_id, p.c.exercise_id, p.c.content_hash, p.c.posted_at)
    )


def _test_goes(seconds: Seconds, by_guild: bool) -> sa.Select[Any]:
    """One row per answered /test question, in `_post_goes`' columns."""
    before = previous.c.run_id == q.c.run_id, previous.c.position == q.c.position - 1
    shown_at = sa.func.coalesce(previous.c.answered_at, runs.c.started_at)
    return (
        sa.select(
            q.c.exercise_id,
            q.c.content_hash,
            runs.c.member_id,
            q.c.answer.label("first_answer"),
            q.c.correct.label("first_try"),
            q.c.correct.label("solved"),
            ZERO.label("hinted"),
            sa.case((q.c.correct == CORRECT, q.c.answer)).label("right"),
            sa.cast(seconds(q.c.answered_at, shown_at), sa.Float()).label("seconds"),
            ONE.label("tested"),
        )
        .select_from(q.join(runs).outerjoin(previous, sa.and_(*before)))
        .where(q.c.answer.is_not(None), *_in_pack(q, by_guild, runs))
    )


def _picks(goes: sa.CTE) -> list[Any]:
    return [
        sa.func.sum(
            sa.case((sa.func.substr(goes.c.first_answer, blank + 1, 1) == letter, 1), else_=0)
        ).label(f"pick_{blank}_{letter}")
        for blank in range(MAX_BLANKS)
        for letter in LETTERS
    ]


def _totals(goes: Any) -> Any:
    """Per version: the members who had a go, their goes, first tries, solves, hints, picks."""
    version = (goes.c.exercise_id, goes.c.content_hash)
    return (
        sa.select(
            *version,
            sa.func.count(sa.distinct(goes.c.member_id)).label("members"),
            sa.func.count().label("goes"),
            sa.func.sum(goes.c.first_try).label("first_try"),
            sa.func.sum(goes.c.solved).label("solved"),
            sa.func.sum(goes.c.hinted).label("hinted"),
            sa.func.sum(goes.c.tested).label("tested"),
            sa.func.max(goes.c.right).label("right"),
            *_picks(goes),
        )
        .group_by(*version)
        .cte("totals")
    )


def _medians(goes: Any) -> Any:
    """Per version: the median seconds of its goes (the mean of the middle one or two)."""
    version = (goes.c.exercise_id, goes.c.content_hash)
    ranked = sa.select(
        *version,
        goes.c.seconds,
        sa.func.row_number().over(partition_by=version, order_by=goes.c.seconds).label("n"),
        sa.func.count().over(partition_by=version).label("of"),
    ).cte("ranked")
    middle = sa.or_(ranked.c.n == (ranked.c.of + 1) // 2, ranked.c.n == (ranked.c.of + 2) // 2)
    return (
        sa.select(
            ranked.c.exercise_id,
            ranked.c.content_hash,
            sa.cast(sa.func.avg(ranked.c.seconds), sa.Float()).label("median_seconds"),
        )
        .where(middle)
        .group_by(ranked.c.exercise_id, ranked.c.content_hash)
        .cte("medians")
    )


def _reported(by_guild: bool) -> Any:
    """Per version: how many reports it drew."""
    return (
        sa.select(r.c.exercise_id, r.c.content_hash, sa.func.count().label("reports"))
        .where(*_in_pack(r, by_guild))
        .group_by(r.c.exercise_id, r.c.content_hash)
        .cte("reported")
    )


def _shown(by_guild: bool) -> Any:
    """Every post of the pack, and every /test question a member reached (the run's
    position is its current question), with when it was posted (a question: its run's start)."""
    posted = sa.select(p.c.exercise_id, p.c.content_hash, p.c.difficulty, p.c.posted_at)
    asked = (
        sa.select(q.c.exercise_id, q.c.content_hash, q.c.difficulty, runs.c.started_at)
        .select_from(q.join(runs))
        .where(q.c.position <= runs.c.position, *_in_pack(q, by_guild, runs))
    )
    return sa.union_all(posted.where(*_in_pack(p, by_guild)), asked).cte("shown")


def _versions(by_guild: bool) -> Any:
    """Every version posted: its difficulty, its posts and when it was first posted."""
    shown = _shown(by_guild)
    return (
        sa.select(
            shown.c.exercise_id,
            shown.c.content_hash,
            sa.func.max(shown.c.difficulty).label("difficulty"),
            sa.func.count().label("posts"),
            sa.func.min(shown.c.posted_at).label("first_posted"),
        )
        .group_by(shown.c.exercise_id, shown.c.content_hash)
        .cte("versions")
    )


def _items(seconds: Seconds, by_guild: bool) -> sa.Select[Any]:
    goes = _goes(seconds, by_guild)
    totals, medians = _totals(goes), _medians(goes)
    reported, versions = _reported(by_guild), _versions(by_guild)

    def same(other: Any) -> Any:
        return sa.and_(
            other.c.exercise_id == versions.c.exercise_id,
            other.c.content_hash == versions.c.content_hash,
        )

    joined = (
        versions.outerjoin(totals, same(totals))
        .outerjoin(medians, same(medians))
        .outerjoin(reported, same(reported))
    )
    wanted = [c for c in totals.c if c.name not in ("exercise_id", "content_hash")]
    return (
        sa.select(versions, *wanted, medians.c.median_seconds, reported.c.reports)
        .select_from(joined)
        .order_by(versions.c.exercise_id, versions.c.first_posted, versions.c.content_hash)
    )


ITEMS_IN_SERVER = ByDialect(
    _items(_sqlite_seconds, by_guild=True), _items(_postgresql_seconds, by_guild=True)
)
ITEMS_EVERYWHERE = ByDialect(
    _items(_sqlite_seconds, by_guild=False), _items(_postgresql_seconds, by_guild=False)
)


_PICKS = {
    f"pick_{blank}_{letter}": (blank, letter) for blank in range(MAX_BLANKS) for letter in LETTERS
}
_COUNTS = ("posts", "members", "goes", "first_try", "solved", "hinted", "tested", "reports")


def item_from_row(row: Mapping[str, Any]) -> ItemStats:
    """A version's numbers (0 where it has no goes or reports yet) and its first picks."""
    numbers = {key: int(row[key] or 0) for key in (*_COUNTS, *_PICKS)}
    picks = {_PICKS[key]: numbers[key] for key in _PICKS if numbers[key]}
    return from_row(ItemStats, dict(row) | numbers, first_picks=picks)


class ItemReads(Part):
    """Item analytics (the store's own method)."""

    async def item_stats(self, pack: str, *, guild_id: int | None = None) -> list[ItemStats]:
        """Every version of `pack`'s exercises that was posted: on one server, or on all
        (guild_id None, for authors), oldest version of an exercise first."""
        if guild_id is None:
            found = await self._rows(ITEMS_EVERYWHERE, pack=f"{pack}/")
        else:
            found = await self._rows(ITEMS_IN_SERVER, pack=f"{pack}/", guild=guild_id)
        return [item_from_row(row) for row in found]
