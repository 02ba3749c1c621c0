"""A member's final outcome on an exercise updates their review card: each graded post, daily
quiz question and /test question, once no more answers can change it."""

from __future__ import annotations

from bot.clock import Clock
from bot.review.schedule import FinalOutcome, ReviewSchedule
from bot.store import ReviewCard
from bot.store.review_cards import ReviewCards


class ReviewRecorder:
    """Updates a member's card once their outcome on an exercise is final."""

    def __init__(self, cards: ReviewCards, schedule: ReviewSchedule, clock: Clock) -> None:
        self.cards = cards
        self.schedule = schedule
        self.clock = clock

    async def record(
        self, *, guild_id: int, member_id: int, exercise_id: str, result: FinalOutcome
    ) -> ReviewCard:
        return await self.cards.review(
            guild_id=guild_id,
            member_id=member_id,
            exercise_id=exercise_id,
            step=self.schedule.step(result, self.clock.now()),
        )
