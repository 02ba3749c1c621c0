"""The worker process: holds the examples' project ready and forks one child per run.

Children are forked ahead of need: up to SPARES wait, limits already set, for a job on a pipe
of their own, so a run that arrives is handed over in microseconds instead of waiting behind
every fork before it (the worker forks one at a time). Spares are forked again only while
nothing else is waiting. Each child still runs exactly one job and exits.

`python -m tutor.worker URL BODY_LIMIT` reads jobs as JSON lines on stdin,
`{"id": 1, "timeout": 8.0, "job": {...}}` (or `{"cancel": 1}`), and answers
`{"id": 1, "report": {...}}` on stdout.
Each child starts from a copy of the seeded database, runs one job and exits; a child past
its timeout is killed and reported as timed out. The worker itself never runs example code,
so a blocking example stalls only its own child.
"""

from __future__ import annotations

import contextlib
import gc
import json
import math
import os
import resource
import selectors
import signal
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from wire.runs import RunReport

STDIN = 0
NICENESS = 10
MEMORY_LIMIT = 2 << 30
"""Address space of one run's process, in bytes (threads reserve stacks and arenas)."""
READY = {"ready": True}
SPARES = 8
"""Children forked ahead, waiting for a run. Each costs ~1.5 MB of its own (PSS): 200 would
cost ~260 MB for ~20% on a burst of 200 runs, 64 nothing measurable (docs/speed.md)."""


@dataclass
class Spare:
    pid: int
    job_fd: int  # the worker writes one job here, then closes it
    report_fd: int  # the child writes its report here


@dataclass
class Child:
    run_id: int
    pid: int
    fd: int
    timeout: float
    deadline: float
    chunks: list[bytes] = field(default_factory=list)


class Worker:
    def __init__(self, body_limit: int, spares: int = SPARES) -> None:
        self.body_limit = body_limit
        self.selector = selectors.DefaultSelector()
        self.children: dict[int, Child] = {}  # by the fd its report arrives on
        self.spares: list[Spare] = []
        self.wanted_spares = spares
        self.inbox = b""

    def serve(self) -> None:
        self.selector.register(STDIN, selectors.EVENT_READ)
        while True:
            ready = self.selector.select(self._wait())
            if not ready and len(self.spares) < self.wanted_spares:
                self._fork_spare()  # nothing else to do: prepare the next run
            for key, _ in ready:
                if key.fd == STDIN:
                    data = os.read(STDIN, 1 << 16)
                    if not data:  # the API process is gone or closing: so are we
                        self._kill_all()
                        return
                    self._take(data)
                else:
                    child = self.children.get(key.fd)
                    if child is not None and child is key.data:  # not one forgotten just now
                        self._read(child)
            self._expire()

    def _wait(self) -> float | None:
        if len(self.spares) < self.wanted_spares:
            return 0.0
        if not self.children:
            return None
        nearest = min(child.deadline for child in self.children.values())
        return max(0.0, nearest - time.monotonic())

    def _take(self, data: bytes) -> None:
        self.inbox += data
        *lines, self.inbox = self.inbox.split(b"\n")
        for line in lines:
            if line.strip():
                message = json.loads(line)
                if "cancel" in message:
                    self._cancel(message["cancel"])
                else:
                    self._fork(message["id"], float(message["timeout"]), message["job"])

    def _fork(self, run_id: int, timeout: float, job: dict[str, Any]) -> None:
        spare = self.spares.pop() if self.spares else self._spare()
        payload = json.dumps({"timeout": timeout, "job": job}).encode()
        with contextlib.suppress(OSError):  # a spare that died reports so as its pipe closes
            _write_all(spare.job_fd, payload)  # the child reads it all: never blocks for long
        os.close(spare.job_fd)
        child = Child(run_id, spare.pid, spare.report_fd, timeout, time.monotonic() + timeout)
        self.children[spare.report_fd] = child
        self.selector.register(spare.report_fd, selectors.EVENT_READ, child)

    def _fork_spare(self) -> None:
        self.spares.append(self._spare())

    def _spare(self) -> Spare:
        """A child with its limits set, waiting for its one job."""
        job_read, job_write = os.pipe()
        report_read, report_write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: never returns into this loop
            inherited = [*self.children]
            inherited += [fd for spare in self.spares for fd in (spare.job_fd, spare.report_fd)]
            for fd in (*inherited, job_write, report_read):
                os.close(fd)
            self._child(job_read, report_write)
        os.close(job_read)
        os.close(report_write)
        return Spare(pid, job_write, report_read)

    def _child(self, job_fd: int, write_fd: int) -> None:
        status = 1
        payload = b""
        try:
            devnull = os.open(os.devnull, os.O_RDWR)
            for fd in (0, 1, 2):
                os.dup2(devnull, fd)
            signal.signal(signal.SIGALRM, signal.SIG_DFL)
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            os.nice(NICENESS)  # a burst of runs yields the CPU to the API and to this worker
            # a runaway allocation becomes the example's MemoryError, not the machine's problem
            resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
            message = _read_all(job_fd)
            if not message:  # the worker is closing: no job will come
                status = 0
                return
            request = json.loads(message)
            timeout = float(request["timeout"])
            signal.alarm(math.ceil(timeout) + 2)  # dies even if the worker cannot kill it
            gc.enable()
            from tutor.execute import main_for_child
            from tutor.jobs import ExampleJob

            report = main_for_child(ExampleJob.from_json(request["job"]), self.body_limit)
            payload = json.dumps(report.to_json()).encode()
            status = 0
        except BaseException as exc:
            failed = RunReport(runner_error=f"the run failed: {exc!r}"[:500])
            payload = json.dumps(failed.to_json()).encode()
        finally:
            _write_all(write_fd, payload)
            os._exit(status)

    def _read(self, child: Child) -> None:
        data = os.read(child.fd, 1 << 16)
        if data:
            child.chunks.append(data)
            return
        self._forget(child)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(child.pid, 0)  # its pipe closed as it exited: this returns at once
        raw = b"".join(child.chunks)
        try:
            report = json.loads(raw)
        except ValueError:
            report = RunReport(runner_error="the run's process died before it reported").to_json()
        self._send({"id": child.run_id, "report": report})

    def _expire(self) -> None:
        now = time.monotonic()
        for child in [c for c in self.children.values() if c.deadline <= now]:
            _kill(child.pid)
            self._forget(child)
            report = RunReport(timed_out=True, elapsed=child.timeout).to_json()
            self._send({"id": child.run_id, "report": report})

    def _cancel(self, run_id: int) -> None:
        """Nobody waits for this run any more: stop it, say nothing."""
        for child in [c for c in self.children.values() if c.run_id == run_id]:
            _kill(child.pid)
            self._forget(child)

    def _forget(self, child: Child) -> None:
        self.selector.unregister(child.fd)
        os.close(child.fd)
        del self.children[child.fd]

    def _kill_all(self) -> None:
        for child in list(self.children.values()):
            _kill(child.pid)
            self._forget(child)
        for spare in self.spares:
            os.close(spare.job_fd)
            os.close(spare.report_fd)
            _kill(spare.pid)
        self.spares.clear()

    @staticmethod
    def _send(message: dict[str, Any]) -> None:
        sys.stdout.buffer.write(json.dumps(message).encode() + b"\n")
        sys.stdout.buffer.flush()


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _read_all(fd: int) -> bytes:
    chunks = []
    while chunk := os.read(fd, 1 << 16):
        chunks.append(chunk)
    os.close(fd)
    return b"".join(chunks)


def _kill(pid: int) -> None:
    """SIGKILL and reap at once: dying takes a moment, and no zombie is left behind."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, 0)


def prepare(example_api_url: str) -> None:
    """Import and seed everything a run needs, so that each fork starts warm."""
    from tutor.example_project import configure

    configure(example_api_url)
    import django.core.handlers.asgi
    import django.views  # noqa: F401
    import httpx

    import tutor.execute  # noqa: F401

    _share_default_tls_context()
    httpx.AsyncClient(trust_env=False)  # warms httpx's lazy imports
    gc.collect()
    gc.freeze()  # children then never touch these objects' pages for the collector
    gc.disable()


def _share_default_tls_context() -> None:
    """Build httpx's default TLS context once, here, instead of in every example's client.

    Loading the CA bundle for every `httpx.AsyncClient()` would count inside the example's
    measured time (what it cost: docs/speed.md, "One TLS context").
    """
    import ssl

    from httpx._transports import default as transports

    names = vars(transports)  # a private module of httpx: patch only what it calls by name
    original: Callable[..., ssl.SSLContext] = names["create_ssl_context"]
    shared = original()

    def create_ssl_context(
        verify: Any = True, cert: Any = None, trust_env: bool = True
    ) -> ssl.SSLContext:
        if verify is True and cert is None:
            return shared
        return original(verify=verify, cert=cert, trust_env=trust_env)

    names["create_ssl_context"] = create_ssl_context


def main(argv: list[str]) -> int:
    example_api_url, body_limit = argv
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the API process decides when we stop
    prepare(example_api_url)
    Worker(int(body_limit))._send(READY)
    Worker(int(body_limit)).serve()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
