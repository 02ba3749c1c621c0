"""/test: "10 questions to know if this pattern is strong". A private run, one answer each.

The questions are fixed when the run starts (easy, then medium, then hard), stored, and
survive restarts; `/test continue` shows the current one again. No hints and no Run it during
the run, and no verdict per question: the score, a verdict per difficulty and the exercises
to review come at the end. Discord-free: takes ids, returns Rendered.
"""

from __future__ import annotations

import dataclasses
import random

from bot import render
from bot.clock import Clock
from bot.errors import Refused
from bot.escapes import escape_markdown
from bot.interactions.custom_ids import UNCHOSEN, PatternTestChoice
from bot.render import ButtonSpec, Rendered, Style
from bot.review.recorder import ReviewRecorder
from bot.review.schedule import FinalOutcome
from bot.store.pattern_tests import TestRuns
from bot.store.records import PatternTestRun
from exercises import LETTERS, AnyExercise, Catalog, Difficulty, FillInTheBlank, grade
from exercises.shown_order import ShownOrder, order_of

RUN_LENGTH = 10
MIX = {Difficulty.EASY: 3, Difficulty.MEDIUM: 4, Difficulty.HARD: 3}
STRONG, GETTING_THERE = 0.8, 0.5
NO_RUN = "You have no test in progress. Start one with `/test start`."
NOT_YOURS = "This is not your current test question. `/test continue` shows it."


def choose_questions(catalog: Catalog, pack: str | None, rng: random.Random) -> list[AnyExercise]:
    """Up to ten: three easy, four medium, three hard where the pack has them, topped up from
    the other levels where it has not; in order of difficulty."""
    if pack is not None and pack not in catalog.packs:
        raise Refused(f"There is no pack `{pack}`. Packs: {', '.join(sorted(catalog.packs))}.")
    pool = [e for e in catalog.exercises.values() if pack is None or e.pack == pack]
    by_level = {level: [e for e in pool if e.difficulty is level] for level in Difficulty}
    picked: list[AnyExercise] = []
    for level, wanted in MIX.items():
        picked += rng.sample(by_level[level], min(wanted, len(by_level[level])))
    rest = [e for e in pool if e not in picked]
    picked += rng.sample(rest, min(RUN_LENGTH - len(picked), len(rest)))
    order = list(Difficulty)
    return sorted(picked, key=lambda e: order.index(e.difficulty))


def progress_bar(position: int, total: int) -> str:
    """'▰▰▰▱▱▱▱▱▱▱ question 4/10' while on question 4 (three answered)."""
    return f"{'▰' * position}{'▱' * (total - position)} question {position + 1}/{total}"


def verdict(correct: int, asked: int) -> str:
    share = correct / asked
    if share >= STRONG:
        return "strong"
    return "getting there" if share >= GETTING_THERE else "needs review"


class PatternTests:
    def __init__(
        self,
        *,
        runs: TestRuns,
        catalog: Catalog,
        clock: Clock,
        rng: random.Random | None = None,
        reviews: ReviewRecorder | None = None,
    ) -> None:
        self.reviews = reviews
        self.runs = runs
        self.catalog = catalog
        self.clock = clock
        self._rng = rng or random.Random()

    async def start(self, *, guild_id: int, member_id: int, pack: str | None) -> Rendered:
        chosen = choose_questions(self.catalog, pack, self._rng)
        if not chosen:
            raise Refused("That pack has no questions yet.")
        run = await self.runs.start(
            guild_id=guild_id,
            member_id=member_id,
            pack=pack,
            questions=[(e.id, e.content_hash, e.difficulty) for e in chosen],
            now=self.clock.now(),
        )
        first = self._question(run, UNCHOSEN * self._exercise(run, 0).blank_count)
        if len(chosen) < RUN_LENGTH:
            count = len(chosen)
            note = f"This pack has only {count} suitable questions, so the test has {count}.\n"
            first = dataclasses.replace(first, content=note + first.content)
        return first

    async def resume(self, *, guild_id: int, member_id: int) -> Rendered:
        run = await self.runs.current(guild_id=guild_id, member_id=member_id)
        if run is None:
            raise Refused(NO_RUN)
        return self._question(run, UNCHOSEN * self._exercise(run, run.position).blank_count)

    async def choose(self, button: PatternTestChoice, *, member_id: int) -> Rendered:
        run = await self.runs.run(button.run_id)
        if run is None or run.member_id != member_id or run.finished:
            raise Refused(NOT_YOURS if run is None or run.member_id != member_id else NO_RUN)
        if button.position != run.position:
            raise Refused(
                "That question is already answered. `/test continue` shows the current one."
            )
        exercise = self._exercise(run, run.position)
        chosen = question_order(exercise, run).from_ids(button.chosen)
        if chosen is None or len(chosen) != exercise.blank_count:
            raise Refused(NOT_YOURS)
        if UNCHOSEN in chosen:
            return self._question(run, chosen)
        correct = grade(exercise, chosen).is_correct
        moved = await self.runs.answer(
            run.run_id,
            position=run.position,
            answer=chosen,
            correct=correct,
            now=self.clock.now(),
        )
        if moved is None:  # a second click of the same answer: nothing more is recorded
            raise Refused(
                "That question is already answered. `/test continue` shows the current one."
            )
        if self.reviews is not None:  # one attempt, no hints: first try or missed
            result = FinalOutcome.FIRST_TRY if correct else FinalOutcome.MISSED
            await self.reviews.record(
                guild_id=run.guild_id, member_id=member_id, exercise_id=exercise.id, result=result
            )
        if moved.finished:
            return Rendered(content=self.results(moved))
        return self._question(moved, UNCHOSEN * self._exercise(moved, moved.position).blank_count)

    def results(self, run: PatternTestRun) -> str:
        score = sum(1 for q in run.questions if q.correct)
        lines = [f"**Test finished: {score}/{len(run.questions)}**"]
        for level in Difficulty:
            asked = [q for q in run.questions if q.difficulty is level]
            if asked:
                right = sum(1 for q in asked if q.correct)
                lines.append(f"{level.value}: {right}/{len(asked)} · {verdict(right, len(asked))}")
        review = [self.catalog.exercises.get(q.exercise_id) for q in run.questions if not q.correct]
        titles = [e.title for e in review if e is not None]
        if titles:
            lines.append(
                "To review: " + "; ".join(titles) + ". `/practice` them: hints and Run it are back."
            )
        else:
            lines.append("Nothing to review: this pattern is strong.")
        return "\n".join(lines)

    def _exercise(self, run: PatternTestRun, position: int) -> AnyExercise:
        question = run.questions[position]
        exercise = self.catalog.exercises.get(question.exercise_id)
        if exercise is None:
            raise Refused(
                "This test's questions have changed since it started. "
                "Start a new one with `/test start`."
            )
        return exercise

    def _question(self, run: PatternTestRun, chosen: str) -> Rendered:
        exercise = self._exercise(run, run.position)
        order = question_order(exercise, run)
        pack_title = self.catalog.packs[exercise.pack].title
        shown = render.exercise_post(
            exercise, pack_title=pack_title, post_id=1, attempt_limit=1, order=order
        )
        assert shown.embed is not None  # an exercise's post is always a card
        embed = dataclasses.replace(shown.embed, footer=TEST_FOOTER)
        progress = progress_bar(run.position, len(run.questions))
        return Rendered(
            content=progress + chosen_line(exercise, order.shown(chosen)),
            embed=embed,
            buttons=_buttons(exercise, run, chosen, order),
        )


def question_order(exercise: AnyExercise, run: PatternTestRun) -> ShownOrder:
    """A /test question's own order of options, fixed by its run and position; its buttons
    name options as it shows them."""
    return order_of(exercise, seed=f"test:{run.run_id}:{run.position}")


TEST_FOOTER = "One answer · no hints · results at the end"


def chosen_line(exercise: AnyExercise, chosen: str) -> str:
    """Which blank is being chosen, and the letters so far: "(1:A 2:_ 3:_)"."""
    if not isinstance(exercise, FillInTheBlank) or exercise.blank_count == 1:
        return ""
    blank = chosen.index(UNCHOSEN) + 1 if UNCHOSEN in chosen else exercise.blank_count
    so_far = " ".join(f"{n}:{c}" for n, c in enumerate(chosen, start=1))
    # "_" marks a blank not chosen yet: escaped, or Discord shows "(1:_ 2:_)" in italics
    so_far = escape_markdown(so_far)
    return f"\nChoose blank {blank} of {exercise.blank_count} ({so_far})"


def _buttons(
    exercise: AnyExercise, run: PatternTestRun, chosen: str, order: ShownOrder
) -> tuple[ButtonSpec, ...]:
    """A button per option, in the question's order, labelled with the shown letter; its
    id carries the choices so far as shown (`chosen` is in file letters)."""
    index = chosen.index(UNCHOSEN)
    return tuple(
        ButtonSpec(
            shown,
            PatternTestChoice(
                run.run_id,
                run.position,
                order.to_ids(chosen[:index] + letter + chosen[index + 1 :]),
            ),
            Style.PRIMARY,
        )
        for shown, letter in zip(LETTERS, order.file_letters, strict=False)
    )
