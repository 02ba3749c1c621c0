"""When an exercise comes back to a member: FSRS (the `fsrs` package), used as a library of
time-free functions. Pure: no clock, no store, no Discord.

Every card is built with its id, due time and state as stored, and reviewed at the time the
bot's clock gave: fsrs's own defaults would read the wall clock (and sleep a millisecond to
make an id). Learning steps are in days, not fsrs's default minutes: a miss comes back the
next day, not within ten minutes. Fuzzing (a due date moved by a few percent, from the
global `random`) is on in the product, so that the cards of one daily quiz, all reviewed at
the same moment, do not all come due on the same day again; tests turn it off.

The outcome of a post is the rating (docs/members.md says why): solved at the first try
without a hint is Good, solved after a wrong try or a hint is Hard, not solved when the
attempts ran out is Again.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from enum import StrEnum

from fsrs import Card, Rating, Scheduler, State

from bot.store.records import CardState
from bot.store.review_cards import Step

LEARNING_STEPS = (timedelta(days=1),)
RELEARNING_STEPS = (timedelta(days=1),)


class FinalOutcome(StrEnum):
    """A member's final outcome on one exercise, once no more answers can change it."""

    FIRST_TRY = "first-try"  # solved at the first try, without a hint
    HELPED = "helped"  # solved after a wrong try or a hint
    MISSED = "missed"  # every attempt used, not solved


RATINGS = {
    FinalOutcome.FIRST_TRY: Rating.Good,
    FinalOutcome.HELPED: Rating.Hard,
    FinalOutcome.MISSED: Rating.Again,
}


def final_outcome(*, solved: bool, first_try: bool, hints_used: int) -> FinalOutcome:
    if not solved:
        return FinalOutcome.MISSED
    return FinalOutcome.FIRST_TRY if first_try and hints_used == 0 else FinalOutcome.HELPED


class ReviewSchedule:
    """FSRS with our steps; `fuzz` False makes every due date exact (tests)."""

    def __init__(self, *, fuzz: bool = True) -> None:
        self._fsrs = Scheduler(
            learning_steps=LEARNING_STEPS,
            relearning_steps=RELEARNING_STEPS,
            enable_fuzzing=fuzz,
        )

    def step(self, result: FinalOutcome, at: datetime) -> Step:
        """The store's step for one review of `result` at `at` (an aware time)."""
        if at.tzinfo is None:
            raise ValueError(f"a review's time must be aware, got {at!r}")
        moment = at.astimezone(UTC)

        def review(card_id: int, before: CardState | None) -> CardState:
            card = _card(card_id, before, moment)
            after, _ = self._fsrs.review_card(card, RATINGS[result], review_datetime=moment)
            return CardState(
                state=int(after.state),
                step=after.step,
                stability=after.stability,
                difficulty=after.difficulty,
                due=after.due,
                last_review=after.last_review,
                reviews=(before.reviews if before else 0) + 1,
                misses=(before.misses if before else 0) + (result is FinalOutcome.MISSED),
            )

        return review


def _card(card_id: int, state: CardState | None, now: datetime) -> Card:
    if state is None:  # a new card, due now: every field given, so fsrs reads no clock
        return Card(card_id=card_id, state=State.Learning, step=0, due=now)
    return Card(
        card_id=card_id,
        state=State(state.state),
        step=state.step,
        stability=state.stability,
        difficulty=state.difficulty,
        due=state.due.astimezone(UTC),
        last_review=state.last_review.astimezone(UTC) if state.last_review else None,
    )
