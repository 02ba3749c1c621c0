"""The SQL the SQLite store runs, in one place so the schema and its uses read together.

Statements only: no connections and no rules. Times are compared as UTC ISO 8601 text
(see migrations/0001_learner_log.sql), which sorts like the times themselves.
"""

from __future__ import annotations

from bot.store.dialects import BothDialects

POST = "SELECT * FROM posts WHERE post_id = ?"

INSERT_POST = """
INSERT INTO posts (guild_id, channel_id, message_id, exercise_id, content_hash,
                   difficulty, context, attempt_limit, posted_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
"""

SET_POST_MESSAGE = "UPDATE posts SET message_id = ? WHERE post_id = ?"

# One member on one post: what the limit, points and no-farming rules need.
# solution_seen_before: on another post of the same exercise in the same guild, the member
# saw the solution: they answered it correctly or used every attempt. (Run it shows the
# correct run only after one of these, so it needs no row of its own.)
# forgotten_since_posted: the member used /forget-me after (or as) the post was made.
# `:member` is the member's id; PostgreSQL's batched checks put a column there (pg_queries).
STANDING_COLUMNS = """
       p.attempt_limit,
       p.difficulty,
       (SELECT count(*) FROM attempts AS a
         WHERE a.post_id = p.post_id AND a.member_id = :member) AS attempts_used,
       EXISTS (SELECT 1 FROM attempts AS a
                WHERE a.post_id = p.post_id AND a.member_id = :member
                  AND a.correct = 1) AS solved,
       (SELECT coalesce(sum(a.points), 0) FROM attempts AS a
         WHERE a.post_id = p.post_id AND a.member_id = :member) AS points,
       (SELECT count(*) FROM hints AS h
         WHERE h.post_id = p.post_id AND h.member_id = :member) AS hints_used,
       EXISTS (SELECT 1 FROM posts AS other
                WHERE other.guild_id = p.guild_id AND other.exercise_id = p.exercise_id
                  AND other.post_id <> p.post_id
                  AND (EXISTS (SELECT 1 FROM attempts AS a
                                WHERE a.post_id = other.post_id AND a.member_id = :member
                                  AND a.correct = 1)
                       OR (SELECT count(*) FROM attempts AS a
                            WHERE a.post_id = other.post_id
                              AND a.member_id = :member) >= other.attempt_limit)
       ) AS solution_seen_before,
       EXISTS (SELECT 1 FROM forgotten_members AS f
                WHERE f.guild_id = p.guild_id AND f.member_id = :member
                  AND f.forgotten_at >= p.posted_at) AS forgotten_since_posted"""

STANDING = f"SELECT {STANDING_COLUMNS}\n  FROM posts AS p\n WHERE p.post_id = :post"

# Everything recording an attempt decides on, in one statement: the standing, the attempt
# this interaction already recorded (a retried click) and the member's earlier attempt with
# the same answer (a double click must not cost twice).
RECORD_CHECKS = f"""
SELECT {STANDING_COLUMNS},
       (SELECT a.attempt_id FROM attempts AS a
         WHERE a.interaction_id = :interaction) AS recorded_attempt_id,
       (SELECT a.attempt_id FROM attempts AS a
         WHERE a.post_id = p.post_id AND a.member_id = :member AND a.answer = :answer
         ORDER BY a.attempt_number LIMIT 1) AS same_answer_attempt_id
  FROM posts AS p
 WHERE p.post_id = :post
"""

ATTEMPT = "SELECT * FROM attempts WHERE attempt_id = ?"

# The attempt limit is part of the INSERT: no row when the member has used every attempt.
INSERT_ATTEMPT_IF_ALLOWED = """
INSERT INTO attempts (post_id, member_id, interaction_id, attempt_number, answer, correct,
                      points, answered_at)
SELECT :post, :member, :interaction, :number, :answer, :correct, :points, :at
  FROM posts AS p
 WHERE p.post_id = :post
   AND (SELECT count(*) FROM attempts AS a
         WHERE a.post_id = :post AND a.member_id = :member) < p.attempt_limit
"""

# The member's answers on a post, in the order given ("Run it" runs only these).
ANSWERS_GIVEN = """
SELECT answer FROM attempts WHERE post_id = ? AND member_id = ? ORDER BY attempt_number
"""

INSERT_HINT = """
INSERT INTO hints (post_id, member_id, hint_number, used_at) VALUES (?, ?, ?, ?)
ON CONFLICT (post_id, member_id, hint_number) DO NOTHING
"""

HINTS_USED = "SELECT count(*) FROM hints WHERE post_id = ? AND member_id = ?"

POST_COUNTERS = """
SELECT count(DISTINCT member_id) AS answered,
       count(DISTINCT CASE WHEN correct = 1 THEN member_id END) AS solved
  FROM attempts
 WHERE post_id = ?
"""

# A member's answers per pack; the pack is the exercise id up to its "/".
MEMBER_STATS_BY_PACK = """
SELECT CASE WHEN instr(p.exercise_id, '/') > 0
            THEN substr(p.exercise_id, 1, instr(p.exercise_id, '/') - 1)
            ELSE p.exercise_id END AS pack_id,
       count(*) AS attempts,
       sum(a.correct) AS correct,
       sum(a.points) AS points,
       count(DISTINCT CASE WHEN a.correct = 1 THEN p.exercise_id END) AS solved
  FROM attempts AS a JOIN posts AS p ON p.post_id = a.post_id
 WHERE p.guild_id = ? AND a.member_id = ?
 GROUP BY pack_id
 ORDER BY pack_id
"""

# Points earned in a guild since a moment ("" for all time). Ties go to whoever reached
# their points first, then to the lower member id so the order is always the same.
LEADERBOARD = """
WITH board AS (
    SELECT a.member_id,
           p.guild_id,
           sum(a.points) AS points,
           sum(a.correct) AS solves,
           max(CASE WHEN a.points > 0 THEN a.answered_at END) AS last_scored_at
      FROM attempts AS a JOIN posts AS p ON p.post_id = a.post_id
     WHERE p.guild_id = ? AND a.answered_at >= ?
     GROUP BY a.member_id
    HAVING sum(a.points) > 0
     ORDER BY points DESC, last_scored_at ASC, a.member_id ASC
     LIMIT ?
)
SELECT board.*, n.display_name
  FROM board LEFT JOIN member_names AS n USING (guild_id, member_id)
 ORDER BY points DESC, last_scored_at ASC, member_id ASC
"""

# How often each option was picked for each blank; the answer "ABD" picks A for blank 0,
# B for blank 1 and D for blank 2. `answers` is the number of answers counted on the post.
# PostgreSQL numbers the blanks with generate_series (it would want WITH RECURSIVE).
PICK_RATES = BothDialects(
    """
WITH counted AS (
    SELECT answer FROM attempts
     WHERE post_id = :post AND (:first_only = 0 OR attempt_number = 1)
),
blanks (blank) AS (
    SELECT 1 WHERE EXISTS (SELECT 1 FROM counted)
    UNION ALL
    SELECT blank + 1 FROM blanks WHERE blank < (SELECT max(length(answer)) FROM counted)
)
SELECT b.blank - 1 AS blank,
       substr(c.answer, b.blank, 1) AS option,
       count(*) AS picks,
       (SELECT count(*) FROM counted) AS answers
  FROM counted AS c JOIN blanks AS b ON b.blank <= length(c.answer)
 GROUP BY b.blank, option
 ORDER BY b.blank, option
""",
    postgresql="""
WITH counted AS (
    SELECT answer FROM attempts
     WHERE post_id = :post AND (:first_only = 0 OR attempt_number = 1)
)
SELECT b.blank - 1 AS blank,
       substr(c.answer, b.blank, 1) AS option,
       count(*) AS picks,
       (SELECT count(*) FROM counted) AS answers
  FROM counted AS c CROSS JOIN LATERAL generate_series(1, length(c.answer)) AS b (blank)
 GROUP BY 1, 2
 ORDER BY 1, 2
""",
)

# The minutes (UTC, "YYYY-MM-DDTHH:MM") in which a member solved something in a guild.
# Every time zone's offset is whole minutes, so minutes are enough to find local dates.
SOLVE_MINUTES = """
SELECT DISTINCT substr(a.answered_at, 1, 16)
  FROM attempts AS a JOIN posts AS p ON p.post_id = a.post_id
 WHERE p.guild_id = ? AND a.member_id = ? AND a.correct = 1
"""

# The command tree last synced to a scope (a server id, or 0 for the global commands).
SYNCED_COMMANDS = "SELECT tree_hash FROM command_syncs WHERE scope = ?"

RECORD_COMMAND_SYNC = """
INSERT INTO command_syncs (scope, tree_hash, synced_at) VALUES (?, ?, ?)
ON CONFLICT (scope) DO UPDATE SET tree_hash = excluded.tree_hash, synced_at = excluded.synced_at
"""
