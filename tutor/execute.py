"""Run one example job in this process and report what really happened.

Only ever called in a forked child of the worker (`main_for_child`): it installs the example
as a module, sets Django settings and catches warnings process-wide, which is safe because
the child runs one job and exits. The time reported is measured here, around the example's
calls alone, so it is the example's own whatever else the machine is doing at start-up.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import gc
import io
import logging
import threading
import time
import types
import warnings
from collections.abc import Awaitable, Callable
from typing import Any, cast

import httpx

from tutor.example_client import ASGIApp, Received, send_request
from tutor.example_project import HOST, install_example, install_route
from tutor.jobs import ExampleJob
from wire.runs import ErrorReport, Piece, ResponseReport, RunReport

EXAMPLE_FILE = "<example>"
PRELUDE_FILE = "<prelude>"
MAX_WARNINGS = 10
MAX_HEADERS = 20
"""Response headers a report carries (a view sets a few; Django adds a few more)."""
MAX_HEADER_CHARS = 200
MAX_PIECES = 50
"""Pieces of a streamed body a report carries, each with its time."""
THREADS_GRACE = 0.5
"""Seconds a finished run waits for its threads to end (a stuck one is left to the kill)."""


class _ErrorLog(logging.Handler):
    """Django turns a view's exception into a 500 and logs it; keep the exception itself."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.exceptions: list[BaseException] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info and record.exc_info[1] is not None:
            self.exceptions.append(record.exc_info[1])


def describe(exc: BaseException) -> ErrorReport:
    """The exception's class, message and the last line of the example it passed through."""
    line = None
    if isinstance(exc, SyntaxError) and exc.filename == EXAMPLE_FILE:
        line = exc.lineno
    traceback = exc.__traceback__
    while traceback is not None:
        if traceback.tb_frame.f_code.co_filename == EXAMPLE_FILE:
            line = traceback.tb_lineno
        traceback = traceback.tb_next
    message = exc.msg if isinstance(exc, SyntaxError) else str(exc)
    kinds = tuple(cls.__name__ for cls in type(exc).__mro__ if cls is not object)
    return ErrorReport(type(exc).__name__, message[:500], line, kinds)


async def execute(job: ExampleJob, *, body_limit: int) -> RunReport:
    """Compile and run the job; warnings and printed output are `main_for_child`'s to collect."""
    try:
        prelude = compile(job.prelude, PRELUDE_FILE, "exec")
        code = compile(job.code, EXAMPLE_FILE, "exec")
    except SyntaxError as exc:
        return RunReport(compiled=False, error=describe(exc))
    module = types.ModuleType("example")
    errors = _ErrorLog()
    django_log = logging.getLogger("django")
    django_log.addHandler(errors)
    django_log.propagate = False
    try:
        install_example(module, job.middleware)
        exec(prelude, module.__dict__)
        exec(code, module.__dict__)
        entry = module.__dict__.get(job.entry)
        if entry is None:
            raise NameError(f"the example defines no {job.entry!r}")
        if job.entry_kind == "view":
            return await _run_view(job, entry, errors.exceptions, body_limit)
        return await _run_coroutine(job, entry)
    except Exception as exc:
        return RunReport(error=describe(exc))
    finally:
        errors.exceptions.clear()  # their tracebacks hold the run's objects: let them go


async def _timed(calls: list[Callable[[], Awaitable[Any]]]) -> tuple[list[Any], float]:
    """Start every call at once; the elapsed time covers them all, not the set-up."""
    started = time.perf_counter()
    results = await asyncio.gather(*(call() for call in calls), return_exceptions=True)
    return results, time.perf_counter() - started


async def _run_coroutine(job: ExampleJob, entry: Any) -> RunReport:
    async def call() -> Any:
        return await entry()

    results, elapsed = await _timed([call] * job.concurrent)
    failures = [result for result in results if isinstance(result, BaseException)]
    if failures:
        return RunReport(error=describe(failures[0]), elapsed=elapsed)
    return RunReport(returns=tuple(jsonable(value) for value in results), elapsed=elapsed)


async def _run_view(
    job: ExampleJob, entry: Any, errors: list[BaseException], body_limit: int
) -> RunReport:
    from django.core.handlers.asgi import ASGIHandler
    from django.views import View

    view = entry.as_view() if isinstance(entry, type) and issubclass(entry, View) else entry
    install_route(job.route, view)
    app = cast(ASGIApp, ASGIHandler())
    with httpx.Client(base_url=f"http://{HOST}", trust_env=False) as client:
        request = client.build_request(  # the request as an httpx client sends it
            job.method,
            job.path,
            params=job.query,
            headers=job.headers,
            content=job.body,
            json=job.json,
        )

    async def call() -> Received | None:
        return await send_request(app, request, job.disconnect_after)

    results, elapsed = await _timed([call] * job.concurrent)
    failures = [result for result in results if isinstance(result, BaseException)]
    failures += errors
    responses = tuple(
        _response(result, body_limit) for result in results if isinstance(result, Received)
    )
    error = describe(failures[0]) if failures else None
    return RunReport(error=error, responses=responses, elapsed=elapsed)


def _response(received: Received, body_limit: int) -> ResponseReport:
    """What arrived, as text; a body that came in more than one piece keeps its pieces."""
    decoded = httpx.Response(received.status, headers=received.headers)
    encoding = decoded.encoding or "utf-8"
    text = received.body.decode(encoding, errors="replace")
    pieces: list[Piece] = []
    if len(received.pieces) > 1:
        room = body_limit
        for at, chunk in received.pieces[:MAX_PIECES]:
            piece = chunk.decode(encoding, errors="replace")[:room]
            room -= len(piece)
            pieces.append(Piece(round(at, 4), piece))
            if room <= 0:
                break
    return ResponseReport(
        status=received.status,
        content_type=decoded.headers.get("content-type", ""),
        body=text[:body_limit],
        truncated=len(text) > body_limit,
        headers=tuple(
            (name, value[:MAX_HEADER_CHARS])
            for name, value in decoded.headers.multi_items()[:MAX_HEADERS]
        ),
        pieces=tuple(pieces),
    )


def main_for_child(job: ExampleJob, body_limit: int) -> RunReport:
    """Run the job on its own event loop (the worker it was forked from runs none), with the
    warnings and printed output of this run, and of this run alone."""
    printed = io.StringIO()
    with warnings.catch_warnings(record=True) as caught, contextlib.redirect_stdout(printed):
        warnings.simplefilter("always")
        try:
            report = asyncio.run(execute(job, body_limit=body_limit))
        except BaseException as exc:  # SystemExit from an example, say: still a report
            report = RunReport(error=describe(exc))
        _let_threads_finish()
        gc.collect()  # an unawaited coroutine warns when it is collected: make that happen now
    seen = dict.fromkeys(f"{w.category.__name__}: {w.message}" for w in caught)
    return dataclasses.replace(
        report, warnings=tuple(seen)[:MAX_WARNINGS], output=printed.getvalue()[:body_limit]
    )


def _let_threads_finish() -> None:
    """Sync code ran in threads, which may still hold the run's objects for a moment; wait
    (briefly) until they have let go, so that collecting them warns inside this run."""
    from asgiref.sync import SyncToAsync

    SyncToAsync.single_thread_executor.shutdown(wait=False)  # lets its idle thread end
    deadline = time.monotonic() + THREADS_GRACE
    for thread in threading.enumerate():
        if thread is not threading.current_thread():
            thread.join(max(0.0, deadline - time.monotonic()))


def jsonable(value: Any, depth: int = 0) -> Any:
    """A JSON-like copy of a value an example returned, for comparison with a TOML expectation."""
    if depth > 20:
        return repr(value)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple):
        return [jsonable(item, depth + 1) for item in value]
    if isinstance(value, dict) and all(isinstance(key, str) for key in value):
        return {key: jsonable(item, depth + 1) for key, item in value.items()}
    return repr(value)
