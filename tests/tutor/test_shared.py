"""Shared runs (tutor/shared.py): jobs recorded as shareable run as tasks of one warm process,
and every isolation guarantee of a fresh child still holds for each of them. A job that does
in the shared process what verify never saw it do is run again in a fresh child of its own,
so its report is the one it always had."""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import AsyncIterator, Sequence

import pytest
import pytest_asyncio

from exercises.wire import RunReport
from tests.tutor.examples import BOOKS, COROUTINE, GREEDY, JSON_VIEW, SLEEPERS
from tutor.jobs import ExampleJob, build_job
from tutor.pool import Runner
from tutor.service import Tutor
from tutor.shared_runs import job_key

pytestmark = pytest.mark.asyncio(loop_scope="module")


def job(exercise, letters: str) -> ExampleJob:
    return build_job(exercise, letters)


def bare(code: str, entry: str) -> ExampleJob:
    return ExampleJob(code=code, entry=entry, entry_kind="coroutine")


WHO_A = bare("import asyncio, os\n\nasync def who():\n    await asyncio.sleep(0.3)\n"
             "    return os.getpid()\n", "who")  # fmt: skip
FOREVER = bare("import asyncio\n\nasync def forever():\n    await asyncio.sleep(30)\n", "forever")
PRINTS = bare("async def hello():\n    print('hello from the example')\n    return 1\n", "hello")
COUNTS = bare("import asyncio\n\nasync def count():\n    global COUNT\n"
              "    COUNT = globals().get('COUNT', 0) + 1\n    await asyncio.sleep(0.2)\n"
              "    return COUNT\n", "count")  # fmt: skip
UNAWAITED = job(COROUTINE, "B")
CLEAN = job(COROUTINE, "A")
BLOCKS = job(SLEEPERS, "C")  # time.sleep(30) in an async view
WRITES = job(BOOKS, "D")  # deletes every book
FAILS = job(JSON_VIEW, "B")  # a NameError in the view: Django answers 500
GRABS = job(GREEDY, "A")  # asks for 4 GiB
LISTS = job(BOOKS, "A")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def shared_runner(tutor: Tutor) -> AsyncIterator[Runner]:
    """A runner told that all the jobs here may share (as a wrong record would say); one
    for the module, as a service has one: a test that trips its shared process leaves a new
    one for the next, which is part of what is tested."""
    every = (WHO_A, FOREVER, PRINTS, COUNTS, UNAWAITED, CLEAN, BLOCKS, WRITES, FAILS, GRABS, LISTS)
    async with Runner(
        example_api_url=tutor.runner.example_api_url,
        timeout=3.0,
        shareable={job_key(one) for one in every},
    ) as runner:
        assert await runner.shared.start()
        yield runner


async def run_all(runner: Runner, jobs: Sequence[ExampleJob]) -> list[RunReport]:
    return list(await asyncio.gather(*(runner.run(one) for one in jobs)))


async def test_shareable_runs_share_one_process_and_others_get_a_fresh_child(shared_runner):
    before = shared_runner.rerun
    first, second = await run_all(shared_runner, [WHO_A, WHO_A])
    fresh = await shared_runner.run(WHO_A, fresh=True)
    assert first.returns == second.returns == (shared_runner.shared.pids[-1],)
    assert fresh.returns != first.returns
    assert shared_runner.rerun == before


async def test_each_shared_run_has_its_own_module(shared_runner):
    before = shared_runner.rerun
    reports = await run_all(shared_runner, [COUNTS] * 3)
    again = await shared_runner.run(COUNTS)
    assert [report.returns for report in [*reports, again]] == [(1,)] * 4
    assert shared_runner.rerun == before


async def test_an_error_in_a_shared_view_is_reported_for_that_run_alone(shared_runner):
    failed, clean = await run_all(shared_runner, [FAILS, LISTS])
    assert failed.error is not None
    assert (failed.error.type, failed.error.line) == ("NameError", 5)
    assert [response.status for response in failed.responses] == [500]
    assert clean.ok
    assert clean.error is None


async def test_a_shared_run_past_its_timeout_stops_only_itself(shared_runner):
    pids = list(shared_runner.shared.pids)
    stuck, quick = await run_all(shared_runner, [FOREVER, WHO_A])
    assert stuck.timed_out  # again in a fresh child, and killed there
    assert stuck.elapsed == shared_runner.timeout
    assert quick.ok
    assert quick.returns == (pids[-1],)  # the shared process went on, unreplaced
    assert shared_runner.shared.pids == pids


async def rerun_beside_a_clean_run(runner: Runner, odd: ExampleJob) -> tuple[RunReport, RunReport]:
    """The odd job beside a clean one, both shared: the odd one trips the shared process."""
    before = runner.rerun
    pids = list(runner.shared.pids)
    odd_report, clean = await run_all(runner, [odd, WHO_A])
    assert runner.rerun > before  # at least the odd run ran again, in a fresh child
    assert clean.ok  # and the clean one has its right report wherever it ran
    assert clean.returns != ()
    assert await runner.shared.start()  # a new shared process takes the next runs
    assert runner.shared.pids[-1] not in pids
    return odd_report, clean


async def test_an_unexpected_warning_is_reported_for_its_own_run_only(shared_runner):
    unawaited, clean = await rerun_beside_a_clean_run(shared_runner, UNAWAITED)
    assert any("coroutine 'one' was never awaited" in w for w in unawaited.warnings)
    assert clean.warnings == ()
    assert (await shared_runner.run(CLEAN)).warnings == ()


async def test_printed_output_is_its_own_runs(shared_runner):
    printed, clean = await rerun_beside_a_clean_run(shared_runner, PRINTS)
    assert printed.output == "hello from the example\n"
    assert clean.output == ""


async def test_a_run_that_blocks_the_shared_loop_is_run_again_and_killed_alone(shared_runner):
    blocked, _ = await rerun_beside_a_clean_run(shared_runner, BLOCKS)
    assert blocked.timed_out
    assert blocked.elapsed == shared_runner.timeout


async def test_a_write_to_the_example_database_is_run_again_and_leaves_nothing(shared_runner):
    deleted, _ = await rerun_beside_a_clean_run(shared_runner, WRITES)
    before = shared_runner.rerun
    assert deleted.responses[0].body == '{"deleted": 5, "left": 0}'
    listed = await shared_runner.run(LISTS)
    assert "Small Gods" in listed.responses[0].body  # the next shared run sees every book
    assert shared_runner.rerun == before


async def test_a_runaway_allocation_is_still_the_examples_memory_error(shared_runner):
    grabbed, _ = await rerun_beside_a_clean_run(shared_runner, GRABS)
    assert grabbed.error is not None
    assert (grabbed.error.type, grabbed.error.line) == ("MemoryError", 2)


async def test_a_crashed_shared_process_has_its_runs_run_again(shared_runner):
    pending = asyncio.create_task(shared_runner.run(WHO_A))
    for _ in range(1000):  # bounded: until the run has reached the shared process
        if shared_runner.shared._pending:
            break
        await asyncio.sleep(0.005)
    crashed = shared_runner.shared.pids[-1]
    os.kill(crashed, signal.SIGKILL)
    report = await pending
    assert report.ok
    assert report.returns != (crashed,)
