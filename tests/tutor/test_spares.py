"""Children forked ahead of need (tutor.worker's spares): a run is handed over, not forked,
and no spare outlives its worker. Every isolation guarantee is tested in test_runner.py, on
runs that now start in spares."""

from __future__ import annotations

import os

from tests.tutor.examples import COROUTINE
from tests.tutor.test_server import children_of, gone
from tutor.jobs import build_job
from tutor.pool import Runner
from tutor.service import Tutor
from tutor.worker import SPARES


def worker_children() -> dict[int, list[int]]:
    """The workers this test process started, and each one's own children."""
    return {pid: children_of(pid) for pid in children_of(os.getpid())}


async def test_runs_go_to_children_forked_ahead_and_none_outlives_the_worker(tutor: Tutor):
    others = set(worker_children())  # the fixture's own runner
    async with Runner(example_api_url=tutor.runner.example_api_url) as runner:
        first = await runner.run(build_job(COROUTINE, "A"))
        second = await runner.run(build_job(COROUTINE, "A"))
        mine = {pid: kids for pid, kids in worker_children().items() if pid not in others}
    [spares] = mine.values()
    assert first.ok
    assert second.ok
    assert first.returns == second.returns
    assert spares  # children wait ready for the next run
    assert len(spares) <= SPARES
    assert all(gone(pid) for pid in spares)
