"""Revisions 0005 (quiz_schedules.most_missed) and 0006 (posts.earns_points) on a database
the earlier revisions made, on SQLite and on PostgreSQL: every earlier row kept, with the
defaults that keep it behaving as before (a schedule takes none of the most missed, a post
earns points), each column's named CHECK in place, the recorded schema version unchanged."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest
import sqlalchemy as sa
from alembic.runtime.migration import MigrationContext

from bot.store import TutorStore
from exercises import Difficulty
from exercises.progress import PostContext
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
async def test_old_schedules_take_none_of_the_most_missed_and_old_posts_earn_points(kind, tmp_path):
    async with version_5(kind, tmp_path) as location:
        async with await TutorStore.open(location) as store:
            old = await store.quizzes.schedule(4)
            assert old is not None
            assert old.most_missed == 0
            post = await store.get_post(7)
            assert post is not None
            assert post.earns_points
            new = await store.quizzes.add_schedule(
                guild_id=1,
                channel_id=2,
                local_time=time(9, 0),
                time_zone="UTC",
                pack=None,
                difficulty=None,
                question_count=3,
                created_by=5,
                now=AT,
                most_missed=2,
            )
            assert (await store.quizzes.schedule(new.schedule_id)) == new
            assert new.most_missed == 2
            review = await store.create_post(
                guild_id=1,
                channel_id=2,
                exercise_id="pack/ex",
                content_hash="h",
                difficulty=Difficulty.EASY,
                context=PostContext.PRACTICE,
                attempt_limit=3,
                posted_at=AT,
                earns_points=False,
            )
            assert (await store.get_post(review.post_id)) == review
            assert not review.earns_points
        with connected(location) as connection:
            assert MigrationContext.configure(connection).get_current_revision() == head()
            stored = v5.stored(connection)
            assert len(stored.pop("posts")) == 2
            assert len(stored.pop("quiz_schedules")) == 2
            expected = v5.expected()
            del expected["posts"], expected["quiz_schedules"]
            assert stored == expected
            assert recorded_version(connection) == 6  # older releases write the defaults
            checks = named_checks(connection)
            assert checks == declared_checks(connection.dialect.name)
            assert "quiz_schedules_most_missed_check" in checks["quiz_schedules"]
            assert "posts_earns_points_check" in checks["posts"]
            connection.rollback()  # end the reads' transaction: each UPDATE runs in its own
            for statement, named in (
                ("UPDATE quiz_schedules SET most_missed = -1", "most_missed_check"),
                ("UPDATE posts SET earns_points = 2", "earns_points_check"),
            ):
                with pytest.raises(sa.exc.IntegrityError) as refused, connection.begin():
                    connection.exec_driver_sql(statement)
                assert named in str(refused.value)
