"""The run API's wire format, written once: the tutor service (tutor/) sends it, the bot's
client (bot/practice/tutor_client.py) reads it.

A run request is `POST /api/exercises/<id>/runs` with `{"fill": {"1": "A"}}` or
`{"choice": "A"}`, the member in MEMBER_HEADER and the exercise's content hash in `If-Match`.
The answer is a RunResult: which exercise and letters ran, whether they are the key, and the
RunReport of what really happened. Plain data only, no Django, no HTTP client: each side
imports this module and nothing of the other.

`from_json` is strict: a missing field or a value of the wrong type raises WireError, so a
report that is not one is never taken for a run that did nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

SECRET_HEADER = "X-Tutor-Secret"
"""The header that carries the shared secret when the service has one."""
MEMBER_HEADER = "X-Tutor-Member"
"""The header that names the member a run is for: the service bounds runs per member."""


class WireError(ValueError):
    """A JSON document that is not what the wire format says; the message names the field."""


def content_tag(content_hash: str) -> str:
    """The `If-Match` value for an exercise's content hash (an HTTP entity tag)."""
    return f'"{content_hash}"'


def _field(data: Mapping[str, Any], key: str, kind: type | tuple[type, ...]) -> Any:
    if not isinstance(data, Mapping):
        raise WireError(f"expected an object holding {key!r}, got {type(data).__name__}")
    if key not in data:
        raise WireError(f"{key!r} is missing")
    value = data[key]
    if not isinstance(value, kind) or (isinstance(value, bool) and bool not in _kinds(kind)):
        raise WireError(f"{key!r} is {type(value).__name__}, not the type it must be")
    return value


def _kinds(kind: type | tuple[type, ...]) -> tuple[type, ...]:
    return kind if isinstance(kind, tuple) else (kind,)


@dataclass(frozen=True)
class ErrorReport:
    """An exception the example raised (or its SyntaxError), located in the example."""

    type: str
    message: str
    line: int | None = None
    """The line in the exercise's code (not counting the prelude); None if not in it."""
    kinds: tuple[str, ...] = ()
    """The class and its bases by name, so `raises = "LookupError"` matches a KeyError."""

    def is_a(self, name: str) -> bool:
        return name == self.type or name in self.kinds

    def to_json(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "message": self.message,
            "line": self.line,
            "kinds": list(self.kinds),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ErrorReport:
        return cls(
            _field(data, "type", str),
            _field(data, "message", str),
            _field(data, "line", (int, type(None))),
            tuple(_texts(_field(data, "kinds", list), "kinds")),
        )


@dataclass(frozen=True)
class Piece:
    """One piece of a streamed body, and when it arrived: seconds after the request was sent."""

    at: float
    text: str

    def to_json(self) -> dict[str, Any]:
        return {"at": self.at, "text": self.text}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Piece:
        return cls(float(_field(data, "at", (int, float))), _field(data, "text", str))


@dataclass(frozen=True)
class ResponseReport:
    """One response of an example view to the request the exercise makes.

    `headers` are the response's, lower-case names in order (Content-Type among them);
    `pieces` are the body's pieces as they arrived, for a body that came in more than one
    (a stream), else empty: `body` is the whole of it either way."""

    status: int
    content_type: str
    body: str
    truncated: bool = False
    headers: tuple[tuple[str, str], ...] = ()
    pieces: tuple[Piece, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "content_type": self.content_type,
            "body": self.body,
            "truncated": self.truncated,
            "headers": [[name, value] for name, value in self.headers],
            "pieces": [piece.to_json() for piece in self.pieces],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ResponseReport:
        return cls(
            _field(data, "status", int),
            _field(data, "content_type", str),
            _field(data, "body", str),
            _field(data, "truncated", bool),
            tuple(_header(item) for item in _field(data, "headers", list)),
            tuple(Piece.from_json(item) for item in _field(data, "pieces", list)),
        )


def _header(item: Any) -> tuple[str, str]:
    if not (isinstance(item, list) and len(item) == 2 and all(isinstance(i, str) for i in item)):
        raise WireError("'headers' must hold [name, value] pairs of strings")
    return item[0], item[1]


@dataclass(frozen=True)
class RunReport:
    """One run of one example: a view's responses or a coroutine's values, and what went wrong.

    `elapsed` covers the calls only (all concurrent requests or calls), not start-up.
    """

    compiled: bool = True
    error: ErrorReport | None = None
    warnings: tuple[str, ...] = ()
    responses: tuple[ResponseReport, ...] = ()
    returns: tuple[Any, ...] = ()
    """Each call's awaited value, made JSON-like (tuples become lists, objects their repr)."""
    elapsed: float = 0.0
    timed_out: bool = False
    output: str = ""
    """What the example printed, truncated."""
    runner_error: str | None = None
    """The run could not be carried out (the worker died); not the example's fault."""

    @property
    def ok(self) -> bool:
        """It compiled, ran to the end within its time and raised nothing."""
        clean = self.error is None and self.runner_error is None
        return self.compiled and clean and not self.timed_out

    @property
    def response(self) -> ResponseReport | None:
        """The first response (all are identical requests), or None for a coroutine or error."""
        return self.responses[0] if self.responses else None

    def to_json(self) -> dict[str, Any]:
        return {
            "compiled": self.compiled,
            "error": self.error.to_json() if self.error else None,
            "warnings": list(self.warnings),
            "responses": [response.to_json() for response in self.responses],
            "returns": list(self.returns),
            "elapsed": round(self.elapsed, 4),
            "timed_out": self.timed_out,
            "output": self.output,
            "runner_error": self.runner_error,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> RunReport:
        error = _field(data, "error", (Mapping, type(None)))
        responses = _field(data, "responses", list)
        return cls(
            compiled=_field(data, "compiled", bool),
            error=ErrorReport.from_json(error) if error is not None else None,
            warnings=tuple(_texts(_field(data, "warnings", list), "warnings")),
            responses=tuple(ResponseReport.from_json(item) for item in responses),
            returns=tuple(_field(data, "returns", list)),
            elapsed=float(_field(data, "elapsed", (int, float))),
            timed_out=_field(data, "timed_out", bool),
            output=_field(data, "output", str),
            runner_error=_field(data, "runner_error", (str, type(None))),
        )


@dataclass(frozen=True)
class RunResult:
    """The service's answer to a run request: the exercise and letters it ran, whether they
    are the answer key, and what happened. On the wire the report's fields sit beside them."""

    exercise: str
    answer: str
    correct: bool
    report: RunReport

    def to_json(self) -> dict[str, Any]:
        head = {"exercise": self.exercise, "answer": self.answer, "correct": self.correct}
        return {**head, **self.report.to_json()}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> RunResult:
        return cls(
            exercise=_field(data, "exercise", str),
            answer=_field(data, "answer", str),
            correct=_field(data, "correct", bool),
            report=RunReport.from_json(data),
        )


def _texts(items: list[Any], key: str) -> list[str]:
    if not all(isinstance(item, str) for item in items):
        raise WireError(f"{key!r} must hold only strings")
    return items
