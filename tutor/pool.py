"""The runner, as the API process sees it: a worker process, jobs out, reports back.

The worker forks one child per run and kills a child that passes its timeout; if the worker
itself dies, the runs it held report a runner error and a new worker is started. A job that
`python -m tutor verify` recorded as shareable (tutor/shared_runs.json) goes to the shared
process instead (tutor/shared_client.py); whatever that cannot vouch for runs here again, in a
fresh child. Nothing here blocks the event loop, so the API stays responsive whatever an
example does.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import os
import sys
from collections.abc import Collection
from pathlib import Path
from types import TracebackType
from typing import Any

from exercises.wire import RunReport, WireError
from tutor.jobs import ExampleJob
from tutor.shared_client import SharedProcess, cancel
from tutor.shared_runs import job_key

Reply = asyncio.Future[dict[str, Any]]
READY_TIMEOUT = 60.0
GRACE = 2.0
"""Seconds past a run's timeout that the API waits for the worker's own verdict."""
PROJECT_ROOT = Path(__file__).resolve().parent.parent


PASSED_ON = ("TZ",)
"""The only variables of ours a run inherits (besides PYTHONPATH, where our code is found)."""


def run_environment() -> dict[str, str]:
    """The worker's whole environment, and so every run's: nothing of ours is inherited.

    The examples run code from exercise files; a secret exported for the service or the bot
    (TUTOR_SECRET, DISCORD_TOKEN, ...) must not be one `os.environ` away from them."""
    inherited = {name: os.environ[name] for name in PASSED_ON if name in os.environ}
    return {
        **inherited,
        "PATH": os.defpath,
        "LC_ALL": "C.UTF-8",
        "PYTHONUTF8": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONPATH": os.pathsep.join(
            filter(None, [str(PROJECT_ROOT), os.environ.get("PYTHONPATH")])
        ),
    }


class WorkerUnavailable(RuntimeError):
    """The example worker could not be started."""


class Runner:
    """Runs example jobs in a worker process, at most `max_concurrent` at once."""

    def __init__(
        self,
        *,
        example_api_url: str,
        timeout: float = 8.0,
        max_concurrent: int = 256,
        body_limit: int = 4000,
        shareable: Collection[str] = (),
    ) -> None:
        """`shareable`: the keys (tutor.shared_runs.job_key) of jobs that may share a process
        (`python -m tutor` passes those `python -m tutor verify --record` recorded); by
        default none does, and every run has a fresh child."""
        self.example_api_url = example_api_url
        self.timeout = timeout
        self.max_concurrent = max_concurrent
        self.body_limit = body_limit
        self.shareable = frozenset(shareable)
        self.shared = SharedProcess(
            example_api_url=example_api_url,
            body_limit=body_limit,
            env=run_environment(),
            ready_timeout=READY_TIMEOUT,
            grace=GRACE,
        )
        self._starting_shared: asyncio.Task[bool] | None = None
        self.rerun = 0
        """Shared runs run again in a fresh child (the shared process could not vouch)."""
        self._slots = asyncio.Semaphore(max_concurrent)
        self._ids = itertools.count(1)
        self._pending: dict[int, tuple[asyncio.subprocess.Process, Reply]] = {}
        self._process: asyncio.subprocess.Process | None = None
        self._reader: asyncio.Task[None] | None = None
        self._starting = asyncio.Lock()
        self._closed = False
        self.running = 0

    @property
    def ready(self) -> bool:
        return self._process is not None and self._process.returncode is None

    async def __aenter__(self) -> Runner:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    async def start(self) -> None:
        async with self._starting:
            if self.ready:
                return
            self._closed = False
            env = run_environment()
            process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "tutor.worker",
                self.example_api_url,
                str(self.body_limit),
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                env=env,
                start_new_session=True,  # Ctrl-C reaches us, and we stop the worker
                limit=1 << 24,
            )
            assert process.stdout is not None
            try:
                line = await asyncio.wait_for(process.stdout.readline(), READY_TIMEOUT)
            except TimeoutError:
                line = b""
            if not line or json.loads(line) != {"ready": True}:
                with contextlib.suppress(ProcessLookupError):
                    process.kill()
                await process.wait()
                raise WorkerUnavailable("the example worker did not start")
            self._process = process
            self._reader = asyncio.create_task(self._read(process), name="tutor-worker-reader")
        if self.shareable and self._starting_shared is None:  # beside, not before, ready
            self._starting_shared = asyncio.create_task(self.shared.start())

    async def close(self) -> None:
        self._closed = True
        starting, self._starting_shared = self._starting_shared, None
        if starting is not None:
            await starting
        await self.shared.close()
        process, self._process = self._process, None
        if process is None:
            return
        assert process.stdin is not None
        process.stdin.close()  # the worker kills its children and exits
        try:
            await asyncio.wait_for(process.wait(), 5)
        except TimeoutError:
            process.kill()
            await process.wait()
        if self._reader is not None:
            await self._reader

    async def run(self, job: ExampleJob, *, fresh: bool = False) -> RunReport:
        """Run one job; a run past the timeout comes back as a timed-out report.
        `fresh`: in a fresh child even if the job may share a process (verify compares)."""
        async with self._slots:
            self.running += 1
            try:
                if not fresh and job_key(job) in self.shareable:
                    report = await self.shared.run(job, self.timeout)
                    if report is not None:
                        return report
                    self.rerun += 1
                return await self._run(job)
            finally:
                self.running -= 1

    async def probe(self, job: ExampleJob) -> dict[str, Any] | None:
        """What tutor.probe saw of the job run shared, in a fresh child; None if it did not
        finish (the probe runs it three times, so it has three times the timeout)."""
        async with self._slots:
            data = await self._request({"probe": True, "job": job.to_json()}, 3 * self.timeout)
        return data if isinstance(data, dict) and "reasons" in data else None

    async def _run(self, job: ExampleJob) -> RunReport:
        if not self.ready:
            await self.start()
        process = self._process
        assert process is not None
        assert process.stdin is not None
        data = await self._request({"job": job.to_json()}, self.timeout)
        if isinstance(data, RunReport):
            return data
        try:
            return RunReport.from_json(data)
        except WireError as error:
            return RunReport(runner_error=f"the worker's report is not one: {error}")

    async def _request(self, message: dict[str, Any], seconds: float) -> Any:
        """The worker's answer to one job (or probe), or a report of why there is none."""
        if not self.ready:
            await self.start()
        process = self._process
        assert process is not None
        assert process.stdin is not None
        run_id = next(self._ids)
        reply: Reply = asyncio.get_running_loop().create_future()
        self._pending[run_id] = (process, reply)
        message = {"id": run_id, "timeout": seconds, **message}
        try:
            process.stdin.write(json.dumps(message).encode() + b"\n")
            await process.stdin.drain()
            return await asyncio.wait_for(reply, seconds + GRACE)
        except TimeoutError:
            cancel(process, run_id)
            return RunReport(timed_out=True, elapsed=seconds)
        except (ConnectionError, BrokenPipeError):
            return RunReport(runner_error="the example worker stopped")
        except asyncio.CancelledError:  # the client went away: free the slot for real
            cancel(process, run_id)  # a no-op if the run has just ended
            raise
        finally:
            self._pending.pop(run_id, None)

    async def _read(self, process: asyncio.subprocess.Process) -> None:
        assert process.stdout is not None
        while line := await process.stdout.readline():
            message = json.loads(line)
            _, reply = self._pending.get(message["id"], (process, None))
            if reply is not None and not reply.done():
                reply.set_result(message["report"])
        await process.wait()
        if self._process is process:
            self._process = None
        for owner, reply in list(self._pending.values()):
            if owner is process and not reply.done():
                stopped = RunReport(runner_error="the example worker stopped; it is restarted")
                reply.set_result(stopped.to_json())
