"""`python -m tutor verify`: run every exercise's example, right and wrong, and check the file.

The correct version must compile and meet its expectation, which must name the outcome;
each wrong option must visibly differ from it and meet its own declared expectation. All runs
start at once; an exercise with problems is run once more on its own before they are reported,
beside a run of ours that awaits nothing: its time is the machine's overhead at that moment,
and upper time bounds count only the time above it. So load (of the first pass, or of other
processes on a shared 2-core machine) is not taken for a content error.
At most AT_ONCE runs go at once: enough to overlap every sleep, few enough to leave CPU.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from exercises.model import AnyExercise, Expectation, FillInTheBlank, RunTarget
from tutor.expectations import (
    names_the_outcome,
    summary,
    timing_margin_problem,
    unmet,
    visibly_differ,
)
from tutor.jobs import ExampleJob, NotRunnable, build_job
from tutor.pool import Runner
from wire.runs import RunReport

AT_ONCE = 48
"""Runs verify starts at once: far more on two cores, and their start-up crowds the timed
part of the others (docs/speed.md, "verify's runs at once")."""


@dataclass(frozen=True)
class Variant:
    """One way to answer an exercise: the correct letters, or one wrong option swapped in."""

    letters: str
    label: str
    expect: Expectation | None
    correct: bool = False


@dataclass(frozen=True)
class RunProblem:
    """A problem that running an exercise shows, named by exercise and variant.

    Not exercises.Problem, which names a file and a field of it: this one names a run."""

    exercise_id: str
    label: str
    message: str

    def __str__(self) -> str:
        return f"{self.exercise_id} [{self.label}]: {self.message}"


def variants(exercise: AnyExercise) -> list[Variant]:
    """The correct answer first, then every wrong option (one blank at a time)."""
    run = exercise.run
    if run is None:
        return []
    key = exercise.answer_key
    found = [Variant(key, "correct", run.expect, correct=True)]
    if isinstance(exercise, FillInTheBlank):
        for index, blank in enumerate(exercise.blanks):
            for letter in exercise.letters:
                if letter != blank.answer:
                    letters = key[:index] + letter + key[index + 1 :]
                    text = exercise.option(letter).text
                    label = f"blank {blank.number} = {letter} {text}"
                    found.append(Variant(letters, label, blank.expect.get(letter)))
    elif run.target is RunTarget.OPTIONS:
        for option in exercise.options:
            if option.letter != key:
                label = f"option {option.letter}"
                found.append(Variant(option.letter, label, exercise.expect.get(option.letter)))
    return found


async def verify(
    exercises: Iterable[AnyExercise], runner: Runner, *, at_once: int = AT_ONCE
) -> list[RunProblem]:
    """Every problem found in these exercises; empty when all of them hold."""
    runnable = [exercise for exercise in exercises if exercise.run is not None]
    slots = asyncio.Semaphore(at_once)
    results = await asyncio.gather(*(_verify_one(exercise, runner, slots) for exercise in runnable))
    problems: list[RunProblem] = []
    for exercise, found in zip(runnable, results, strict=True):
        if found:  # once more, alone, beside a baseline: the first pass ran many at once
            found = await _verify_one(
                exercise, runner, asyncio.Semaphore(len(variants(exercise)) + 1), baseline=True
            )
        problems += found
    return problems


async def _verify_one(
    exercise: AnyExercise, runner: Runner, slots: asyncio.Semaphore, *, baseline: bool = False
) -> list[RunProblem]:
    tried = variants(exercise)
    runs = [_run(exercise, variant, runner, slots) for variant in tried]
    if not baseline:
        return check(exercise, tried, await asyncio.gather(*runs))
    *reports, idle = await asyncio.gather(*runs, runner.run(baseline_job(exercise)))
    overhead = idle.elapsed if idle.ok else 0.0
    return check(exercise, tried, reports, overhead=overhead)


BASELINE_PRELUDE = "from django.http import HttpResponse\n"
BASELINE_VIEW = "async def idle(request):\n    return HttpResponse('')\n"
BASELINE_COROUTINE = "async def idle():\n    return None\n"


def baseline_job(exercise: AnyExercise) -> ExampleJob:
    """A run of our own code, shaped like the exercise's (a view or a coroutine, as many
    requests at once) but awaiting nothing: how long the machine takes for no work."""
    run = exercise.run
    assert run is not None
    if run.view is None:
        return ExampleJob(code=BASELINE_COROUTINE, entry="idle", entry_kind="coroutine")
    return ExampleJob(
        code=BASELINE_VIEW,
        prelude=BASELINE_PRELUDE,
        entry="idle",
        entry_kind="view",
        route="idle/",
        path="/idle/",
        concurrent=run.concurrent,
    )


async def _run(
    exercise: AnyExercise, variant: Variant, runner: Runner, slots: asyncio.Semaphore
) -> RunReport:
    try:
        job = build_job(exercise, variant.letters)
    except NotRunnable as error:
        return RunReport(runner_error=str(error))
    async with slots:
        return await runner.run(job)


def check(
    exercise: AnyExercise,
    tried: Sequence[Variant],
    reports: Sequence[RunReport],
    *,
    overhead: float = 0.0,
) -> list[RunProblem]:
    """The problems shown by these runs of the exercise's variants (the correct one first);
    `overhead` is the time a run awaiting nothing took beside them (see `unmet`)."""
    run = exercise.run
    assert run is not None
    assert tried[0].correct
    problems: list[RunProblem] = []

    def problem(variant: Variant, message: str) -> None:
        problems.append(RunProblem(exercise.id, variant.label, message))

    correct, correct_report = tried[0], reports[0]
    if not names_the_outcome(run.expect, view=run.view is not None):
        problem(correct, "the expectation must name the outcome (body, json, returns or raises)")
    if not correct_report.compiled:
        problem(correct, f"does not compile: {summary(correct_report)}")
    else:
        for message in unmet(run.expect, correct_report, overhead=overhead):
            problem(correct, message)
    for variant, report in zip(tried, reports, strict=True):
        if variant.expect is not None:
            margin = timing_margin_problem(variant.expect)
            if margin:
                problem(variant, margin)
        if variant.correct:
            continue
        if variant.expect is not None:
            for message in unmet(variant.expect, report, overhead=overhead):
                problem(variant, message)
        if correct_report.compiled and not visibly_differ(
            correct_report, report, overhead=overhead
        ):
            problem(variant, f"behaves like the correct answer ({summary(report)})")
    return problems
