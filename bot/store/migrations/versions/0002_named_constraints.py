"""Schema version 6: every constraint named on SQLite too, and no lease is NULL.

The releases before Alembic left SQLite's CHECK, UNIQUE and foreign key constraints
unnamed, which Alembic's batch mode drops when it rebuilds a table; each SQLite table is
rebuilt here with its constraints named as PostgreSQL already names them (the append-only
trigger is made again). A skipped quiz day's lease was '' on SQLite: it is NULL, as on
PostgreSQL. Foreign keys are checked before the COMMIT.
"""

import sqlalchemy as sa
from alembic import op

from bot.store.migrations import record_version
from bot.store.tables import v5_metadata

revision = "0002"
down_revision = "0001"

_TRIGGER = "attempts_are_append_only"


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        _rebuild_sqlite_tables(bind)
    record_version(6)


def _rebuild_sqlite_tables(bind: sa.Connection) -> None:
    trigger = bind.exec_driver_sql(
        "SELECT sql FROM sqlite_schema WHERE type = 'trigger' AND name = ?", (_TRIGGER,)
    ).scalar_one()
    bind.exec_driver_sql("PRAGMA legacy_alter_table = ON")  # children keep naming the table
    for table in v5_metadata().sorted_tables:
        old = f"_v5_{table.name}"
        bind.exec_driver_sql(f"ALTER TABLE {table.name} RENAME TO {old}")
        for index in table.indexes:
            bind.exec_driver_sql(f"DROP INDEX IF EXISTS {index.name}")
        table.create(bind)
        columns = [column.name for column in table.columns]
        read = ["nullif(lease_until, '')" if c == "lease_until" else c for c in columns]
        bind.exec_driver_sql(
            f"INSERT INTO {table.name} ({', '.join(columns)}) SELECT {', '.join(read)} FROM {old}"
        )
        bind.exec_driver_sql(f"DROP TABLE {old}")
    bind.exec_driver_sql("PRAGMA legacy_alter_table = OFF")
    bind.exec_driver_sql(trigger)
    broken = bind.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        raise RuntimeError(f"rows refer to rows that do not exist: {broken[:3]}")


def downgrade() -> None:
    raise NotImplementedError("a database is never downgraded; restore its backup instead")
