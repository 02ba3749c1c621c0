"""posts.earns_points: 0 for a /review post, which earns no points whatever is answered on
it; 1 for every other post.

Every post made before gets 1, as before (a /review post of an earlier release cannot be
told from a practice post, and keeps what it earned). Older releases write posts without
the column, which gets its default, 1: the recorded schema version does not move. On SQLite,
Alembic's batch mode rebuilds the table (its rows copied once, its indexes made again) to add
the column with its named CHECK; on PostgreSQL it is one ALTER TABLE.
"""

from alembic import op

from bot.store.tables import earns_points_column

revision = "0006"
down_revision = "0005"


def upgrade() -> None:
    with op.batch_alter_table("posts") as batch:
        batch.add_column(earns_points_column())


def downgrade() -> None:
    raise NotImplementedError("a database is never downgraded; restore its backup instead")
