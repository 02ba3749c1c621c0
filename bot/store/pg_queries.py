"""The SQL the PostgreSQL store runs: SQLite's statements where the dialects agree (turned
from `?` and `:name` into psycopg's `%s` and `%(name)s`), PostgreSQL's own where they don't.

Each is named PG_ and the name of SQLite's statement it stands for. Times are timestamptz
parameters (aware datetimes from the bot's clock, never now()).
"""

from __future__ import annotations

from bot.store import queries
from bot.store.pg_compat import translate


def from_sqlite(statement: str) -> str:
    """SQLite's placeholders in psycopg's style (bot.store.pg_compat.translate)."""
    return translate(statement, ())[0]


# The learner log

PG_POST = from_sqlite(queries.POST)
PG_INSERT_POST = from_sqlite(queries.INSERT_POST).rstrip() + " RETURNING *"
PG_SET_POST_MESSAGE = from_sqlite(queries.SET_POST_MESSAGE)
PG_STANDING = from_sqlite(queries.STANDING)
PG_ANSWERS_GIVEN = from_sqlite(queries.ANSWERS_GIVEN)
PG_INSERT_HINT = from_sqlite(queries.INSERT_HINT)
PG_HINTS_USED = from_sqlite(queries.HINTS_USED)
PG_POST_COUNTERS = from_sqlite(queries.POST_COUNTERS)
PG_SYNCED_COMMANDS = from_sqlite(queries.SYNCED_COMMANDS)
PG_RECORD_COMMAND_SYNC = from_sqlite(queries.RECORD_COMMAND_SYNC)

# Recording attempts, a batch at a time (bot.store.pg_attempts): one read decides every
# waiting attempt, one INSERT stores the batch's new ones.
_ATTEMPT_COLUMNS = (
    "attempt_id",
    "post_id",
    "member_id",
    "interaction_id",
    "attempt_number",
    "answer",
    "correct",
    "points",
    "answered_at",
)


def _columns_of(table: str) -> str:
    """An attempt's columns from `table`, each named `table_column` (r_answer, s_answer...)."""
    return ", ".join(f"{table}.{column} AS {table}_{column}" for column in _ATTEMPT_COLUMNS)


# Per job (in the order given): whether its post exists, the member's standing on it (as
# SQLite's STANDING, the same SQL), the attempt its interaction already recorded (r_, a
# retried click) and the member's earlier attempt with the same answer (s_, a double click).
RECORD_CHECKS_BATCH = f"""
SELECT j.job,
       p.post_id IS NOT NULL AS post_found,
       {queries.STANDING_COLUMNS.replace(":member", "j.member_id").strip()},
       {_columns_of("r")},
       {_columns_of("s")}
  FROM unnest(%(posts)s::bigint[], %(members)s::bigint[], %(interactions)s::bigint[],
              %(answers)s::text[]) WITH ORDINALITY
       AS j (post_id, member_id, interaction_id, answer, job)
  LEFT JOIN posts AS p ON p.post_id = j.post_id
  LEFT JOIN attempts AS r ON r.interaction_id = j.interaction_id
  LEFT JOIN LATERAL (
        SELECT * FROM attempts AS a
         WHERE a.post_id = j.post_id AND a.member_id = j.member_id AND a.answer = j.answer
         ORDER BY a.attempt_number LIMIT 1) AS s ON true
 ORDER BY j.job
"""

# The batch's new attempts in one statement. Each number comes from the count the checks
# read; it must be within the post's limit, and UNIQUE (post_id, member_id, attempt_number)
# and UNIQUE (interaction_id) turn away an answer that lost a race to another transaction
# (perhaps in another process): no row comes back for it, and it is decided again. Rows go
# in in the order given (sorted by post and member), so that two batches take the same keys
# in the same order and cannot deadlock.
INSERT_ATTEMPTS = """
INSERT INTO attempts (post_id, member_id, interaction_id, attempt_number, answer, correct,
                      points, answered_at)
SELECT j.post_id, j.member_id, j.interaction_id, j.attempt_number, j.answer, j.correct,
       j.points, j.answered_at
  FROM unnest(%(posts)s::bigint[], %(members)s::bigint[], %(interactions)s::bigint[],
              %(numbers)s::integer[], %(answers)s::text[], %(correct)s::integer[],
              %(points)s::integer[], %(at)s::timestamptz[]) WITH ORDINALITY
       AS j (post_id, member_id, interaction_id, attempt_number, answer, correct, points,
             answered_at, job)
  JOIN posts AS p ON p.post_id = j.post_id AND j.attempt_number <= p.attempt_limit
 ORDER BY j.job
ON CONFLICT DO NOTHING
RETURNING interaction_id, attempt_id
"""

# Reads on every click, coalesced (bot.store.pg_lookups): every waiting key in one statement.
POSTS_BY_ID = "SELECT * FROM posts WHERE post_id = ANY(%s::bigint[])"
CLOSED_AT_BY_POST = "SELECT post_id, closed_at FROM closed_posts WHERE post_id = ANY(%s::bigint[])"
CLOSED_QUIZ_POSTS = """
SELECT d.post_id FROM quiz_delivery_posts AS d JOIN quiz_deliveries AS q USING (delivery_id)
 WHERE d.post_id = ANY(%s::bigint[]) AND q.status = 'closed'
"""

PG_MEMBER_STATS_BY_PACK = """
SELECT split_part(p.exercise_id, '/', 1) AS pack_id,
       count(*) AS attempts,
       sum(a.correct) AS correct,
       sum(a.points) AS points,
       count(DISTINCT CASE WHEN a.correct = 1 THEN p.exercise_id END) AS solved
  FROM attempts AS a JOIN posts AS p ON p.post_id = a.post_id
 WHERE p.guild_id = %s AND a.member_id = %s
 GROUP BY pack_id
 ORDER BY pack_id
"""

PG_LEADERBOARD = """
WITH board AS (
    SELECT a.member_id,
           sum(a.points) AS points,
           sum(a.correct) AS solves,
           max(CASE WHEN a.points > 0 THEN a.answered_at END) AS last_scored_at
      FROM attempts AS a JOIN posts AS p ON p.post_id = a.post_id
     WHERE p.guild_id = %(guild)s
       AND (%(since)s::timestamptz IS NULL OR a.answered_at >= %(since)s::timestamptz)
     GROUP BY a.member_id
    HAVING sum(a.points) > 0
     ORDER BY points DESC, last_scored_at ASC, a.member_id ASC
     LIMIT %(limit)s
)
SELECT board.*, n.display_name
  FROM board LEFT JOIN member_names AS n
    ON n.guild_id = %(guild)s AND n.member_id = board.member_id
 ORDER BY points DESC, last_scored_at ASC, member_id ASC
"""

PG_PICK_RATES = from_sqlite(queries.PICK_RATES.postgresql)

PG_SOLVE_MINUTES = """
SELECT DISTINCT date_trunc('minute', a.answered_at) AS minute
  FROM attempts AS a JOIN posts AS p ON p.post_id = a.post_id
 WHERE p.guild_id = %s AND a.member_id = %s AND a.correct = 1
"""
