"""review_cards: each member's spaced-review card per exercise and server (issue 26).

A new table, so nothing older is rebuilt; releases before it never read it, so the recorded
schema version is unchanged.
"""

import sqlalchemy as sa
from alembic import op

from bot.store.tables import NAMING, define_review_cards

revision = "0004"
down_revision = "0003"


def upgrade() -> None:
    frozen = sa.MetaData(naming_convention=NAMING)
    define_review_cards(frozen)  # as revision 0004 made it, whatever later revisions change
    frozen.tables["review_cards"].create(op.get_bind())


def downgrade() -> None:
    raise NotImplementedError("a database is never downgraded; restore its backup instead")
