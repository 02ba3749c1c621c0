"""A closed daily quiz's results, as its summary reads them: who scored, and per question
how many answered and solved it and which options their first answers picked."""

from __future__ import annotations

from collections import Counter

import sqlalchemy as sa

from bot.store.log_reads import POST_COUNTERS
from bot.store.part import Part
from bot.store.records import OptionPick
from bot.store.run import Row
from bot.store.tables import POST, Id, attempts, member_names, posts
from bot.store.tables import quiz_delivery_posts as delivery_posts

DELIVERY = sa.bindparam("delivery", type_=Id)
_names = sa.and_(
    member_names.c.guild_id == posts.c.guild_id, member_names.c.member_id == attempts.c.member_id
)
# Everyone who answered the delivery, best first (ties: who answered first); grouped by the
# name too: one per member in a server.
SCORERS = (
    sa.select(
        attempts.c.member_id,
        member_names.c.display_name,
        sa.func.sum(attempts.c.points).label("points"),
        sa.func.sum(attempts.c.correct).label("solves"),
    )
    .select_from(
        delivery_posts.join(attempts, attempts.c.post_id == delivery_posts.c.post_id)
        .join(posts, posts.c.post_id == attempts.c.post_id)
        .outerjoin(member_names, _names)
    )
    .where(delivery_posts.c.delivery_id == DELIVERY)
    .group_by(attempts.c.member_id, member_names.c.display_name)
    .order_by(
        sa.func.sum(attempts.c.points).desc(),
        sa.func.min(attempts.c.answered_at).asc(),
        attempts.c.member_id.asc(),
    )
)

FIRST_ANSWERS = sa.select(attempts.c.answer).where(
    attempts.c.post_id == POST, attempts.c.attempt_number == 1
)


def picks(answers: list[str]) -> list[OptionPick]:
    """Each option picked for each blank, in order: the answer "ABD" picks A for blank 0, B
    for blank 1 and D for blank 2; shares are of the answers counted."""
    counted = Counter((blank, option) for answer in answers for blank, option in enumerate(answer))
    return [
        OptionPick(blank, option, count, count / len(answers))
        for (blank, option), count in sorted(counted.items())
    ]


class QuizSummaryReads(Part):
    """The results part of `store.quizzes` (bot.store.quizzes)."""

    async def scorers(self, delivery_id: int) -> list[Row]:
        """Everyone who answered the delivery: member_id, display_name, points, solves; best
        first (ties: who answered first). One query, names from member_names."""
        return await self._rows(SCORERS, delivery=delivery_id)

    async def question_counts(self, post_id: int) -> tuple[int, int]:
        """(members who answered, members who solved) for one post."""
        row = await self._row(POST_COUNTERS, post=post_id)
        return (int(row["answered"]), int(row["solved"])) if row is not None else (0, 0)

    async def first_picks(self, post_id: int) -> list[OptionPick]:
        """The options picked for each blank by each member's first answer on the post."""
        return picks([row["answer"] for row in await self._rows(FIRST_ANSWERS, post=post_id)])
