"""The shared process (tutor/shared.py), as the API process sees it: jobs out, reports back,
and None for every run it could not vouch for, which the Runner then runs in a fresh child.

Started beside the worker; if it exits (a tripwire, a MemoryError, a crash, a kill), every
run it held comes back as None and the next shared run starts a new one. `pids` names every
process started so far, so tests can see that two runs shared one.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import logging
import sys
from typing import Any

from exercises.wire import RunReport, WireError
from tutor.jobs import ExampleJob

ENVIRONMENT = {"MALLOC_ARENA_MAX": "2"}
"""Beside the worker's: glibc reserves 64 MB of address space per arena, and the shared
process runs many threads at once under its own address-space limit."""

log = logging.getLogger("tutor.shared")


class SharedProcess:
    def __init__(
        self,
        *,
        example_api_url: str,
        body_limit: int,
        env: dict[str, str],
        ready_timeout: float,
        grace: float,
    ) -> None:
        """`grace`: seconds past a run's timeout that we wait for the shared process's own
        answer; `ready_timeout`: for it to start."""
        self.example_api_url = example_api_url
        self.ready_timeout = ready_timeout
        self.grace = grace
        self.body_limit = body_limit
        self.env = {**env, **ENVIRONMENT}
        self.pids: list[int] = []
        self._process: asyncio.subprocess.Process | None = None
        self._pending: dict[int, tuple[asyncio.subprocess.Process, asyncio.Future[Any]]] = {}
        self._ids = itertools.count(1)
        self._starting = asyncio.Lock()
        self._readers: set[asyncio.Task[None]] = set()

    @property
    def ready(self) -> bool:
        return self._process is not None and self._process.returncode is None

    async def start(self) -> bool:
        async with self._starting:
            if self.ready:
                return True
            process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "tutor.shared",
                self.example_api_url,
                str(self.body_limit),
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                env=self.env,
                start_new_session=True,
                limit=1 << 24,
            )
            assert process.stdout is not None
            try:
                line = await asyncio.wait_for(process.stdout.readline(), self.ready_timeout)
            except TimeoutError:
                line = b""
            if not line or json.loads(line) != {"ready": True}:
                with contextlib.suppress(ProcessLookupError):
                    process.kill()
                await process.wait()
                log.warning("the shared process did not start: its runs start fresh children")
                return False
            self._process = process
            self.pids.append(process.pid)
            reader = asyncio.create_task(self._read(process), name="tutor-shared-reader")
            self._readers.add(reader)
            reader.add_done_callback(self._readers.discard)
            return True

    async def close(self) -> None:
        process, self._process = self._process, None
        if process is not None and process.returncode is None:
            assert process.stdin is not None
            process.stdin.close()
            try:
                await asyncio.wait_for(process.wait(), 5)
            except TimeoutError:
                process.kill()
                await process.wait()
        for reader in list(self._readers):
            await reader

    async def run(self, job: ExampleJob, seconds: float) -> RunReport | None:
        """The run's report, or None when it must run again in a fresh child."""
        if not self.ready and not await self.start():
            return None
        process = self._process
        assert process is not None
        assert process.stdin is not None
        run_id = next(self._ids)
        reply: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._pending[run_id] = (process, reply)
        message = {"id": run_id, "timeout": seconds, "job": job.to_json()}
        try:
            process.stdin.write(json.dumps(message).encode() + b"\n")
            await process.stdin.drain()
            data = await asyncio.wait_for(reply, seconds + self.grace)
        except (TimeoutError, ConnectionError):
            cancel(process, run_id)
            return None
        except asyncio.CancelledError:  # the client went away
            cancel(process, run_id)
            raise
        finally:
            self._pending.pop(run_id, None)
        if data is None or "report" not in data:
            return None
        try:
            return RunReport.from_json(data["report"])
        except WireError:
            return None

    async def _read(self, process: asyncio.subprocess.Process) -> None:
        assert process.stdout is not None
        while line := await process.stdout.readline():
            message = json.loads(line)
            _, reply = self._pending.get(message["id"], (process, None))
            if reply is not None and not reply.done():
                reply.set_result(message)
        status = await process.wait()
        if self._process is process:
            self._process = None
        held = [reply for owner, reply in self._pending.values() if owner is process]
        if held and status != 0:
            log.warning("the shared process stopped (%s): %d run(s) run again", status, len(held))
        for reply in held:
            if not reply.done():
                reply.set_result(None)


def cancel(process: asyncio.subprocess.Process, run_id: int) -> None:
    """Tell a run process (the worker, or the shared process: both read the same lines) that
    nobody waits for this run any more."""
    if process.returncode is None and process.stdin is not None:
        with contextlib.suppress(ConnectionError):
            process.stdin.write(json.dumps({"cancel": run_id}).encode() + b"\n")
