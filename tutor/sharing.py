"""Which runs may share a process, decided by measurement (`python -m tutor verify --record`).

A job (one variant of one exercise: tutor/shared_runs.py names it by a hash of itself) may
share only when every one of these holds:

- run fresh (a child of its own, as every run before), it compiled, ended within its time,
  raised no warning and printed nothing, and ran out of memory nowhere;
- its client does not leave mid-request;
- the probe (tutor/probe.py: the job run shared, once to warm up, then twice at once, in a
  fresh child with every tripwire of tutor/run_context.py armed) finished and saw nothing:
  no warning, no output, no write to the example database, no callback holding the loop
  over PROBE_STALL, no task or thread left running, no change to any module's names, class
  attributes, settings, the database's rows, the environment or the event loop;
- each of the probe's three reports is the fresh report in everything a learner sees
  (error, responses, values, warnings, output), and not visibly slower (faster is fine: a
  fresh child's first call to the example API opens its connection, a warm process's not).

A job judged unshareable while the record says it shares is judged once more, alone, before
verify reports it: load on a shared machine stretches callbacks, a real problem stays.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Iterable

from exercises.model import AnyExercise
from exercises.wire import RunReport
from tutor.expectations import visibly_differ
from tutor.jobs import ExampleJob, NotRunnable, build_job
from tutor.pool import Runner
from tutor.probe import HELD
from tutor.shared_runs import SharingVerdict, job_key
from tutor.verify import RunProblem, variants

JUDGED_AT_ONCE = 8
"""Jobs judged at once: each is a fresh run and a probe (three runs and two fingerprints of
the process), and a loaded machine stretches callbacks toward PROBE_STALL."""


def reasons_not_to_share(fresh: RunReport, probe: dict[str, object] | None) -> list[str]:
    """Every reason found; empty when the job may share a process."""
    if fresh.runner_error is not None or fresh.timed_out:
        return ["did not run to its end in a fresh child"]
    found = []
    if fresh.warnings:
        found.append(f"warns: {fresh.warnings[0]}")
    if fresh.output:
        found.append("prints")
    if fresh.error is not None and fresh.error.is_a("MemoryError"):
        found.append("runs out of memory")
    if probe is None:
        return [*found, "the probe did not finish"]
    found += [str(reason) for reason in probe["reasons"]]  # type: ignore[attr-defined]
    shared = [RunReport.from_json(data) for data in probe["reports"]]  # type: ignore[attr-defined]
    if any(_seen(report) != _seen(fresh) for report in shared):
        found.append("reports something else when shared")
    elif any(report.elapsed > fresh.elapsed and visibly_differ(report, fresh) for report in shared):
        found.append(f"{SLOWER} when shared")  # faster is a warm process, not a difference
    return found


SLOWER = "is slower"
SOFT = (SLOWER, HELD)
"""Reasons that load alone can give: a verdict with no others is judged again, alone."""


def _seen(report: RunReport) -> RunReport:
    return dataclasses.replace(report, elapsed=0.0)


@dataclasses.dataclass(frozen=True)
class _Job:
    key: str
    exercise: str
    variant: str
    job: ExampleJob


def jobs_of(exercises: Iterable[AnyExercise]) -> list[_Job]:
    """Every variant's job, each once (a snippet runs the same job whatever the letters)."""
    found: dict[str, _Job] = {}
    for exercise in exercises:
        for variant in variants(exercise):
            try:
                job = build_job(exercise, variant.letters)
            except NotRunnable:
                continue
            key = job_key(job)
            found.setdefault(key, _Job(key, exercise.id, variant.label, job))
    return list(found.values())


async def judge(exercises: Iterable[AnyExercise], runner: Runner) -> list[SharingVerdict]:
    """A verdict for every job of these exercises; one refused for load-like reasons alone is
    judged once more, on its own."""
    items = jobs_of(exercises)
    verdicts = await _judge_jobs(items, runner)
    for index, (item, verdict) in enumerate(zip(items, verdicts, strict=True)):
        if not verdict.shared and all(why.startswith(SOFT) for why in verdict.why.split("; ")):
            (verdicts[index],) = await _judge_jobs([item], runner)
    return verdicts


def unrecorded(
    exercises: Iterable[AnyExercise], recorded: dict[str, SharingVerdict]
) -> list[RunProblem]:
    """Problems: a job the record does not name (its code or request changed since)."""
    return [
        RunProblem(item.exercise, item.variant, f"not in tutor/shared_runs.json: {RERECORD}")
        for item in jobs_of(exercises)
        if item.key not in recorded
    ]


async def check_record(
    exercises: Iterable[AnyExercise], runner: Runner, recorded: dict[str, SharingVerdict]
) -> list[RunProblem]:
    """Problems: a job recorded as shared that is not (judged twice), a job not recorded."""
    exercises = list(exercises)
    items = jobs_of(exercises)
    problems = unrecorded(exercises, recorded)
    shared = [item for item in items if item.key in recorded and recorded[item.key].shared]
    for item, verdict in zip(shared, await _judge_jobs(shared, runner), strict=True):
        if not verdict.shared:  # once more, alone: load is not a reason
            (verdict,) = await _judge_jobs([item], runner)
        if not verdict.shared:
            message = f"recorded as shared, but {verdict.why}: {RERECORD}"
            problems.append(RunProblem(item.exercise, item.variant, message))
    return problems


RERECORD = "run `python -m tutor verify --record`"


async def _judge_jobs(items: list[_Job], runner: Runner) -> list[SharingVerdict]:
    slots = asyncio.Semaphore(JUDGED_AT_ONCE)

    async def one(item: _Job) -> SharingVerdict:
        async with slots:
            fresh, probe = await asyncio.gather(
                runner.run(item.job, fresh=True), runner.probe(item.job)
            )
        reasons = list(dict.fromkeys(reasons_not_to_share(fresh, probe)))
        return SharingVerdict(
            item.key, item.exercise, item.variant, not reasons, "; ".join(reasons)
        )

    return list(await asyncio.gather(*(one(item) for item in items)))
