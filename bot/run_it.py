""" "Run it": what really happens for a member's answer, and for the correct one beside it.

The correct run is shown only when the caller says the member may see it (bot.practice
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
from bot.tutor_client import RunReport, TutorClient, TutorServiceError
from exercises import AnyExercise, FillInTheBlank, MultipleChoice, check_answer

log = logging.getLogger(__name__)

RUNNER_UNAVAILABLE = "The example runner is unavailable right now; try again later."


class ExampleRunner:
    def __init__(self, client: TutorClient | None, *, cooldown_seconds: float = 10.0) -> None:
        self.client = client
        self.cooldown = timedelta(seconds=cooldown_seconds)
        self._last_run: dict[int, datetime] = {}

    def claim(self, member_id: int, now: datetime) -> None:
        """One run per member per cooldown: runs cost a real process each."""
        last = self._last_run.get(member_id)
        if last is not None and now - last < self.cooldown:
            wait = (self.cooldown - (now - last)).total_seconds()
            raise Refused(f"You can run an example again in {wait:.0f} s.")
        self._last_run[member_id] = now

    async def compare(
        self, exercise: AnyExercise, answer: str, *, show_correct: bool
    ) -> render.Rendered:
        """Run the member's answer; with `show_correct`, the correct one too, at once."""
        if exercise.run is None:
            return render.Rendered(content="This question has no example to run.")
        check_answer(exercise, answer)
        if self.client is None:
            return render.Rendered(content=RUNNER_UNAVAILABLE)
        try:
            if not show_correct:
                text = own_run(exercise, answer, await self._run(exercise, answer))
            elif answer == exercise.answer_key:
                text = run_comparison(exercise, answer, await self._run(exercise, answer), None)
            else:
                mine, correct = await asyncio.gather(
                    self._run(exercise, answer), self._run(exercise, exercise.answer_key)
                )
                text = run_comparison(exercise, answer, mine, correct)
        except TutorServiceError as error:
            log.warning("Run it for %s failed: %s", exercise.id, error)
            return render.Rendered(content=RUNNER_UNAVAILABLE)
        return render.Rendered(content=text)

    async def _run(self, exercise: AnyExercise, letters: str) -> RunReport:
        assert self.client is not None
        async with metrics.timed_tutor_run():
            if isinstance(exercise, FillInTheBlank):
                return await self.client.run(exercise.id, fill=letters)
            return await self.client.run(exercise.id, choice=letters)


def describe_choice(exercise: AnyExercise, letters: str) -> str:
    if isinstance(exercise, MultipleChoice):
        option = exercise.option(letters)
        return f"option {letters}" if option.is_code else f"{letters} `{option.text[:60]}`"
    return ", ".join(f"`{exercise.option(letter).text}`" for letter in letters)


def describe_run(report: RunReport) -> str:
    """One line of what happened: the status, body or value, the error, the time."""
    parts: list[str] = []
    if report.timed_out:
        parts.append("did not finish: the run timed out")
    elif report.error is not None:
        where = f" (line {report.error.line})" if report.error.line else ""
        parts.append(f"{report.error.type}: {report.error.message[:150]}{where}")
    elif report.response is not None:
        response = report.response
        body = response.body[:80] + ("…" if response.truncated or len(response.body) > 80 else "")
        parts.append(f"{response.status} {response.content_type} `{body}`")
    elif report.returns:
        parts.append(f"returned `{report.returns[0]!r}`"[:160])
    parts.append(f"{report.elapsed:.2f} s")
    line = " · ".join(parts)
    for warning in report.warnings[:2]:
        line += f"\n  ⚠ {warning[:150]}"
    return line


CORRECT_RUN_LATER = (
    "Only your own choice ran. The correct answer's run shows here once you solve this "
    "exercise or use every attempt."
)


def own_run(exercise: AnyExercise, answer: str, mine: RunReport) -> str:
    """The member's run alone, while attempts are left: nothing about the correct answer."""
    return "\n".join(
        [
            "**What really happens with your choice**",
            f"Your choice {describe_choice(exercise, answer)}: {describe_run(mine)}",
            CORRECT_RUN_LATER,
        ]
    )


def run_comparison(
    exercise: AnyExercise, answer: str, mine: RunReport, correct: RunReport | None
) -> str:
    """Both runs side by side; `correct` is None when the member's answer is the correct one."""
    if correct is None:
        return f"**Your answer** {describe_choice(exercise, answer)}: {describe_run(mine)}"
    return "\n".join(
        [
            "**What really happens**",
            f"Your choice {describe_choice(exercise, answer)}: {describe_run(mine)}",
            f"Correct {describe_choice(exercise, exercise.answer_key)}: {describe_run(correct)}",
        ]
    )
