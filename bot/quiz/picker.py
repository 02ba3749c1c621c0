"""The questions of a schedule's day: reads what the pick needs from the store (the
server's disabled exercises, what the channel was posted and when, what the server missed
most) and picks with bot.quiz.questions (pure). Discord-free; the time is the caller's."""

from __future__ import annotations

from datetime import datetime
from functools import partial

from bot.quiz import questions
from bot.store.quizzes import Quizzes
from bot.store.records import Question, Schedule
from bot.store.review_cards import ReviewCards
from bot.store.server_data import Servers
from exercises import Catalog
from exercises.progress import PostContext, attempt_limit


class QuestionPicker:
    def __init__(
        self, *, quizzes: Quizzes, servers: Servers, cards: ReviewCards, catalog: Catalog
    ) -> None:
        self.quizzes = quizzes
        self.servers = servers
        self.cards = cards  # members' review cards: what the server missed most
        self.catalog = catalog

    async def pick(self, schedule: Schedule, now: datetime) -> list[Question]:
        """The day's questions; Refused if the schedule's pack is no longer in the catalog."""
        disabled = await self.servers.disabled_exercises(schedule.guild_id)
        choices = questions.candidates(self.catalog, schedule.pack, schedule.difficulty, disabled)
        last = await self.quizzes.last_posted_in_channel(schedule.channel_id)
        missed: list[str] = []
        quizzed: dict[str, datetime] = {}
        if schedule.most_missed:  # every exercise the server missed: the pack's may rank low
            every = len(self.catalog.exercises)
            missed = await self.cards.missed_most(schedule.guild_id, limit=every)
            quizzed = await self.quizzes.last_posted_in_channel(
                schedule.channel_id, quizzes_only=True
            )
        picked = questions.daily_pick(
            choices,
            last,
            schedule.question_count,
            most_missed=schedule.most_missed,
            missed=missed,
            quizzed=quizzed,
            now=now,
        )
        tries = partial(attempt_limit, PostContext.DAILY_QUIZ)
        return [Question(e.id, e.content_hash, e.difficulty, tries(e.attempts)) for e in picked]
