"""The daily quizzes' statements: schedules, the claim of a delivery and its lease, a closed
delivery's scorers. bot.store.quizzes runs them."""

from __future__ import annotations

from functools import cache

import sqlalchemy as sa

from bot.store.run import insert_values, upsert
from bot.store.tables import Id, Time, attempts, member_names, posts
from bot.store.tables import quiz_deliveries as deliveries
from bot.store.tables import quiz_delivery_posts as delivery_posts
from bot.store.tables import quiz_schedules as schedules
from exercises.progress import PostContext

SCHEDULE = sa.bindparam("schedule", type_=Id)
DELIVERY = sa.bindparam("delivery", type_=Id)
NOW = sa.bindparam("now", type_=Time())

ADD_SCHEDULE = insert_values(
    schedules, "guild_id", "channel_id", "local_time", "time_zone", "pack", "difficulty",
    "question_count", "created_by", "created_at", "active_since", "most_missed",
).returning(schedules.c.schedule_id)  # fmt: skip
LIVE_SCHEDULE = sa.select(schedules).where(
    schedules.c.schedule_id == SCHEDULE, schedules.c.removed_at.is_(None)
)
ANY_SCHEDULE = sa.select(schedules).where(schedules.c.schedule_id == SCHEDULE)
ALL_SCHEDULES = sa.select(schedules).where(schedules.c.removed_at.is_(None))
LAST_POSTED = (
    sa.select(posts.c.exercise_id, sa.func.max(posts.c.posted_at).label("last"))
    .where(posts.c.channel_id == sa.bindparam("channel", type_=Id))
    .group_by(posts.c.exercise_id)
)
LAST_QUIZZED = LAST_POSTED.where(posts.c.context == PostContext.DAILY_QUIZ.value)
CLAIM = upsert(
    lambda insert: insert(deliveries)
    .values({c: sa.bindparam(c) for c in ("schedule_id", "local_date", "due_at", "claimed_at",
                                          "claimed_by", "lease_until", "status", "note")})
    .on_conflict_do_nothing(index_elements=["schedule_id", "local_date"])
    .returning(deliveries.c.delivery_id)
)  # fmt: skip
ADD_POST = insert_values(
    posts, "guild_id", "channel_id", "exercise_id", "content_hash", "difficulty", "context",
    "attempt_limit", "posted_at", "option_order",
).returning(posts.c.post_id)  # fmt: skip
ADD_DELIVERY_POST = insert_values(delivery_posts, "delivery_id", "position", "post_id")
HAS_DELIVERY = sa.select(deliveries.c.delivery_id).where(
    deliveries.c.schedule_id == SCHEDULE, deliveries.c.local_date == sa.bindparam("date")
)
GET_DELIVERY = sa.select(deliveries).where(deliveries.c.delivery_id == DELIVERY)
DELIVERY_POSTS = (
    sa.select(
        delivery_posts.c.position,
        posts.c.post_id,
        posts.c.exercise_id,
        posts.c.message_id,
        posts.c.option_order,
    )
    .select_from(delivery_posts.join(posts))
    .where(delivery_posts.c.delivery_id == DELIVERY)
    .order_by(delivery_posts.c.position)
)
_claimed = deliveries.c.status == "claimed"
STALLED = sa.select(deliveries.c.delivery_id).where(_claimed, deliveries.c.lease_until <= NOW)
_held = sa.and_(
    deliveries.c.delivery_id == DELIVERY,
    _claimed,
    deliveries.c.claimed_by == sa.bindparam("process"),
)
_LEASE = sa.bindparam("lease", type_=Time())
TAKE_OVER = (
    sa.update(deliveries)
    .where(deliveries.c.delivery_id == DELIVERY, _claimed, deliveries.c.lease_until <= NOW)
    .values(claimed_by=sa.bindparam("process"), lease_until=_LEASE)
)
RENEW = sa.update(deliveries).where(_held).values(lease_until=_LEASE)
BACK_OFF = (
    sa.update(deliveries)
    .where(_held)
    .values(failures=deliveries.c.failures + 1, lease_until=_LEASE)
    .returning(deliveries.c.failures)
)
FINISH = (
    sa.update(deliveries)
    .where(deliveries.c.delivery_id == DELIVERY)
    .values(
        status=sa.bindparam("status"),
        posted_at=sa.func.coalesce(sa.bindparam("posted_at", type_=Time()), deliveries.c.posted_at),
        note=sa.bindparam("note"),
    )
)
SET_MESSAGE = (
    sa.update(posts)
    .where(posts.c.post_id == sa.bindparam("post", type_=Id))
    .values(message_id=sa.bindparam("message"))
)
POSTED = (
    sa.select(deliveries.c.delivery_id)
    .where(deliveries.c.status == "posted")
    .order_by(deliveries.c.due_at)
)
CLOSE = (
    sa.update(deliveries)
    .where(deliveries.c.delivery_id == DELIVERY, deliveries.c.status == "posted")
    .values(status="closed", closed_at=NOW)
)
IS_CLOSED = (
    sa.select(delivery_posts.c.post_id)
    .select_from(delivery_posts.join(deliveries))
    .where(
        delivery_posts.c.post_id == sa.bindparam("post", type_=Id), deliveries.c.status == "closed"
    )
)
SET_SUMMARY = (
    sa.update(deliveries)
    .where(deliveries.c.delivery_id == DELIVERY)
    .values(summary_message_id=sa.bindparam("message"))
)
OF_SCHEDULE = (
    sa.select(deliveries.c.delivery_id)
    .where(deliveries.c.schedule_id == SCHEDULE)
    .order_by(deliveries.c.local_date)
)
_names = sa.and_(
    member_names.c.guild_id == posts.c.guild_id, member_names.c.member_id == attempts.c.member_id
)
# Everyone who answered the delivery, best first (ties: who answered first); grouped by the
# name too: one per member in a server.
SCORERS = (
    sa.select(
        attempts.c.member_id,
        member_names.c.display_name,
        sa.func.sum(attempts.c.points).label("points"),
        sa.func.sum(attempts.c.correct).label("solves"),
    )
    .select_from(
        delivery_posts.join(attempts, attempts.c.post_id == delivery_posts.c.post_id)
        .join(posts, posts.c.post_id == attempts.c.post_id)
        .outerjoin(member_names, _names)
    )
    .where(delivery_posts.c.delivery_id == DELIVERY)
    .group_by(attempts.c.member_id, member_names.c.display_name)
    .order_by(
        sa.func.sum(attempts.c.points).desc(),
        sa.func.min(attempts.c.answered_at).asc(),
        attempts.c.member_id.asc(),
    )
)


@cache
def update_schedule(columns: tuple[str, ...]) -> sa.Update:
    """UPDATE a live schedule's `columns` (one statement per set of columns, compiled once)."""
    return (
        sa.update(schedules)
        .where(schedules.c.schedule_id == SCHEDULE, schedules.c.removed_at.is_(None))
        .values({column: sa.bindparam(column) for column in columns})
    )
