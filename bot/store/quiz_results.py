"""A closed daily quiz's results, as its summary reads them: who scored, how many members
answered and solved each question, which options were picked first. Read-only, on the
store's read connection; part of `store.quizzes`. No Discord here.
"""

from __future__ import annotations

from sqlite3 import Row

import aiosqlite

from bot.store import queries
from bot.store.quiz_rows import all_rows, one


class QuizResultReads:
    """Mixed into SqliteQuizzes (and so PostgresQuizzes), which sets `_reads`."""

    _reads: aiosqlite.Connection

    async def scorers(self, delivery_id: int) -> list[Row]:
        """Everyone who answered the delivery: member_id, display_name, points, solves; best
        first (ties: who answered first). One query, names from member_names."""
        return await all_rows(self._reads, _SCORERS, (delivery_id,))

    async def question_counts(self, post_id: int) -> tuple[int, int]:
        """(members who answered, members who solved) for one post."""
        row = await one(self._reads, queries.POST_COUNTERS, (post_id,))
        return (row["answered"], row["solved"]) if row is not None else (0, 0)

    async def first_picks(self, post_id: int) -> list[tuple[int, str, int, float]]:
        """(blank, option, picks, share) over each member's first answer on the post."""
        values = {"post": post_id, "first_only": 1}
        rows = await all_rows(self._reads, queries.PICK_RATES, values)
        return [
            (row["blank"], row["option"], row["picks"], row["picks"] / row["answers"])
            for row in rows
        ]


# Grouped by the name too: one per member in a server, and PostgreSQL asks for it.
_SCORERS = """
SELECT a.member_id, n.display_name, sum(a.points) AS points, sum(a.correct) AS solves
  FROM quiz_delivery_posts AS d
  JOIN attempts AS a ON a.post_id = d.post_id
  JOIN posts AS p ON p.post_id = a.post_id
  LEFT JOIN member_names AS n ON n.guild_id = p.guild_id AND n.member_id = a.member_id
 WHERE d.delivery_id = ?
 GROUP BY a.member_id, n.display_name
 ORDER BY points DESC, min(a.answered_at) ASC, a.member_id ASC
"""
