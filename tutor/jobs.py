"""From an exercise and a choice of letters to the job a worker runs: our code, our request.

The source of a job is always the exercise file's own code with its own options filled in;
a job is plain data so it can cross to the worker process as JSON.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from exercises.model import AnyExercise, FillInTheBlank, RunTarget

EntryKind = Literal["view", "coroutine"]


class NotRunnable(ValueError):
    """The exercise (or this option of it) has no example to run."""


@dataclass(frozen=True)
class ExampleJob:
    code: str
    entry: str
    entry_kind: EntryKind
    prelude: str = ""
    route: str = ""
    middleware: tuple[str, ...] = ()
    method: str = "GET"
    path: str = "/"
    query: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    body: str | None = None
    json: Any = None
    concurrent: int = 1
    disconnect_after: float | None = None
    """Views only: the client leaves after this many seconds (None: it waits for the answer)."""

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "entry": self.entry,
            "entry_kind": self.entry_kind,
            "prelude": self.prelude,
            "route": self.route,
            "middleware": list(self.middleware),
            "method": self.method,
            "path": self.path,
            "query": self.query,
            "headers": self.headers,
            "body": self.body,
            "json": self.json,
            "concurrent": self.concurrent,
            "disconnect_after": self.disconnect_after,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ExampleJob:
        kind = data["entry_kind"]
        if kind not in ("view", "coroutine"):
            raise ValueError(f"unknown entry kind {kind!r}")
        return cls(
            code=data["code"],
            entry=data["entry"],
            entry_kind=kind,
            prelude=data.get("prelude", ""),
            route=data.get("route", ""),
            middleware=tuple(data.get("middleware", ())),
            method=data.get("method", "GET"),
            path=data.get("path", "/"),
            query=dict(data.get("query", {})),
            headers=dict(data.get("headers", {})),
            body=data.get("body"),
            json=data.get("json"),
            concurrent=int(data.get("concurrent", 1)),
            disconnect_after=_seconds(data.get("disconnect_after")),
        )


def code_for(exercise: AnyExercise, letters: str) -> str:
    """The code the learner's letters produce: the filled template, the snippet or the option."""
    run = exercise.run
    if run is None:
        raise NotRunnable(f"{exercise.id} has no example to run")
    if isinstance(exercise, FillInTheBlank):
        return exercise.fill(letters)
    if run.target is RunTarget.SNIPPET:
        if exercise.code is None:
            raise NotRunnable(f"{exercise.id} runs its snippet but has no code")
        return exercise.code
    option = exercise.option(letters)
    if not option.is_code:
        raise NotRunnable(f"{exercise.id}: option {letters} is not code")
    return option.text


def build_job(exercise: AnyExercise, letters: str) -> ExampleJob:
    """The job for these letters (already checked to be the exercise's own)."""
    code = code_for(exercise, letters)
    run = exercise.run
    assert run is not None  # code_for checked it
    request = run.request
    route = run.route if run.route is not None else request.path
    return ExampleJob(
        code=code,
        entry=run.entry_point,
        entry_kind="view" if run.view else "coroutine",
        prelude=run.prelude,
        route=route.lstrip("/"),
        middleware=tuple(run.middleware),
        method=request.method,
        path=request.path,
        query=dict(request.query),
        headers=dict(request.headers),
        body=request.body,
        json=request.json,
        concurrent=run.concurrent,
        disconnect_after=request.disconnect_after,
    )


def _seconds(value: Any) -> float | None:
    return None if value is None else float(value)
