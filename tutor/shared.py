"""The shared process: runs that `python -m tutor verify` showed safe to share (tutor/sharing.py)
run here as asyncio tasks, all in one warm process, so no fork is on their path.

`python -m tutor.shared URL BODY_LIMIT` reads `{"id": 1, "timeout": 8.0, "job": {...}}` or
`{"cancel": 1}` lines on stdin and answers `{"id": 1, "report": {...}}`, or `{"id": 1,
"again": "why"}` for a run to run again in a fresh child, on stdout.

Each run has its own module, its own Django handler (middleware and URL pattern built for it
alone), its own timeout and its own RunState (tutor/run_context.py). Defence in depth, for a
run that does what verify never saw it do: a tripwire (any warning, printed output, a write to
the example database, a callback holding the loop, a task left running) or a MemoryError
ends this process at once, and the API process runs every run it held again in a fresh child
of its own (tutor/pool.py); a run past its timeout here is run again there too, where it is
killed as before. The process has its own address-space limit, so a runaway allocation is a
MemoryError here, and then the run's own, alone.
"""

from __future__ import annotations

import asyncio
import json
import os
import resource
import signal
import sys
import threading
from typing import Any

from tutor.execute import execute
from tutor.jobs import ExampleJob
from tutor.run_context import CURRENT, Guards, RunState, start_threads
from tutor.worker import MEMORY_LIMIT, READY, prepare

SHARED_MEMORY_LIMIT = 2 * MEMORY_LIMIT
"""Address space of the shared process: one run's limit, and room for the others' threads."""
THREAD_STACK = 1 << 20
"""Bytes of stack per thread (Django runs each request's sync parts in a thread of its own):
200 runs at once would otherwise reserve 1.6 GB of address space for stacks alone."""
EXIT_ANOMALY = 70


def anomaly(reason: str) -> None:
    """From any thread: say why on stderr, then stop; the API process reruns what we held."""
    with_newline = f"tutor.shared: {reason}; its runs run again, each alone\n"
    os.write(2, with_newline.encode(errors="replace"))
    os._exit(EXIT_ANOMALY)


class Host:
    def __init__(self, body_limit: int, guards: Guards, out: asyncio.WriteTransport) -> None:
        self.body_limit = body_limit
        self.guards = guards
        self.out = out
        self.runs: dict[int, asyncio.Task[None]] = {}

    def take(self, message: dict[str, Any]) -> None:
        if "cancel" in message:
            task = self.runs.pop(message["cancel"], None)
            if task is not None:
                task.cancel()
            return
        run_id = int(message["id"])
        job = ExampleJob.from_json(message["job"])
        task = asyncio.create_task(self._run(run_id, float(message["timeout"]), job))
        self.runs[run_id] = task
        task.add_done_callback(lambda _: self.runs.pop(run_id, None))

    async def _run(self, run_id: int, seconds: float, job: ExampleJob) -> None:
        state = RunState(run_id)
        CURRENT.set(state)  # this task's context, copied into every task and thread of the run
        try:
            async with asyncio.timeout(seconds):
                report = await execute(job, body_limit=self.body_limit, shared=True)
        except TimeoutError:
            self._send({"id": run_id, "again": "timed out in the shared process"})
            return
        self.guards.leftover(state)
        error = report.error
        if error is not None and error.is_a("MemoryError"):
            anomaly("a run hit the shared process's memory limit")
        self._send({"id": run_id, "report": report.to_json()})

    def _send(self, message: dict[str, Any]) -> None:
        self.out.write(json.dumps(message).encode() + b"\n")


async def serve(body_limit: int, guards: Guards, out_fd: int) -> None:
    loop = asyncio.get_running_loop()
    guards.install_loop(loop)
    reader = asyncio.StreamReader(limit=1 << 24)
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    transport, _ = await loop.connect_write_pipe(
        asyncio.Protocol, os.fdopen(out_fd, "wb", buffering=0)
    )
    host = Host(body_limit, guards, transport)
    transport.write(json.dumps(READY).encode() + b"\n")
    while line := await reader.readline():  # EOF: the API process is gone or closing
        if line.strip():
            host.take(json.loads(line))
    transport.close()


def main(argv: list[str]) -> int:
    example_api_url, body_limit = argv
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the API process decides when we stop
    prepare(example_api_url)
    import gc

    gc.enable()  # prepare froze what it imported; this process collects as any other
    threading.stack_size(THREAD_STACK)
    resource.setrlimit(resource.RLIMIT_AS, (SHARED_MEMORY_LIMIT, SHARED_MEMORY_LIMIT))
    out_fd = os.dup(1)  # the protocol's; fd 1 itself goes nowhere, sys.stdout is a tripwire
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    guards = Guards(on_anomaly=anomaly)
    guards.install()
    start_threads()
    try:
        asyncio.run(serve(int(body_limit), guards, out_fd))
    except MemoryError:
        anomaly("the shared process ran out of memory")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
