""" "Run it": what really happens for a member's answer, and for the correct one beside it
(each run rendered by bot/practice/run_report.py).

The correct run is shown only when the caller says the member may see it (bot.practice.flow
decides: once they solved the post or used every attempt); before, only their own choice
runs, and the reply says so without naming or running the correct answer.

Called only after the click has been deferred; never on the path of an answer. If the tutor
service is down or slow, the member is told so and nothing else is affected.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta

from bot import metrics, render
from bot.errors import Refused
from bot.practice.run_report import CONTENT_LIMIT, run_markdown
from bot.practice.tutor_client import (
    ExerciseChanged,
    RunnerUnavailable,
    TooManyRuns,
    TutorClient,
    TutorServiceError,
)
from exercises import AnyExercise, FillInTheBlank, MultipleChoice, check_answer
from exercises.shown_order import ShownOrder, file_order
from wire.runs import RunReport

log = logging.getLogger(__name__)

RUNNER_UNAVAILABLE = "The example runner is unavailable right now; try again later."
EXERCISE_UPDATED = (
    "This exercise was updated since it was posted, so its example cannot be run as you saw it."
    " Ask for a fresh post of it to run the new version."
)
RUN_REFUSED = "The example runner refused to run this (a problem on our side); it is logged."


def too_many_runs(retry_after: float | None) -> str:
    wait = f" in {retry_after:.0f} s" if retry_after else " in a minute"
    return f"You have run many examples just now; you can run this one again{wait}."


def refusal(error: TutorServiceError) -> str:
    """What the member reads when the runner could not give a run, by what the service said."""
    if isinstance(error, ExerciseChanged):
        return EXERCISE_UPDATED
    if isinstance(error, TooManyRuns):
        return too_many_runs(error.retry_after)
    if isinstance(error, RunnerUnavailable):
        return RUNNER_UNAVAILABLE
    return RUN_REFUSED


class ExampleRunner:
    def __init__(self, client: TutorClient | None, *, cooldown_seconds: float = 10.0) -> None:
        self.client = client
        self.cooldown = timedelta(seconds=cooldown_seconds)
        self._last_run: dict[int, datetime] = {}

    def allow_run(self, member_id: int, now: datetime) -> None:
        """One run per member per cooldown: runs cost a real process each."""
        last = self._last_run.get(member_id)
        if last is not None and now - last < self.cooldown:
            wait = (self.cooldown - (now - last)).total_seconds()
            raise Refused(f"You can run an example again in {wait:.0f} s.")
        self._last_run[member_id] = now

    async def compare(
        self,
        exercise: AnyExercise,
        answer: str,
        *,
        show_correct: bool,
        member: int | None = None,
        order: ShownOrder | None = None,
    ) -> render.Rendered:
        """Run the member's answer; with `show_correct`, the correct one too, at once. The runs
        are `member`'s (the service bounds runs per member), of the version the bot holds.
        `answer` is in the file's letters; the reply letters options in the post's `order`."""
        order = order or file_order(exercise)
        if exercise.run is None:
            return render.Rendered(content="This question has no example to run.")
        check_answer(exercise, answer)
        if self.client is None:
            return render.Rendered(content=RUNNER_UNAVAILABLE)
        try:
            if not show_correct:
                text = own_run(exercise, answer, await self._run(exercise, answer, member), order)
            elif answer == exercise.answer_key:
                mine = await self._run(exercise, answer, member)
                text = run_comparison(exercise, answer, mine, None, order)
            else:
                mine, correct = await asyncio.gather(
                    self._run(exercise, answer, member),
                    self._run(exercise, exercise.answer_key, member),
                )
                text = run_comparison(exercise, answer, mine, correct, order)
        except TutorServiceError as error:
            log.warning("Run it for %s failed: %s", exercise.id, error)
            return render.Rendered(content=refusal(error))
        return render.Rendered(content=text)

    async def _run(self, exercise: AnyExercise, letters: str, member: int | None) -> RunReport:
        assert self.client is not None
        version = exercise.content_hash or None
        async with metrics.timed_tutor_run():
            if isinstance(exercise, FillInTheBlank):
                result = await self.client.run(
                    exercise.id, fill=letters, member=member, content_hash=version
                )
            else:
                result = await self.client.run(
                    exercise.id, choice=letters, member=member, content_hash=version
                )
        return result.report


def describe_choice(exercise: AnyExercise, letters: str, order: ShownOrder | None = None) -> str:
    """The choice in the member's terms: a multiple-choice option by the letter the post
    showed it under (`letters` are the file's), a fill by the options' text."""
    if isinstance(exercise, MultipleChoice):
        option = exercise.option(letters)
        shown = (order or file_order(exercise)).shown(letters)
        return f"option {shown}" if option.is_code else f"{shown} `{option.text[:60]}`"
    return ", ".join(f"`{exercise.option(letter).text}`" for letter in letters)


CORRECT_RUN_LATER = (
    "Only your own choice ran. The correct answer's run shows here once you solve this "
    "exercise or use every attempt."
)


def own_run(
    exercise: AnyExercise, answer: str, mine: RunReport, order: ShownOrder | None = None
) -> str:
    """The member's run alone, while attempts are left: nothing about the correct answer."""
    title = "**What really happens with your choice**"
    room = CONTENT_LIMIT - len(title) - len(CORRECT_RUN_LATER) - 2
    label = f"Your choice {describe_choice(exercise, answer, order)}"
    return "\n".join([title, run_markdown(label, mine, room), CORRECT_RUN_LATER])


def run_comparison(
    exercise: AnyExercise,
    answer: str,
    mine: RunReport,
    correct: RunReport | None,
    order: ShownOrder | None = None,
) -> str:
    """Both runs, one after the other; `correct` is None when the member's answer is the
    correct one. Each run has half the message."""
    label = f"Your choice {describe_choice(exercise, answer, order)}"
    if correct is None:
        return run_markdown(f"**Your answer** {describe_choice(exercise, answer, order)}", mine)
    title = "**What really happens**"
    room = (CONTENT_LIMIT - len(title) - 2) // 2
    correct_label = f"Correct {describe_choice(exercise, exercise.answer_key, order)}"
    return "\n".join(
        [title, run_markdown(label, mine, room), run_markdown(correct_label, correct, room)]
    )
