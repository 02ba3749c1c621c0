"""Revision 0004 (review_cards) on a database the earlier revisions made, on SQLite and on
PostgreSQL: every earlier row kept, the table made with its named constraints, the recorded
schema version unchanged (releases before it never read the table)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from alembic.runtime.migration import MigrationContext

from bot.review.schedule import FinalOutcome, ReviewSchedule
from bot.store import TutorStore
from tests.bot.store import v5
from tests.bot.store.test_upgrade import (
    BACKENDS,
    connected,
    declared_checks,
    head,
    named_checks,
    recorded_version,
    version_5,
)

AT = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize("kind", BACKENDS)
async def test_an_upgraded_database_gains_review_cards_and_keeps_every_row(kind, tmp_path):
    async with version_5(kind, tmp_path) as location:
        async with await TutorStore.open(location) as store:
            step = ReviewSchedule(fuzz=False).step(FinalOutcome.MISSED, AT)
            card = await store.review_cards.review(
                guild_id=1, member_id=2, exercise_id="pack/ex", step=step
            )
        with connected(location) as connection:
            assert MigrationContext.configure(connection).get_current_revision() == head()
            stored = v5.stored(connection)
            cards = stored.pop("review_cards")
            assert stored == v5.expected()
            assert [(row[3], row[8], row[11]) for row in cards] == [  # exercise, due, misses
                ("pack/ex", datetime(2026, 3, 2, 9, 0, tzinfo=UTC), 1)
            ]
            assert card.card.due == cards[0][8]
            assert recorded_version(connection) == 6
            checks = named_checks(connection)["review_cards"]
            assert checks == declared_checks(connection.dialect.name)["review_cards"]
            assert checks == {
                "review_cards_state_check",
                "review_cards_reviews_check",
                "review_cards_misses_check",
            }
            due = connection.execute(sa.text("SELECT due FROM review_cards")).scalar_one()
            connection.rollback()  # end the reads' transaction: the INSERT runs in its own
            with pytest.raises(sa.exc.IntegrityError), connection.begin():  # one card each
                connection.execute(
                    sa.text(
                        "INSERT INTO review_cards (guild_id, member_id, exercise_id, state,"
                        " due, reviews, misses) VALUES (1, 2, 'pack/ex', 2, :due, 1, 0)"
                    ),
                    {"due": due},
                )
