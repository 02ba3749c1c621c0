"""posts.option_order: the order a post shows its exercise's options in.

A post made from now on is marked with exercises.shown_order's marker (its options are
ordered by its id); a post made before is left NULL, and keeps showing the file's order, so
that its buttons and panels still match what members see on its message. Older releases
write NULL too, which is what they show: the recorded schema version does not move.
"""

from alembic import op

from bot.store.tables import option_order_column

revision = "0003"
down_revision = "0002"


def upgrade() -> None:
    op.add_column("posts", option_order_column())


def downgrade() -> None:
    raise NotImplementedError("a database is never downgraded; restore its backup instead")
