"""Which runs may share a process: tutor/shared_runs.json names exactly the shipped packs' runs,
its verdicts say what the lessons show, and verify's judge refuses what must never share."""

from __future__ import annotations

import pytest

from exercises import load_catalog
from exercises.model import Expectation, Request
from exercises.wire import RunReport
from tests.tutor.examples import BOOKS, COROUTINE, PRELUDE, SLEEPERS, choice
from tutor.jobs import build_job
from tutor.service import Tutor
from tutor.shared_runs import RECORD, SharingVerdict, job_key, read, shareable_keys, write
from tutor.sharing import check_record, jobs_of, judge, reasons_not_to_share, unrecorded

ASYNC = pytest.mark.asyncio(loop_scope="module")
SHIPPED = load_catalog(None).exercises


def verdicts_of(exercise_id: str) -> dict[str, SharingVerdict]:
    recorded = read()
    return {
        item.variant: recorded[item.key]
        for item in jobs_of([SHIPPED[exercise_id]])
        if item.key in recorded
    }


def test_the_record_names_exactly_the_shipped_packs_runs():
    """Stale when a run changed or was added: `python -m tutor verify --record` writes it."""
    assert {item.key for item in jobs_of(SHIPPED.values())} == set(read())


def test_the_benchmarks_example_shares():
    assert verdicts_of("django-async-views/sleep-then-respond")["correct"].shared


def test_a_blocking_option_never_shares():
    verdicts = verdicts_of("streaming-and-long-requests/sync-iterator-is-buffered")
    assert verdicts["correct"].shared  # await asyncio.sleep
    assert not verdicts["option C"].shared  # time.sleep in an async generator
    assert "held the loop" in verdicts["option C"].why


def test_a_never_awaited_warning_never_shares():
    verdicts = verdicts_of("asyncio-essentials/never-awaited-warning")
    warned = [verdict for verdict in verdicts.values() if "never awaited" in verdict.why]
    assert warned
    assert not any(verdict.shared for verdict in warned)


def test_the_record_reads_back_what_was_written(tmp_path):
    path = tmp_path / "shared_runs.json"
    one = SharingVerdict("k1", "p/e", "correct", True)
    other = SharingVerdict("k2", "p/e", "option B", False, "warns: RuntimeWarning: ...")
    write([other, one], path)
    assert read(path) == {"k1": one, "k2": other}
    assert shareable_keys(path) == {"k1"}
    assert RECORD.name == path.name


def test_a_run_that_warns_prints_or_times_out_fresh_never_shares():
    probe = {"reasons": [], "reports": []}
    assert reasons_not_to_share(RunReport(warnings=("RuntimeWarning: x",)), probe)
    assert reasons_not_to_share(RunReport(output="hi\n"), probe)
    assert reasons_not_to_share(RunReport(timed_out=True), probe)
    assert reasons_not_to_share(RunReport(), None) == ["the probe did not finish"]
    assert reasons_not_to_share(RunReport(), probe) == []


def test_a_shared_report_that_differs_from_the_fresh_one_never_shares():
    fresh = RunReport(returns=(1,), elapsed=0.2)
    other = RunReport(returns=(2,), elapsed=0.2).to_json()
    slower = RunReport(returns=(1,), elapsed=0.9).to_json()
    faster = RunReport(returns=(1,), elapsed=0.0).to_json()
    assert reasons_not_to_share(fresh, {"reasons": [], "reports": [other]})
    assert reasons_not_to_share(fresh, {"reasons": [], "reports": [slower]})
    assert not reasons_not_to_share(fresh, {"reasons": [], "reports": [faster]})


LEAVES_STATE = choice(
    "t/leaves-state",
    [
        "async def left():\n    await asyncio.sleep(0.1)\n    return 1",
        "async def left():\n    json.LEFT_BEHIND = 'by a run'\n    return 1",
        "async def left():\n    asyncio.get_running_loop().create_task(asyncio.sleep(30))\n"
        "    return 1",
        "async def left():\n    print('hello')\n    return 1",
    ],
    "A",
    prelude="import asyncio\nimport json\n",
    coroutine="left",
    expect=Expectation(returns=1),
)
"""A awaits and returns; B leaves a name in a module every run shares; C leaves a task
running; D prints."""
BLOCKS_BRIEFLY = choice(
    "t/blocks-briefly",
    [
        "async def nap(request):\n    await asyncio.sleep(0.3)\n    return HttpResponse('ok')",
        "async def nap(request):\n    time.sleep(0.3)\n    return HttpResponse('ok')",
    ],
    "A",
    prelude=PRELUDE,
    view="nap",
    request=Request(path="/nap/"),
    expect=Expectation(status=200, body="ok"),
)


@ASYNC
async def test_the_judge_shares_only_what_it_saw_to_be_safe(tutor: Tutor):
    exercises = [LEAVES_STATE, BLOCKS_BRIEFLY, COROUTINE]
    verdicts = {
        (verdict.exercise, verdict.variant): verdict
        for verdict in await judge(exercises, tutor.runner)
    }
    assert verdicts["t/leaves-state", "correct"].shared
    assert verdicts["t/blocks-briefly", "correct"].shared
    assert verdicts["t/gather", "correct"].shared
    refused = {
        ("t/leaves-state", "option B"): "changed module json",
        ("t/leaves-state", "option C"): "task(s) running",
        ("t/leaves-state", "option D"): "prints",
        ("t/blocks-briefly", "option B"): "held the loop",
        ("t/gather", "option B"): "was never awaited",
    }
    for which, why in refused.items():
        assert not verdicts[which].shared
        assert why in verdicts[which].why


@ASYNC
async def test_a_write_to_the_example_database_never_shares(tutor: Tutor):
    job = build_job(BOOKS, "D")
    probe = await tutor.runner.probe(job)
    assert probe is not None
    assert "wrote to the example database" in probe["reasons"]
    assert job_key(job) == job_key(build_job(BOOKS, "D"))
    assert job_key(job) != job_key(build_job(BOOKS, "A"))
    assert job_key(build_job(SLEEPERS, "A")) != job_key(build_job(SLEEPERS, "B"))


@ASYNC
async def test_rechecking_the_record_finds_a_run_wrongly_recorded_as_shared(tutor: Tutor):
    """`verify --recheck-shared` (CI runs it): a record that claims a blocking option shares,
    or that misses a run, is a problem named by exercise and option."""
    items = jobs_of([BLOCKS_BRIEFLY])
    record = {
        item.key: SharingVerdict(item.key, item.exercise, item.variant, True) for item in items
    }
    problems = await check_record([BLOCKS_BRIEFLY], tutor.runner, record)
    assert [(p.exercise_id, p.label) for p in problems] == [("t/blocks-briefly", "option B")]
    assert "recorded as shared, but" in problems[0].message
    assert "held the loop" in problems[0].message
    missing = {key: verdict for key, verdict in record.items() if verdict.variant != "correct"}
    (gone,) = unrecorded([BLOCKS_BRIEFLY], missing)
    assert (gone.exercise_id, gone.label) == ("t/blocks-briefly", "correct")
    assert "not in tutor/shared_runs.json" in gone.message
