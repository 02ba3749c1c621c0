"""The store's one Alembic migration tree, for SQLite and PostgreSQL alike (see
bot/store/upgrade.py, which runs it, and docs/architecture.md, "Changing the schema").

Each revision also records the schema version older releases read (SQLite's
PRAGMA user_version, PostgreSQL's tutor_schema): revision N records version N + 4, so that
a release from before a revision refuses a database that has it.
"""

from __future__ import annotations

from alembic import op


def record_version(version: int) -> None:
    """Record the schema version for releases that read it instead of alembic_version."""
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        op.execute(f"PRAGMA user_version = {version:d}")
    else:
        op.execute(f"UPDATE tutor_schema SET version = {version:d}")
