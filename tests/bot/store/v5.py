"""Databases as the releases before Alembic made them: their migrations (fixtures/v5, kept
as they shipped) applied as those releases applied them, with a row in every table."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
import sqlalchemy as sa

from bot.store.location import PostgresUrl
from bot.store.tables import Time, from_db, metadata

FIXTURES = Path(__file__).parent / "fixtures" / "v5"
T = "2025-03-01T10:00:00.000000Z"

ROWS: list[tuple[str, dict[str, Any]]] = [
    ("posts", dict(post_id=7, guild_id=1, channel_id=2, message_id=3, exercise_id="pack/ex",
                   content_hash="abc", difficulty="hard", context="daily-quiz",
                   attempt_limit=3, posted_at=T)),
    ("attempts", dict(attempt_id=1, post_id=7, member_id=42, interaction_id=900,
                      attempt_number=1, answer="B", correct=0, points=0, answered_at=T)),
    ("hints", dict(post_id=7, member_id=42, hint_number=1, used_at=T)),
    ("guild_settings", dict(guild_id=1, time_zone="Europe/Paris", moderator_role_id=5,
                            quiz_channel_id=6, updated_at=T, log_channel_id=8, quiz_role_id=9,
                            forget_after_days=14)),
    ("quiz_schedules", dict(schedule_id=4, guild_id=1, channel_id=2, local_time="09:30",
                            time_zone="UTC", pack="pack", difficulty="easy", question_count=2,
                            created_by=5, created_at=T, paused_at=T, pause_reason="moderator",
                            removed_at=None, active_since=T, last_error="gone",
                            last_error_at=T)),
    ("quiz_deliveries", dict(delivery_id=11, schedule_id=4, local_date="2025-03-01", due_at=T,
                             status="posted", claimed_at=T, claimed_by="host:1",
                             lease_until=T, failures=1, posted_at=T, note=None,
                             summary_message_id=77, closed_at=None)),
    ("quiz_deliveries", dict(delivery_id=12, schedule_id=4, local_date="2025-03-02", due_at=T,
                             status="skipped", claimed_at=T, claimed_by="", lease_until="",
                             failures=0, posted_at=None, note="missed", summary_message_id=None,
                             closed_at=None)),
    ("quiz_delivery_posts", dict(delivery_id=11, position=0, post_id=7)),
    ("test_runs", dict(run_id=3, guild_id=1, member_id=42, pack=None, position=1,
                       started_at=T, finished_at=None)),
    ("test_run_questions", dict(run_id=3, position=0, exercise_id="pack/ex", content_hash="abc",
                                difficulty="hard", answer="A", correct=1, answered_at=T)),
    ("command_syncs", dict(scope=0, tree_hash="f00d", synced_at=T)),
    ("practice_channels", dict(guild_id=1, channel_id=2)),
    ("disabled_exercises", dict(guild_id=1, exercise_id="pack/off", disabled_by=5,
                                disabled_at=T)),
    ("closed_posts", dict(post_id=7, closed_by=5, closed_at=T)),
    ("reports", dict(report_id=2, guild_id=1, post_id=7, exercise_id="pack/ex",
                     content_hash="abc", member_id=42, reason="typo", reported_at=T)),
    ("moderator_actions", dict(action_id=6, guild_id=1, moderator_id=5, action="close",
                               detail="post 7", acted_at=T)),
    ("forgotten_members", dict(guild_id=1, member_id=43, forgotten_at=T)),
    ("departed_guilds", dict(guild_id=9, left_at=T)),
    ("member_names", dict(guild_id=1, member_id=42, display_name="Ada", seen_at=T)),
]  # fmt: skip


def _scripts(folder: Path, version: int) -> list[str]:
    return [p.read_text() for p in sorted(folder.glob("000*.sql"))[:version]]


def sqlite_at(path: Path, *, version: int, rows: bool = True) -> None:
    """An SQLite file as the release with schema `version` left it (WAL, user_version)."""
    with closing(sqlite3.connect(path, isolation_level=None)) as db:
        db.execute("PRAGMA journal_mode = WAL")
        for script in _scripts(FIXTURES, version):
            db.executescript(script)
        db.execute(f"PRAGMA user_version = {version}")
        if rows and version == 5:
            for table, row in ROWS:
                columns = ", ".join(row)
                marks = ", ".join(f":{name}" for name in row)
                db.execute(f"INSERT INTO {table} ({columns}) VALUES ({marks})", row)


async def postgres_at(url: PostgresUrl, *, version: int = 5) -> None:
    """A PostgreSQL schema as the release with schema `version` left it, with every row."""
    async with await psycopg.AsyncConnection.connect(url.secret()) as db:
        for script in _scripts(FIXTURES / "postgresql", version):
            await db.execute(script.encode())
        await db.execute(
            "CREATE TABLE tutor_schema (only_row boolean PRIMARY KEY DEFAULT true"
            " CHECK (only_row), version integer NOT NULL)"
        )
        await db.execute("INSERT INTO tutor_schema (version) VALUES (%s)", (version,))
        for table, row in ROWS:
            values = {k: None if v == "" and k == "lease_until" else v for k, v in row.items()}
            columns = ", ".join(values)
            marks = ", ".join(f"%({name})s" for name in values)
            await db.execute(f"INSERT INTO {table} ({columns}) VALUES ({marks})".encode(), values)


ADDED_WITH_A_DEFAULT = {("quiz_schedules", "most_missed"): 0, ("posts", "earns_points"): 1}
"""Columns later revisions added with a default (0005, 0006): what an upgraded row holds."""


def expected() -> dict[str, list[tuple[Any, ...]]]:
    """Every fixture row as the store reads it after the upgrade (times as aware datetimes,
    a day without a lease as None, a later column's default), by table."""
    found: dict[str, list[tuple[Any, ...]]] = {}
    for name, row in ROWS:
        table = metadata.tables[name]
        found.setdefault(name, []).append(
            tuple(
                _read(column, row.get(column.name, ADDED_WITH_A_DEFAULT.get((name, column.name))))
                for column in table.columns
            )
        )
    return {name: sorted(rows, key=repr) for name, rows in found.items()}


def _read(column: sa.Column[Any], value: Any) -> Any:
    if isinstance(column.type, Time):
        return from_db(value) if value else None
    return value


def stored(connection: sa.Connection) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, read through the one MetaData."""
    return {
        table.name: sorted((tuple(r) for r in connection.execute(sa.select(table))), key=repr)
        for table in metadata.sorted_tables
        if connection.execute(sa.select(sa.func.count()).select_from(table)).scalar()
    }


def sqlite_schema(path: Path) -> list[tuple[str, str, str]]:
    with closing(sqlite3.connect(path)) as db:
        return sorted(db.execute("SELECT type, name, coalesce(sql, '') FROM sqlite_schema"))


NOON = datetime(2025, 3, 12, 12, 0, tzinfo=UTC)
