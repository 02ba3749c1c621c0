""" "Run it": what really happens for a member's answer and for the correct one, side by side.

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

    async def compare(self, exercise: AnyExercise, answer: str) -> render.Rendered:
        """Run the member's answer and the correct one at once and show both."""
        if exercise.run is None:
            return render.Rendered(content="This question has no example to run.")
        check_answer(exercise, answer)
        if self.client is None:
            return render.Rendered(content=RUNNER_UNAVAILABLE)
        try:
            if answer == exercise.answer_key:
                mine = correct = await self._run(exercise, answer)
            else:
                mine, correct = await asyncio.gather(
                    self._run(exercise, answer), self._run(exercise, exercise.answer_key)
                )
        except TutorServiceError as error:
            log.warning("Run it for %s failed: %s", exercise.id, error)
            return render.Rendered(content=RUNNER_UNAVAILABLE)
        return render.Rendered(content=run_comparison(exercise, answer, mine, correct))

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


def run_comparison(exercise: AnyExercise, answer: str, mine: RunReport, correct: RunReport) -> str:
    if answer == exercise.answer_key:
        return f"**Your answer** {describe_choice(exercise, answer)}: {describe_run(mine)}"
    return "\n".join(
        [
            "**What really happens**",
            f"Your choice {describe_choice(exercise, answer)}: {describe_run(mine)}",
            f"Correct {describe_choice(exercise, exercise.answer_key)}: {describe_run(correct)}",
        ]
    )
