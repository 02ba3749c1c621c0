"""One process, many runs: what each shared run owns, and the hooks that hand it what is its.

A shared run (tutor.shared) runs as an asyncio task beside others in one long-lived process.
Its `RunState` sits in a context variable, which asyncio copies into every task the run
creates and asgiref copies into every sync_to_async thread, so Django's logged exceptions
reach the run they belong to. Everything a shared run must never do is a tripwire, installed
once per process by `Guards.install`:

- any warning (`warnings.simplefilter("always")`: a "never awaited" warning is raised at
  garbage collection, maybe inside another run, so no run's report could be trusted);
- printed output (the process's stdout);
- a write to the example database (denied by an SQLite authorizer on every connection);
- a callback that holds the event loop past STALL_LIMIT (a watchdog thread; `time.sleep`
  in an async view);
- a task of the run still pending when the run has ended.

A tripwire calls `on_anomaly`: the shared process exits at once and the API process runs
every run it held again, each in a fresh child of its own (tutor/pool.py). `verify`'s probe
(tutor/probe.py) installs the same hooks without `on_anomaly` and reads what they saw.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import importlib.util
import io
import logging
import sqlite3
import sys
import threading
import time
import warnings
from collections.abc import Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, cast

STALL_LIMIT = 0.5
"""Seconds one callback may hold a shared process's loop before the watchdog gives up on it
(wall time, so a loaded machine never trips it: verified runs hold it under PROBE_STALL)."""
WATCH_EVERY = 0.05
WRITES = frozenset(
    getattr(sqlite3, name)
    for name in dir(sqlite3)
    if name.startswith(("SQLITE_INSERT", "SQLITE_UPDATE", "SQLITE_DELETE", "SQLITE_CREATE_"))
    or name.startswith(("SQLITE_DROP_", "SQLITE_ALTER_", "SQLITE_ATTACH", "SQLITE_DETACH"))
    or name in ("SQLITE_REINDEX", "SQLITE_ANALYZE")
)
"""SQLite authorizer actions that would change the example database (or attach another)."""


@dataclass
class RunState:
    """What one shared run owns: its logged exceptions, its tasks and what it tripped."""

    run_id: int
    errors: list[BaseException] = field(default_factory=list)
    tasks: list[asyncio.Task[Any]] = field(default_factory=list)
    tripped: list[str] = field(default_factory=list)


CURRENT: contextvars.ContextVar[RunState | None] = contextvars.ContextVar("tutor_run", default=None)
RUN_THREAD = "tutor-run"
"""The name of the threads lent to runs for their sync code (`lent_thread`)."""
WARM_THREADS = 256
"""Threads started ahead for runs' sync code: a burst of runs would otherwise wait for each
start in turn (~18 KB each)."""
_idle_threads: list[ThreadPoolExecutor] = []


def start_threads(count: int = WARM_THREADS) -> None:
    """Start `count` threads for `lent_thread` now, before any run waits for one."""
    for _ in range(count):
        executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=RUN_THREAD)
        executor.submit(int).result()  # its thread starts with its first job
        _idle_threads.append(executor)


@contextlib.contextmanager
def lent_thread() -> Iterator[ThreadPoolExecutor]:
    """A thread of its own for one run's sync code (asgiref's ThreadSensitiveContext, as
    Django gives each request), lent for the run and then kept for a later one: starting and
    joining two threads per request was a third of a shared run's time."""
    executor = (
        _idle_threads.pop()
        if _idle_threads
        else ThreadPoolExecutor(max_workers=1, thread_name_prefix=RUN_THREAD)
    )
    try:
        yield executor
    except BaseException:  # cancelled or timed out: its thread may still be busy, never lend it
        executor.shutdown(wait=False)
        raise
    _idle_threads.append(executor)


class _Output(io.TextIOBase):
    """The process's stdout: a shared run prints nothing, so any text is a tripwire."""

    def __init__(self, guards: Guards) -> None:
        self.guards = guards

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        if text:
            self.guards.trip(f"printed {text[:60]!r}")
        return len(text)


class _DjangoErrors(logging.Handler):
    """Django turns a view's exception into a 500 and logs it: keep it for its own run."""

    def __init__(self, guards: Guards) -> None:
        super().__init__(logging.ERROR)
        self.guards = guards

    def emit(self, record: logging.LogRecord) -> None:
        if not (record.exc_info and record.exc_info[1] is not None):
            return
        state = CURRENT.get()
        if state is None:
            self.guards.trip(f"an exception was logged outside any run: {record.getMessage()}")
        else:
            state.errors.append(record.exc_info[1])


class Guards:
    def __init__(self, on_anomaly: Callable[[str], None] | None = None) -> None:
        self.on_anomaly = on_anomaly
        self.unattributed: list[str] = []
        """Tripwires crossed with no run current (the probe reads them)."""
        self.longest = 0.0
        """The longest any one loop callback took, in seconds, since `reset`."""
        self._callback_started: float | None = None

    def trip(self, reason: str) -> None:
        state = CURRENT.get()
        (state.tripped if state is not None else self.unattributed).append(reason)
        if self.on_anomaly is not None:
            self.on_anomaly(reason)

    def reset(self) -> None:
        self.unattributed.clear()
        self.longest = 0.0

    def install(self) -> None:
        """Once per process, after tutor.worker.prepare and before any run."""
        from tutor.example_project import install_no_routes

        install_no_routes()
        if importlib.util.find_spec("sniffio") is None:  # httpx's ASGI transport imports it
            sys.modules["sniffio"] = None  # type: ignore[assignment]  # per request: fail fast
        warnings.simplefilter("always")
        warnings.showwarning = self._warned
        sys.stdout = _Output(self)
        django_log = logging.getLogger("django")
        django_log.addHandler(_DjangoErrors(self))
        django_log.propagate = False
        self._deny_writes()
        self._time_callbacks()
        if self.on_anomaly is not None:
            threading.Thread(target=self._watch, name="tutor-watchdog", daemon=True).start()

    def install_loop(self, loop: asyncio.AbstractEventLoop) -> None:
        loop.set_task_factory(cast(Any, self._task))

    def leftover(self, state: RunState) -> None:
        """At the end of a run: a task of it still pending is a tripwire."""
        pending = [task for task in state.tasks if not task.done()]
        if pending:
            state.tripped.append(f"left {len(pending)} task(s) running")
            if self.on_anomaly is not None:
                self.on_anomaly(state.tripped[-1])

    def _warned(self, message: Any, category: type[Warning], *args: Any, **kwargs: Any) -> None:
        self.trip(f"{category.__name__}: {message}")

    def _task(
        self,
        loop: asyncio.AbstractEventLoop,
        coro: Coroutine[Any, Any, Any],
        **kwargs: Any,
    ) -> asyncio.Task[Any]:
        task = asyncio.Task(coro, loop=loop, **kwargs)
        context = kwargs.get("context")
        state = context.get(CURRENT) if context is not None else CURRENT.get()
        if state is not None:
            state.tasks.append(task)
        return task

    def _deny_writes(self) -> None:
        from django.db import connections
        from django.db.backends.signals import connection_created

        def authorize(action: int, *args: Any) -> int:
            if action in WRITES:
                self.trip("wrote to the example database")
                return sqlite3.SQLITE_DENY
            return sqlite3.SQLITE_OK

        def created(sender: Any, connection: Any, **kwargs: Any) -> None:
            connection.connection.set_authorizer(authorize)

        connection_created.connect(created, weak=False)
        for connection in connections.all(initialized_only=True):
            if connection.connection is not None:
                connection.connection.set_authorizer(authorize)

    def _time_callbacks(self) -> None:
        """Every loop callback, timed: the longest (for the probe) and the current (for the
        watchdog). Two clock reads per callback."""
        handle = asyncio.events.Handle
        run = handle._run
        guards = self

        def timed(self: asyncio.Handle) -> None:
            started = time.perf_counter()
            guards._callback_started = started
            try:
                run(self)
            finally:
                guards._callback_started = None
                took = time.perf_counter() - started
                if took > guards.longest:
                    guards.longest = took

        handle._run = timed  # type: ignore[method-assign]

    def _watch(self) -> None:
        while True:
            time.sleep(WATCH_EVERY)  # a thread of its own, never the loop
            started = self._callback_started
            if started is not None and time.perf_counter() - started > STALL_LIMIT:
                assert self.on_anomaly is not None
                self.on_anomaly(f"a callback held the loop for over {STALL_LIMIT} s")
                return
