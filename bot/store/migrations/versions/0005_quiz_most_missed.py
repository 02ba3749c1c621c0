"""quiz_schedules.most_missed: how many of a daily quiz's questions are the exercises its
server missed most (`/quiz schedule` and `/quiz edit`'s `most_missed`).

Every schedule made before gets 0: the usual pick alone, as before. Older releases write
schedules without the column, which gets its default, 0: the recorded schema version does
not move. On SQLite, Alembic's batch mode rebuilds the table to add the column with its
named CHECK (SQLite cannot add a CHECK in place); on PostgreSQL it is one ALTER TABLE.
"""

from alembic import op

from bot.store.tables import most_missed_column

revision = "0005"
down_revision = "0004"


def upgrade() -> None:
    with op.batch_alter_table("quiz_schedules") as batch:
        batch.add_column(most_missed_column())


def downgrade() -> None:
    raise NotImplementedError("a database is never downgraded; restore its backup instead")
