"""The run report: what really happened when an example ran, and its JSON form.

Made in the worker that ran the example, read by the API, `verify` and the bot's client.
Plain data only; it never holds a live object from the example.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


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
        return {"type": self.type, "message": self.message, "line": self.line, "kinds": self.kinds}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ErrorReport:
        return cls(data["type"], data["message"], data.get("line"), tuple(data.get("kinds", ())))


@dataclass(frozen=True)
class ResponseReport:
    status: int
    content_type: str
    body: str
    truncated: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "content_type": self.content_type,
            "body": self.body,
            "truncated": self.truncated,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ResponseReport:
        return cls(data["status"], data["content_type"], data["body"], data.get("truncated", False))


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
    def from_json(cls, data: dict[str, Any]) -> RunReport:
        error = data.get("error")
        return cls(
            compiled=data.get("compiled", True),
            error=ErrorReport.from_json(error) if error else None,
            warnings=tuple(data.get("warnings", ())),
            responses=tuple(ResponseReport.from_json(item) for item in data.get("responses", ())),
            returns=tuple(data.get("returns", ())),
            elapsed=float(data.get("elapsed", 0.0)),
            timed_out=bool(data.get("timed_out", False)),
            output=data.get("output", ""),
            runner_error=data.get("runner_error"),
        )


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
