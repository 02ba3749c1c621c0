"""A daily quiz with `most_missed` starts with the exercises its server missed most, on
SQLite and PostgreSQL: only those of the schedule's pack and not disabled, none posted in
the channel within the last week, then the usual pick; a schedule without it picks as
before. The scheduler runs on a test clock, with a Poster that only records what it sent."""

from __future__ import annotations

import itertools
from collections.abc import Collection
from datetime import UTC, datetime, time, timedelta

import pytest

from bot.quiz.questions import candidates, daily_pick, least_recently_used
from bot.quiz.scheduler import QuizScheduler
from bot.render import Rendered
from bot.review.recorder import ReviewRecorder
from bot.review.schedule import FinalOutcome, ReviewSchedule
from bot.store import Audit, TutorStore
from bot.store.records import Schedule
from exercises import SHIPPED_PACKS, load_catalog
from tests.clock import ManualClock

CATALOG = load_catalog(SHIPPED_PACKS)
PACK = "django-async-views"
GUILD, CHANNEL, OTHER_CHANNEL, MODERATOR = 10, 20, 21, 5
WEDNESDAY = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
IN_PACK = [exercise.id for exercise in CATALOG.in_pack(PACK)]
ELSEWHERE = next(e.id for e in CATALOG.exercises.values() if e.pack != PACK)


class RecordingPoster:
    """Discord as far as the scheduler is concerned: every send is kept, none refused."""

    def __init__(self) -> None:
        self.sent: list[tuple[int, str]] = []
        self._ids = itertools.count(1)

    async def send(
        self, channel_id: int, rendered: Rendered, *, nonce: str, ping_role: int | None = None
    ) -> int:
        self.sent.append((channel_id, rendered.content))
        return next(self._ids)

    async def find_posts(self, channel_id: int, post_ids: Collection[int]) -> dict[int, int]:
        return {}

    async def tell_moderators(self, guild_id: int, text: str) -> None:
        raise AssertionError(f"nothing should go wrong here: {text}")

    async def send_results(self, channel_id: int, text: str, chart: bytes, *, nonce: str) -> int:
        return next(self._ids)


async def blank(post_id: int) -> Rendered:
    return Rendered()


async def miss(store: TutorStore, clock: ManualClock, exercise_id: str, members: int) -> None:
    """`members` members of the server run out of attempts on the exercise."""
    recorder = ReviewRecorder(store.review_cards, ReviewSchedule(fuzz=False), clock)
    for member in range(members):
        await recorder.record(
            guild_id=GUILD,
            member_id=100 + member,
            exercise_id=exercise_id,
            result=FinalOutcome.MISSED,
        )


async def a_schedule(
    store: TutorStore, clock: ManualClock, channel: int, most_missed: int
) -> Schedule:
    return await store.quizzes.add_schedule(
        guild_id=GUILD,
        channel_id=channel,
        local_time=time(9, 0),
        time_zone="Europe/Berlin",
        pack=PACK,
        difficulty=None,
        question_count=2,
        created_by=MODERATOR,
        now=clock.now(),
        most_missed=most_missed,
    )


async def posted_today(
    store: TutorStore, scheduler: QuizScheduler, schedule: Schedule
) -> list[str]:
    assert await scheduler.deliver_today(schedule)
    delivery = (await store.quizzes.deliveries(schedule.schedule_id))[-1]
    return [post.exercise_id for post in delivery.posts]


async def test_the_most_missed_come_first_from_the_pack_not_disabled_then_the_usual_pick(
    store: TutorStore,
) -> None:
    clock = ManualClock(WEDNESDAY)
    first, second, third, disabled = IN_PACK[3], IN_PACK[5], IN_PACK[7], IN_PACK[1]
    await miss(store, clock, ELSEWHERE, 6)  # missed most, but in another pack
    await miss(store, clock, disabled, 5)  # missed more, but disabled here
    await miss(store, clock, first, 4)
    await miss(store, clock, second, 3)
    await miss(store, clock, third, 2)
    audit = Audit(GUILD, MODERATOR, "disable", disabled, clock.now())
    await store.servers.set_exercise_disabled(
        guild_id=GUILD, exercise_id=disabled, disabled=True, audit=audit
    )
    scheduler = QuizScheduler(
        quizzes=store.quizzes,
        catalog=CATALOG,
        clock=clock,
        poster=RecordingPoster(),
        render_post=blank,
        servers=store.servers,
        cards=store.review_cards,
    )
    with_missed = await a_schedule(store, clock, CHANNEL, most_missed=1)
    assert with_missed.most_missed == 1
    as_before = await a_schedule(store, clock, OTHER_CHANNEL, most_missed=0)

    # The most missed of the pack first; the other question is the usual pick: the first
    # of the pack the channel has never seen (not the disabled one).
    assert await posted_today(store, scheduler, with_missed) == [first, IN_PACK[0]]
    # Without the option, the usual pick alone, as before the option existed.
    assert await posted_today(store, scheduler, as_before) == IN_PACK[:1] + IN_PACK[2:3]

    # The next day the most missed was posted within the week: the next most missed comes
    # instead, while the usual pick carries on through the pack.
    await clock.advance(timedelta(days=1).total_seconds())
    assert await posted_today(store, scheduler, with_missed) == [second, IN_PACK[2]]
    await clock.advance(timedelta(days=1).total_seconds())
    assert await posted_today(store, scheduler, with_missed) == [third, IN_PACK[4]]
    # A week after it was posted, the most missed is taken again.
    await clock.advance(timedelta(days=5).total_seconds())
    assert (await posted_today(store, scheduler, with_missed))[0] == first


async def test_a_moderator_changes_how_many_come_from_the_most_missed(store: TutorStore) -> None:
    clock = ManualClock(WEDNESDAY)
    schedule = await a_schedule(store, clock, CHANNEL, most_missed=0)
    changed = await store.quizzes.change_schedule(schedule.schedule_id, most_missed=2)
    assert changed is not None
    assert changed.most_missed == 2
    assert (await store.quizzes.schedules(GUILD))[0].most_missed == 2


@pytest.mark.parametrize("most_missed", [0, 1, 2, 3])
def test_never_more_than_the_quiz_has_and_never_one_twice(most_missed: int) -> None:
    choices = candidates(CATALOG, PACK, None)
    missed = [IN_PACK[4], IN_PACK[2], IN_PACK[6]]
    picked = daily_pick(choices, {}, 2, most_missed=most_missed, missed=missed, now=WEDNESDAY)
    ids = [exercise.id for exercise in picked]
    assert len(ids) == len(set(ids)) == 2
    taken = min(most_missed, 2)
    assert ids[:taken] == missed[:taken]
    if not most_missed:
        assert picked == least_recently_used(choices, {}, 2)
