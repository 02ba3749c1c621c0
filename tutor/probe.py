"""verify's probe: run one job shared, in a fresh child of the worker, and say what it did.

The child installs the shared process's hooks (tutor/run_context.py) without their exit, runs
two neutral jobs of our own, takes a fingerprint of the process, runs the job once, then twice
at once, lets the loop settle, collects garbage (an unawaited coroutine warns then) and
fingerprints again: what existed before the job first ran must be as it was. Its answer: the
three reports and every reason it saw not to share the job; tutor/sharing.py compares the
reports with a fresh run's and decides.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import hashlib
import os
import signal
import socket
import sqlite3
import sys
import threading
import types
import warnings
from typing import Any

from exercises.wire import RunReport
from tutor.execute import execute
from tutor.jobs import ExampleJob
from tutor.run_context import CURRENT, RUN_THREAD, Guards, RunState

PROBE_STALL = 0.1
"""Seconds one loop callback of a shareable run may take (compiling an example takes
milliseconds; a blocking call that a lesson shows takes half a second or more)."""
HELD = "held the loop"
PROCESS_THREADS = ("asyncio_", RUN_THREAD)
"""Threads of the process, not of a run: the loop's default executor's (DNS look-ups,
run_in_executor) and those lent to runs for their sync code (run_context.lent_thread)."""
SETTLE = 20
"""Loop turns after the runs, for what they cancelled to finish."""


async def _shared_run(job: ExampleJob, run_id: int, body_limit: int) -> tuple[RunReport, RunState]:
    state = RunState(run_id)

    async def run() -> RunReport:
        CURRENT.set(state)
        return await execute(job, body_limit=body_limit, shared=True)

    return await asyncio.create_task(run()), state


async def _probe(job: ExampleJob, body_limit: int, guards: Guards) -> dict[str, Any]:
    loop = asyncio.get_running_loop()
    guards.install_loop(loop)
    for neutral in NEUTRAL:  # Django's and httpx's own first-use state, set before we look
        await _shared_run(neutral, -1, body_limit)
    await _settle()
    gc.collect()
    original = fingerprint(loop)
    warm, warm_state = await _shared_run(job, 0, body_limit)
    await _settle()
    gc.collect()
    guards.leftover(warm_state)
    reasons = [*warm_state.tripped, *(f"outside the run: {r}" for r in guards.unattributed)]
    threads = {thread.ident for thread in threading.enumerate()}
    before = fingerprint(loop)
    await asyncio.sleep(0)  # the callback that took the fingerprint ends here, before the reset
    guards.reset()
    pair = await asyncio.gather(*(_shared_run(job, n, body_limit) for n in (1, 2)))
    stall = guards.longest  # before our own collecting and fingerprinting below
    await _settle()
    gc.collect()
    await _settle()
    reasons += [f"outside the run: {reason}" for reason in guards.unattributed]
    for _, state in pair:
        guards.leftover(state)
        reasons += state.tripped
    if stall > PROBE_STALL:
        reasons.append(f"{HELD} for {stall:.3f} s at once")
    left = [
        thread.name
        for thread in threading.enumerate()
        if thread.ident not in threads and not thread.name.startswith(PROCESS_THREADS)
    ]
    if left:
        reasons.append(f"left threads running: {', '.join(left)}")
    after = fingerprint(loop)
    # What existed before the job first ran must be as it was (a module it imports for the
    # first time is new, not changed); and nothing may change from one run to the next.
    reasons += [
        _changed(name, original, after) for name in original if original[name] != after.get(name)
    ]
    reasons += [
        _changed(name, before, after)
        for name in before
        if name not in original and before[name] != after.get(name)
    ]
    reasons += [f"added {name}" for name in after if name not in before]
    if job.disconnect_after is not None:
        reasons.append("its client leaves mid-request")
    return {
        "reports": [warm.to_json(), *(report.to_json() for report, _ in pair)],
        "reasons": list(dict.fromkeys(reasons)),
    }


NEUTRAL = (
    ExampleJob(
        code="from django.http import HttpResponse\n\nasync def idle(request):\n"
        "    return HttpResponse('')\n",
        entry="idle",
        entry_kind="view",
        route="idle/",
        path="/idle/",
    ),
    ExampleJob(code="async def idle():\n    return None\n", entry="idle", entry_kind="coroutine"),
)
"""Runs of our own before the fingerprint, so that what any first request sets up (Django's,
httpx's) is not taken for what the job left behind."""


def _changed(name: str, then: dict[str, Any], now: dict[str, Any]) -> str:
    old, new = then[name], now.get(name)
    if isinstance(old, tuple) and isinstance(new, tuple) and isinstance(old[-1], frozenset):
        names = sorted({key for key, _ in old[-1] ^ new[-1]})[:3]
        return f"changed {name} ({', '.join(names)})"
    return f"changed {name}"


async def _settle() -> None:
    for _ in range(SETTLE):
        await asyncio.sleep(0)


def fingerprint(loop: asyncio.AbstractEventLoop) -> dict[str, Any]:
    """What a run could leave behind for the next one, by name: each module's names and the
    identity of what they hold (and of each class's own attributes), settings by value, the
    example database's rows, and the process-wide knobs a run could turn."""
    from django.conf import settings

    found: dict[str, Any] = {}
    for name, module in list(sys.modules.items()):
        found[f"module {name}"] = (id(module), _names(module, name))
    wrapped = settings._wrapped
    found["settings"] = {key: repr(value) for key, value in vars(wrapped).items()}
    found["example database"] = _database()
    found["process"] = (
        os.getcwd(),
        dict(os.environ),
        list(sys.path),
        list(warnings.filters),
        warnings.showwarning,
        sys.stdout,
        sys.stderr,
        sys.getrecursionlimit(),
        sys.getswitchinterval(),
        socket.getdefaulttimeout(),
        {number: signal.getsignal(number) for number in signal.valid_signals()},
        asyncio.get_event_loop_policy(),
    )
    found["event loop"] = (
        loop.get_debug(),
        loop.get_exception_handler(),
        loop.get_task_factory(),
        loop.slow_callback_duration,
    )
    return found


def _names(module: Any, name: str) -> frozenset[tuple[str, int]]:
    names: set[tuple[str, int]] = set()
    for key, value in list(getattr(module, "__dict__", {}).items()):
        if isinstance(value, types.ModuleType):
            continue  # importing a submodule binds it in its package: a cache, not state
        names.add((key, id(value)))
        if isinstance(value, type) and value.__module__ == name:
            names.update((f"{key}.{attr}", id(item)) for attr, item in list(vars(value).items()))
    return frozenset(names)


def _database() -> str:
    """A hash of the example database, read on a connection of its own (not Django's: the
    probe is async code, and the authorizer is only on Django's)."""
    from django.conf import settings

    digest = hashlib.sha256()
    with contextlib.closing(sqlite3.connect(settings.DATABASES["default"]["NAME"], uri=True)) as db:
        tables = db.execute("SELECT name, sql FROM sqlite_master ORDER BY name").fetchall()
        for table, sql in tables:
            digest.update(repr((table, sql)).encode())
            if sql and sql.upper().startswith("CREATE TABLE"):
                rows = db.execute(f'SELECT * FROM "{table}" ORDER BY 1').fetchall()
                digest.update(repr(rows).encode())
    return digest.hexdigest()


def main_for_probe(job: ExampleJob, body_limit: int) -> dict[str, Any]:
    """In a fresh child of the worker: the probe's answer, as JSON-ready data."""
    guards = Guards()  # no exit on a tripwire: the probe records what it saw
    guards.install()
    return asyncio.run(_probe(job, body_limit, guards))
