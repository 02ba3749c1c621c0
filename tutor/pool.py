"""The runner, as the API process sees it: a worker process, jobs out, reports back.

The worker forks one child per run and kills a child that passes its timeout; if the worker
itself dies, the runs it held report a runner error and a new worker is started. Every run
has a fresh process, so its time is its own and nothing one run does is seen by another.
Nothing here blocks the event loop, so the API stays responsive whatever an example does.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import os
import sys
from pathlib import Path
from types import TracebackType
from typing import Any

from tutor.jobs import ExampleJob
from wire.runs import RunReport, WireError

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
    ) -> None:
        self.example_api_url = example_api_url
        self.timeout = timeout
        self.max_concurrent = max_concurrent
        self.body_limit = body_limit
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

    async def close(self) -> None:
        self._closed = True
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

    async def run(self, job: ExampleJob) -> RunReport:
        """Run one job in a fresh child; a run past the timeout comes back as timed out."""
        async with self._slots:
            self.running += 1
            try:
                data = await self._request(job)
            finally:
                self.running -= 1
        if isinstance(data, RunReport):
            return data
        try:
            return RunReport.from_json(data)
        except WireError as error:
            return RunReport(runner_error=f"the worker's report is not one: {error}")

    async def _request(self, job: ExampleJob) -> Any:
        """The worker's answer to one job, or a report of why there is none."""
        if not self.ready:
            await self.start()
        process = self._process
        assert process is not None
        assert process.stdin is not None
        run_id = next(self._ids)
        reply: Reply = asyncio.get_running_loop().create_future()
        self._pending[run_id] = (process, reply)
        seconds = self.timeout
        message = {"id": run_id, "timeout": seconds, "job": job.to_json()}
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


def cancel(process: asyncio.subprocess.Process, run_id: int) -> None:
    """Tell the worker that nobody waits for this run any more."""
    if process.returncode is None and process.stdin is not None:
        with contextlib.suppress(ConnectionError):
            process.stdin.write(json.dumps({"cancel": run_id}).encode() + b"\n")
