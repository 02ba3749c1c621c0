"""The SQL for per-server data (bot.store.servers): settings, moderators' actions, reports,
forgetting a member and deleting a departed server. Statements only, as in queries.py."""

from __future__ import annotations

SETTINGS = "SELECT * FROM guild_settings WHERE guild_id = ?"

PRACTICE_CHANNELS = "SELECT channel_id FROM practice_channels WHERE guild_id = ?"

SAVE_SETTINGS = """
INSERT INTO guild_settings (guild_id, time_zone, moderator_role_id, log_channel_id,
                            quiz_role_id, forget_after_days, updated_at)
VALUES (:guild, :time_zone, :moderator_role, :log_channel, :quiz_role, :forget_after, :at)
ON CONFLICT (guild_id) DO UPDATE SET
    time_zone = excluded.time_zone,
    moderator_role_id = excluded.moderator_role_id,
    log_channel_id = excluded.log_channel_id,
    quiz_role_id = excluded.quiz_role_id,
    forget_after_days = excluded.forget_after_days,
    updated_at = excluded.updated_at
"""

CLEAR_PRACTICE_CHANNELS = "DELETE FROM practice_channels WHERE guild_id = ?"
ADD_PRACTICE_CHANNEL = "INSERT INTO practice_channels (guild_id, channel_id) VALUES (?, ?)"

AUDIT = """
INSERT INTO moderator_actions (guild_id, moderator_id, action, detail, acted_at)
VALUES (?, ?, ?, ?, ?)
"""

AUDIT_LOG = """
SELECT * FROM moderator_actions WHERE guild_id = ?
 ORDER BY acted_at DESC, action_id DESC LIMIT ?
"""

POST_BY_MESSAGE = "SELECT * FROM posts WHERE message_id = ?"

RESET_HINTS = "DELETE FROM hints WHERE post_id = ? AND member_id = ?"
RESET_ATTEMPTS = "DELETE FROM attempts WHERE post_id = ? AND member_id = ?"

CLOSE_POST = """
INSERT INTO closed_posts (post_id, closed_by, closed_at) VALUES (?, ?, ?)
ON CONFLICT (post_id) DO NOTHING
"""
CLOSED_AT = "SELECT closed_at FROM closed_posts WHERE post_id = ?"

DISABLE_EXERCISE = """
INSERT INTO disabled_exercises (guild_id, exercise_id, disabled_by, disabled_at)
VALUES (?, ?, ?, ?) ON CONFLICT (guild_id, exercise_id) DO NOTHING
"""
ENABLE_EXERCISE = "DELETE FROM disabled_exercises WHERE guild_id = ? AND exercise_id = ?"
DISABLED_EXERCISES = "SELECT exercise_id FROM disabled_exercises WHERE guild_id = ?"

ADD_REPORT = """
INSERT INTO reports (guild_id, post_id, exercise_id, content_hash, member_id, reason,
                     reported_at)
VALUES (?, ?, ?, ?, ?, ?, ?)
"""
MEMBERS_REPORT = """
SELECT report_id FROM reports
 WHERE guild_id = ? AND exercise_id = ? AND content_hash = ? AND member_id = ?
"""
REPLACE_REASON = "UPDATE reports SET reason = ? WHERE report_id = ?"
MEMBER_REPORTS_SINCE = """
SELECT count(*) FROM reports WHERE guild_id = ? AND member_id = ? AND reported_at >= ?
"""
EXERCISE_REPORTS_SINCE = """
SELECT count(*) FROM reports WHERE guild_id = ? AND exercise_id = ? AND reported_at >= ?
"""
REPORT_COUNT = """
SELECT count(*) FROM reports WHERE guild_id = ? AND exercise_id = ? AND content_hash = ?
"""
REPORTS = """
SELECT exercise_id, content_hash, reason FROM reports WHERE guild_id = ?
 ORDER BY reported_at DESC, report_id DESC
"""

# /forget-me: the member's rows in one server's posts and runs, children first.
_MEMBER_POSTS = "post_id IN (SELECT post_id FROM posts WHERE guild_id = :guild)"
FORGET_ATTEMPTS = f"DELETE FROM attempts WHERE member_id = :member AND {_MEMBER_POSTS}"
FORGET_HINTS = f"DELETE FROM hints WHERE member_id = :member AND {_MEMBER_POSTS}"
FORGET_REPORTS = "DELETE FROM reports WHERE guild_id = :guild AND member_id = :member"
_MEMBER_RUNS = "SELECT run_id FROM test_runs WHERE guild_id = :guild AND member_id = :member"
FORGET_TEST_QUESTIONS = f"DELETE FROM test_run_questions WHERE run_id IN ({_MEMBER_RUNS})"
FORGET_TEST_RUNS = "DELETE FROM test_runs WHERE guild_id = :guild AND member_id = :member"
FORGET_NAME = "DELETE FROM member_names WHERE guild_id = :guild AND member_id = :member"
REMEMBER_FORGOTTEN = """
INSERT INTO forgotten_members (guild_id, member_id, forgotten_at) VALUES (:guild, :member, :at)
ON CONFLICT (guild_id, member_id) DO UPDATE SET forgotten_at = excluded.forgotten_at
"""

SERVERS_KEPT = """
SELECT guild_id FROM posts UNION SELECT guild_id FROM guild_settings
UNION SELECT guild_id FROM moderator_actions UNION SELECT guild_id FROM disabled_exercises
UNION SELECT guild_id FROM test_runs UNION SELECT guild_id FROM quiz_schedules
EXCEPT SELECT guild_id FROM departed_guilds
"""

SERVER_LEFT = """
INSERT INTO departed_guilds (guild_id, left_at) VALUES (?, ?)
ON CONFLICT (guild_id) DO NOTHING
"""
SERVER_RETURNED = "DELETE FROM departed_guilds WHERE guild_id = ?"
DEPARTED = """
SELECT d.guild_id, d.left_at, coalesce(s.forget_after_days, :default_days) AS days
  FROM departed_guilds AS d LEFT JOIN guild_settings AS s ON s.guild_id = d.guild_id
"""

# Everything kept about one server, children before parents.
_POSTS = "post_id IN (SELECT post_id FROM posts WHERE guild_id = :guild)"
_SCHEDULES = "schedule_id IN (SELECT schedule_id FROM quiz_schedules WHERE guild_id = :guild)"
_DELIVERIES = f"delivery_id IN (SELECT delivery_id FROM quiz_deliveries WHERE {_SCHEDULES})"
_RUNS = "run_id IN (SELECT run_id FROM test_runs WHERE guild_id = :guild)"
DELETE_SERVER = (
    f"DELETE FROM attempts WHERE {_POSTS}",
    f"DELETE FROM hints WHERE {_POSTS}",
    f"DELETE FROM closed_posts WHERE {_POSTS}",
    "DELETE FROM reports WHERE guild_id = :guild",
    f"DELETE FROM quiz_delivery_posts WHERE {_DELIVERIES}",
    f"DELETE FROM quiz_deliveries WHERE {_SCHEDULES}",
    "DELETE FROM quiz_schedules WHERE guild_id = :guild",
    "DELETE FROM posts WHERE guild_id = :guild",
    f"DELETE FROM test_run_questions WHERE {_RUNS}",
    "DELETE FROM test_runs WHERE guild_id = :guild",
    "DELETE FROM guild_settings WHERE guild_id = :guild",
    "DELETE FROM practice_channels WHERE guild_id = :guild",
    "DELETE FROM disabled_exercises WHERE guild_id = :guild",
    "DELETE FROM moderator_actions WHERE guild_id = :guild",
    "DELETE FROM forgotten_members WHERE guild_id = :guild",
    "DELETE FROM departed_guilds WHERE guild_id = :guild",
    "DELETE FROM member_names WHERE guild_id = :guild",
)
