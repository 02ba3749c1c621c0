"""Every table of the store, once, as SQLAlchemy Core: one MetaData compiled for SQLite and
for PostgreSQL. Every statement in bot/store is built from these tables.

`v5_metadata` is frozen: it is the schema of version 5 (what the releases before Alembic
made), named; the baseline revision creates it and revision 0002 rebuilds SQLite's tables
from it. `metadata` is the schema now (head): version 5 plus the changes of every later
revision, each also written in its revision (see docs/architecture.md, "Changing the schema").

Every constraint has a name (Alembic's batch mode on SQLite drops unnamed ones), following
PostgreSQL's own naming, so that the names of a schema made by the releases before Alembic
are the same. Times are UTC ISO 8601 text ending in Z on SQLite (compared as text, which
sorts like the times) and timestamptz on PostgreSQL, both through `Time`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"
_TIME_LENGTH = len("2026-01-31T23:59:59.123456Z")

NAMING = {
    "pk": "%(table_name)s_pkey",
    "uq": "%(table_name)s_%(column_0_N_name)s_key",
    "fk": "%(table_name)s_%(column_0_N_name)s_fkey",
    "ck": "%(table_name)s_%(constraint_name)s",
    "ix": "%(table_name)s_%(column_0_N_name)s_idx",
}


def to_db(moment: datetime, name: str = "time") -> str:
    """A time as SQLite keeps it; a naive datetime is refused, never guessed."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime, got naive {moment!r}")
    return moment.astimezone(UTC).strftime(TIME_FORMAT)


def from_db(value: str | datetime) -> datetime:
    if isinstance(value, datetime):  # PostgreSQL's timestamptz
        return value.astimezone(UTC)
    if len(value) == _TIME_LENGTH and value[-1] == "Z" and value[10] == "T":
        return datetime.fromisoformat(value[:-1]).replace(tzinfo=UTC)  # ~10x strptime
    return datetime.strptime(value, TIME_FORMAT).replace(tzinfo=UTC)


class Time(TypeDecorator[datetime]):
    """An aware datetime: ISO text with a Z on SQLite, timestamptz on PostgreSQL."""

    impl = sa.Text
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> Any:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(sa.TIMESTAMP(timezone=True))
        return dialect.type_descriptor(sa.Text())

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        text = to_db(value)
        return text if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        return None if value is None or value == "" else from_db(value)


Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
"""Discord ids and our keys: bigint on PostgreSQL, INTEGER on SQLite (STRICT refuses BIGINT,
and only INTEGER PRIMARY KEY is the rowid)."""


POST = sa.bindparam("post", type_=Id)
MEMBER = sa.bindparam("member", type_=Id)
GUILD = sa.bindparam("guild", type_=Id)
"""The parameters most statements share: a post, a member, a server."""
CORRECT: sa.ColumnClause[int] = sa.literal_column("1")
"""`attempts.correct == CORRECT`: written into the SQL, not bound, so that SQLite uses the
partial index solves_by_member (with `correct = ?` it cannot know the row is in the index:
a click's standing read took 300 us instead of 60 on a post of 1,000 answers)."""


def status(value: str) -> sa.ColumnClause[str]:
    """`quiz_deliveries.status == status("closed")`: a status written into the SQL, as
    CORRECT is, for the column quiz_deliveries_unfinished's condition names. Bound, SQLite
    prepares the statement again at every execution (the value might decide whether the
    index applies): a click's record checks took 110-130 us instead of 8."""
    if not value.isalpha():
        raise ValueError(f"not a delivery status: {value!r}")
    return sa.literal_column(f"'{value}'")


def _key(name: str) -> sa.Column[int]:
    return sa.Column(name, Id, sa.Identity(), primary_key=True)


def _id(name: str, *more: Any, nullable: bool = False, **kw: Any) -> sa.Column[int]:
    return sa.Column(name, Id, *more, nullable=nullable, **kw)


def _column(name: str, kind: Any, check: str | None, **kw: Any) -> sa.Column[Any]:
    """NOT NULL unless nullable=True; its CHECK, if any, is named `<name>_check`."""
    more = [sa.CheckConstraint(check, name=f"{name}_check")] if check else []
    return sa.Column(name, kind, *more, nullable=kw.pop("nullable", False), **kw)


def _text(name: str, check: str | None = None, **kw: Any) -> sa.Column[str]:
    return _column(name, sa.Text(), check, **kw)


def _int(name: str, check: str | None = None, **kw: Any) -> sa.Column[int]:
    return _column(name, sa.Integer(), check, **kw)


def _time(name: str, *, nullable: bool = False) -> sa.Column[datetime]:
    return sa.Column(name, Time(), nullable=nullable)


def _difficulty(nullable: bool = False) -> sa.Column[str]:
    return _text("difficulty", "difficulty IN ('easy', 'medium', 'hard')", nullable=nullable)


def _ref(name: str, target: str, *, unique: bool = False) -> sa.Column[int]:
    return _id(name, sa.ForeignKey(target), unique=unique)


def _local_time_checks() -> list[sa.CheckConstraint]:
    """'HH:MM', in each dialect's pattern syntax (the one check the two write differently)."""
    name = "local_time_check"
    sqlite = sa.CheckConstraint("local_time GLOB '[0-2][0-9]:[0-5][0-9]'", name)
    postgresql = sa.CheckConstraint("local_time ~ '^[0-2][0-9]:[0-5][0-9]$'", name)
    return [sqlite.ddl_if(dialect="sqlite"), postgresql.ddl_if(dialect="postgresql")]


def _table(metadata: sa.MetaData, name: str, *items: Any) -> sa.Table:
    return sa.Table(name, metadata, *items, sqlite_strict=True)


def v5_metadata() -> sa.MetaData:
    """Schema version 5's tables, named (frozen: used by revisions 0001 and 0002)."""
    metadata = sa.MetaData(naming_convention=NAMING)
    _define_v5_practice(metadata)
    _define_v5_quizzes(metadata)
    _define_v5_tests(metadata)
    _define_v5_moderation(metadata)
    return metadata


def _define_v5_practice(m: sa.MetaData) -> None:
    """Version 5's posts, with the attempts and hints made on them."""
    t = _table
    t(m, "posts", _key("post_id"), _id("guild_id"), _id("channel_id"),
      _id("message_id", nullable=True, unique=True), _text("exercise_id"),
      _text("content_hash"), _difficulty(),
      _text("context", "context IN ('practice', 'daily-quiz', 'test')"),
      _int("attempt_limit", "attempt_limit >= 1"), _time("posted_at"),
      sa.Index("posts_by_exercise", "guild_id", "exercise_id"),
      sa.Index("posts_by_channel", "channel_id", "exercise_id", "posted_at"))  # fmt: skip
    t(m, "attempts", _key("attempt_id"), _ref("post_id", "posts.post_id"), _id("member_id"),
      _id("interaction_id", unique=True), _int("attempt_number", "attempt_number >= 1"),
      _text("answer", "length(answer) >= 1"),
      _int("correct", "correct IN (0, 1)"), _int("points", "points >= 0"),
      _time("answered_at"), sa.UniqueConstraint("post_id", "member_id", "attempt_number"),
      sa.Index("attempts_by_time", "answered_at"),
      sa.Index("solves_by_member", "member_id", "post_id",
               sqlite_where=sa.text("correct = 1"),
               postgresql_where=sa.text("correct = 1")))  # fmt: skip
    t(m, "hints", _ref("post_id", "posts.post_id"), _id("member_id"),
      _int("hint_number", "hint_number >= 1"), _time("used_at"),
      sa.PrimaryKeyConstraint("post_id", "member_id", "hint_number"))  # fmt: skip


def _define_v5_quizzes(m: sa.MetaData) -> None:
    """Version 5's server settings and daily-quiz schedules, deliveries and their posts."""
    t = _table
    t(m, "guild_settings", _id("guild_id", primary_key=True),
      _text("time_zone", server_default="UTC"), _id("moderator_role_id", nullable=True),
      _id("quiz_channel_id", nullable=True), _time("updated_at"),
      _id("log_channel_id", nullable=True), _id("quiz_role_id", nullable=True),
      _int("forget_after_days", "forget_after_days BETWEEN 1 AND 365",
           server_default=sa.text("30")))  # fmt: skip
    t(m, "quiz_schedules", _key("schedule_id"), _id("guild_id"), _id("channel_id"),
      _text("local_time"), *_local_time_checks(),
      _text("time_zone"), _text("pack", nullable=True), _difficulty(nullable=True),
      _int("question_count", "question_count >= 1", server_default=sa.text("1")),
      _id("created_by"), _time("created_at"), _time("paused_at", nullable=True),
      _text("pause_reason", nullable=True), _time("removed_at", nullable=True),
      _time("active_since", nullable=True), _text("last_error", nullable=True),
      _time("last_error_at", nullable=True),
      sa.CheckConstraint("(paused_at IS NULL) = (pause_reason IS NULL)", "check"),
      sa.Index("quiz_schedules_by_guild", "guild_id"))  # fmt: skip
    t(m, "quiz_deliveries", _key("delivery_id"), _ref("schedule_id", "quiz_schedules.schedule_id"),
      _text("local_date"), _time("due_at"),
      _text("status", "status IN ('claimed', 'posted', 'skipped', 'failed', 'closed')",
            server_default="claimed"),
      _time("claimed_at"), _text("claimed_by"), _time("lease_until", nullable=True),
      _int("failures", "failures >= 0", server_default=sa.text("0")),
      _time("posted_at", nullable=True),
      _text("note", nullable=True), _id("summary_message_id", nullable=True),
      _time("closed_at", nullable=True), sa.UniqueConstraint("schedule_id", "local_date"),
      sa.Index("quiz_deliveries_unfinished", "lease_until",
               sqlite_where=sa.text("status = 'claimed'"),
               postgresql_where=sa.text("status = 'claimed'")))  # fmt: skip
    t(m, "quiz_delivery_posts", _ref("delivery_id", "quiz_deliveries.delivery_id"),
      _int("position", "position >= 0"), _ref("post_id", "posts.post_id", unique=True),
      sa.PrimaryKeyConstraint("delivery_id", "position"))  # fmt: skip


def _define_v5_tests(m: sa.MetaData) -> None:
    """Version 5's test runs and their questions, and the command syncs."""
    t = _table
    t(m, "test_runs", _key("run_id"), _id("guild_id"), _id("member_id"),
      _text("pack", nullable=True), _int("position", "position >= 0", server_default=sa.text("0")),
      _time("started_at"), _time("finished_at", nullable=True),
      sa.Index("test_runs_by_member", "guild_id", "member_id"))  # fmt: skip
    t(m, "test_run_questions", _ref("run_id", "test_runs.run_id"),
      _int("position", "position >= 0"), _text("exercise_id"), _text("content_hash"),
      _difficulty(), _text("answer", nullable=True),
      _int("correct", "correct IN (0, 1)", nullable=True), _time("answered_at", nullable=True),
      sa.PrimaryKeyConstraint("run_id", "position"),
      sa.CheckConstraint("(answer IS NULL) = (correct IS NULL) "
                         "AND (answer IS NULL) = (answered_at IS NULL)", "check"))  # fmt: skip
    t(m, "command_syncs", _id("scope", primary_key=True), _text("tree_hash"), _time("synced_at"))


def _define_v5_moderation(m: sa.MetaData) -> None:
    """Version 5's moderation tables: channels, disabled exercises, closed posts, reports."""
    t = _table
    t(m, "practice_channels", _id("guild_id"), _id("channel_id"),
      sa.PrimaryKeyConstraint("guild_id", "channel_id"))  # fmt: skip
    t(m, "disabled_exercises", _id("guild_id"), _text("exercise_id"), _id("disabled_by"),
      _time("disabled_at"), sa.PrimaryKeyConstraint("guild_id", "exercise_id"))  # fmt: skip
    t(m, "closed_posts", _id("post_id", sa.ForeignKey("posts.post_id"), primary_key=True),
      _id("closed_by"), _time("closed_at"))  # fmt: skip
    t(m, "reports", _key("report_id"), _id("guild_id"), _ref("post_id", "posts.post_id"),
      _text("exercise_id"), _text("content_hash"), _id("member_id"),
      _text("reason", "length(reason) BETWEEN 1 AND 500"), _time("reported_at"),
      sa.Index("reports_by_exercise", "guild_id", "exercise_id", "content_hash"))  # fmt: skip
    t(m, "moderator_actions", _key("action_id"), _id("guild_id"), _id("moderator_id"),
      _text("action"), _text("detail"), _time("acted_at"),
      sa.Index("moderator_actions_by_guild", "guild_id", "acted_at"))  # fmt: skip
    t(m, "forgotten_members", _id("guild_id"), _id("member_id"), _time("forgotten_at"),
      sa.PrimaryKeyConstraint("guild_id", "member_id"))  # fmt: skip
    t(m, "departed_guilds", _id("guild_id", primary_key=True), _time("left_at"))
    t(m, "member_names", _id("guild_id"), _id("member_id"),
      _text("display_name", "length(display_name) BETWEEN 1 AND 100"),
      _time("seen_at"), sa.PrimaryKeyConstraint("guild_id", "member_id"))  # fmt: skip


_REAL: sa.types.TypeEngine[float] = sa.Double().with_variant(sa.REAL(), "sqlite")
"""Floats: STRICT SQLite tables know REAL, not FLOAT; double precision on PostgreSQL."""


def define_review_cards(metadata: sa.MetaData) -> None:
    """Revision 0004: each member's spaced-review card per exercise and server (FSRS's
    state: 1 learning, 2 review, 3 relearning; see bot/review/schedule.py). Kept by the
    exercise's id, not its content hash: a changed exercise keeps its card."""
    state = sa.CheckConstraint("state IN (1, 2, 3)", "state_check")
    _table(metadata, "review_cards", _key("card_id"), _id("guild_id"), _id("member_id"),
           _text("exercise_id"), _int("state", None), _int("step", nullable=True),
           sa.Column("stability", _REAL, nullable=True),
           sa.Column("difficulty", _REAL, nullable=True),
           _time("due"), _time("last_review", nullable=True),
           _int("reviews", "reviews >= 1"), _int("misses", "misses >= 0"), state,
           sa.UniqueConstraint("guild_id", "member_id", "exercise_id"),
           sa.Index("review_cards_due", "guild_id", "member_id", "due"))  # fmt: skip


metadata = v5_metadata()
define_review_cards(metadata)
"""The schema now. Revision 0002 changed no column (a day without a lease was '' on SQLite
and NULL on PostgreSQL; it is NULL on both now); 0003 added posts.option_order, 0004
review_cards, 0005 quiz_schedules.most_missed, 0006 posts.earns_points."""


def option_order_column() -> sa.Column[int]:
    """Revision 0003's column: how a post orders its options (exercises.shown_order's
    marker); NULL for a post made before, which shows the file's order."""
    return sa.Column("option_order", sa.Integer, nullable=True)


def most_missed_column() -> sa.Column[int]:
    """Revision 0005's column: how many of a daily quiz's questions are the exercises its
    server missed most (0, the default: none, the usual pick alone)."""
    return _int("most_missed", "most_missed >= 0", server_default=sa.text("0"))


def earns_points_column() -> sa.Column[int]:
    """Revision 0006's column: 0 for a post that earns no points whatever is answered on it
    (a /review post); 1, the default, for every other post, as before."""
    return _int("earns_points", "earns_points IN (0, 1)", server_default=sa.text("1"))


metadata.tables["posts"].append_column(option_order_column())
metadata.tables["quiz_schedules"].append_column(most_missed_column())
metadata.tables["posts"].append_column(earns_points_column())

posts = metadata.tables["posts"]
attempts = metadata.tables["attempts"]
hints = metadata.tables["hints"]
guild_settings = metadata.tables["guild_settings"]
quiz_schedules = metadata.tables["quiz_schedules"]
quiz_deliveries = metadata.tables["quiz_deliveries"]
quiz_delivery_posts = metadata.tables["quiz_delivery_posts"]
test_runs = metadata.tables["test_runs"]
test_run_questions = metadata.tables["test_run_questions"]
command_syncs = metadata.tables["command_syncs"]
practice_channels = metadata.tables["practice_channels"]
disabled_exercises = metadata.tables["disabled_exercises"]
closed_posts = metadata.tables["closed_posts"]
reports = metadata.tables["reports"]
moderator_actions = metadata.tables["moderator_actions"]
forgotten_members = metadata.tables["forgotten_members"]
departed_guilds = metadata.tables["departed_guilds"]
member_names = metadata.tables["member_names"]
review_cards = metadata.tables["review_cards"]
