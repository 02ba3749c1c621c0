"""Schema version 5, the baseline: what the releases before Alembic made.

A new database is created here. An existing one at version 5 (PRAGMA user_version on
SQLite, tutor_schema on PostgreSQL) is stamped at this revision instead (bot/store/upgrade.py).
"""

from alembic import op

from bot.store.migrations import record_version
from bot.store.tables import v5_metadata

revision = "0001"
down_revision = None

_REFUSE = "attempts are append-only; record a new attempt instead"

SQLITE_TRIGGER = f"""
CREATE TRIGGER attempts_are_append_only BEFORE UPDATE ON attempts
BEGIN
    SELECT RAISE(ABORT, '{_REFUSE}');
END"""

POSTGRESQL_TRIGGER = (
    f"""CREATE FUNCTION attempts_are_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '{_REFUSE}';
END
$$""",
    """CREATE TRIGGER attempts_are_append_only BEFORE UPDATE ON attempts
    FOR EACH ROW EXECUTE FUNCTION attempts_are_append_only()""",
)


def upgrade() -> None:
    bind = op.get_bind()
    v5_metadata().create_all(bind)
    if bind.dialect.name == "sqlite":
        op.execute(SQLITE_TRIGGER)
    else:
        for statement in POSTGRESQL_TRIGGER:
            op.execute(statement)
        op.execute(
            "CREATE TABLE tutor_schema (only_row boolean PRIMARY KEY DEFAULT true"
            " CHECK (only_row), version integer NOT NULL)"
        )
        op.execute("INSERT INTO tutor_schema (version) VALUES (5)")
    record_version(5)


def downgrade() -> None:
    raise NotImplementedError("a database is never downgraded; restore its backup instead")
