"""Run one example job in this process and report what really happened.

A fresh run (`main_for_child`) is only ever called in a forked child of the worker: it
installs the example as a module, sets Django settings and catches warnings process-wide,
which is safe because the child runs one job and exits. A shared run (`shared=True`, in
tutor/shared.py) touches no process-wide state across an await: its Django handler, with its
middleware and its one URL pattern, is built synchronously for it alone (example_project),
and what it logs reaches it through tutor/run_context.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import functools
import gc
import io
import json
import logging
import threading
import time
import types
import warnings
from collections.abc import Awaitable, Callable
from typing import Any, cast

import httpx
from asgiref.sync import ThreadSensitiveContext

from exercises.wire import ErrorReport, ResponseReport, RunReport
from tutor.example_project import (
    HOST,
    check_middleware,
    install_example,
    install_route,
    run_handler,
)
from tutor.jobs import ExampleJob
from tutor.leaving_client import request_and_leave
from tutor.run_context import CURRENT, lent_thread

EXAMPLE_FILE = "<example>"
PRELUDE_FILE = "<prelude>"
MAX_WARNINGS = 10
COMPILED = 512
"""Sources a shared process keeps compiled (preludes and examples)."""
THREADS_GRACE = 0.5
"""Seconds a finished run waits for its threads to end (a stuck one is left to the kill)."""
_ASGIApp = Callable[[Any, Any, Any], Awaitable[None]]


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


async def execute(job: ExampleJob, *, body_limit: int, shared: bool = False) -> RunReport:
    """Compile and run the job; warnings and printed output are `main_for_child`'s to collect
    (or, shared, tutor.run_context's, whose current RunState collects the logged errors)."""
    compiler = _compiled if shared else compile
    try:
        prelude = compiler(job.prelude, PRELUDE_FILE, "exec")
        code = compiler(job.code, EXAMPLE_FILE, "exec")
    except SyntaxError as exc:
        return RunReport(compiled=False, error=describe(exc))
    module = types.ModuleType("example")
    if shared:
        state = CURRENT.get()
        assert state is not None, "a shared run has a RunState"
        return await _execute(job, module, prelude, code, state.errors, body_limit, shared)
    errors = _ErrorLog()
    django_log = logging.getLogger("django")
    django_log.addHandler(errors)
    django_log.propagate = False
    try:
        return await _execute(job, module, prelude, code, errors.exceptions, body_limit, shared)
    finally:
        errors.exceptions.clear()


@functools.lru_cache(maxsize=COMPILED)
def _compiled(source: str, filename: str, mode: str) -> types.CodeType:
    """Shared runs of one job compile it once: a code object is immutable, and each run
    executes it into a module of its own. (A job that warns as it compiles never shares.)"""
    return compile(source, filename, mode)


async def _execute(
    job: ExampleJob,
    module: types.ModuleType,
    prelude: types.CodeType,
    code: types.CodeType,
    errors: list[BaseException],
    body_limit: int,
    shared: bool,
) -> RunReport:
    try:
        if shared:
            check_middleware(job.middleware)
        else:
            install_example(module, job.middleware)
        exec(prelude, module.__dict__)
        exec(code, module.__dict__)
        entry = module.__dict__.get(job.entry)
        if entry is None:
            raise NameError(f"the example defines no {job.entry!r}")
        if job.entry_kind == "view":
            app = run_handler(module, job, entry) if shared else None
            return await _run_view(job, entry, errors, body_limit, app)
        if shared:  # one thread for its sync_to_async calls, as a fresh child has
            with lent_thread() as thread:
                async with ThreadSensitiveContext(executor=thread):
                    return await _run_coroutine(job, entry)
        return await _run_coroutine(job, entry)
    except Exception as exc:
        return RunReport(error=describe(exc))


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
    job: ExampleJob, entry: Any, errors: list[BaseException], body_limit: int, app: Any
) -> RunReport:
    if app is not None:  # shared: the run's own handler, called as httpx's transport would
        request = _request(job)

        async def direct() -> httpx.Response | None:
            return await request_and_leave(app, request, job.disconnect_after)

        results, elapsed = await _timed([direct] * job.concurrent)
    else:
        results, elapsed = await _through_httpx(job, entry)
    failures = [result for result in results if isinstance(result, BaseException)]
    failures += errors
    responses = tuple(
        _response(result, body_limit) for result in results if isinstance(result, httpx.Response)
    )
    error = describe(failures[0]) if failures else None
    return RunReport(error=error, responses=responses, elapsed=elapsed)


async def _through_httpx(job: ExampleJob, entry: Any) -> tuple[list[Any], float]:
    from django.core.handlers.asgi import ASGIHandler
    from django.views import View

    view = entry.as_view() if isinstance(entry, type) and issubclass(entry, View) else entry
    install_route(job.route, view)
    app = cast(_ASGIApp, ASGIHandler())
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport, base_url=f"http://{HOST}", trust_env=False
    ) as client:
        leaves = job.disconnect_after

        async def call() -> httpx.Response | None:
            request = client.build_request(
                job.method,
                job.path,
                params=job.query,
                headers=job.headers,
                content=job.body,
                json=job.json,
            )
            if leaves is not None:
                return await request_and_leave(app, request, leaves)
            return await client.send(request)

        return await _timed([call] * job.concurrent)


_requests: dict[str, httpx.Request] = {}


def _request(job: ExampleJob) -> httpx.Request:
    """The request a fresh run's httpx client sends for this job, built once per shared
    process: building it parses URLs four times, a tenth of a shared run's time."""
    key = json.dumps(job.to_json(), sort_keys=True)
    request = _requests.get(key)
    if request is None:
        with httpx.Client(base_url=f"http://{HOST}", trust_env=False) as client:
            request = client.build_request(
                job.method,
                job.path,
                params=job.query,
                headers=job.headers,
                content=job.body,
                json=job.json,
            )
        if len(_requests) < COMPILED:
            _requests[key] = request
    return request


def _response(response: httpx.Response, body_limit: int) -> ResponseReport:
    text = response.content.decode(response.encoding or "utf-8", errors="replace")
    return ResponseReport(
        status=response.status_code,
        content_type=response.headers.get("content-type", ""),
        body=text[:body_limit],
        truncated=len(text) > body_limit,
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
