"""A typed client for the tutor service (tutor/): its health, and real runs of an exercise.

exercises.TutorError
 └── TutorServiceError
      ├── RunnerUnavailable   down, slow, overloaded, or answering with errors: "Run it" says so
      └── RunRejected         the service refused the request itself (unknown exercise, letters)

It takes an `httpx.AsyncClient`, so tests hand it one built on `httpx.ASGITransport` or a
loopback server. Every call is bounded by `timeout` (waiting for a slot included) and at most
`max_concurrent` calls are in flight, so a slow service can never pile up the bot's clicks.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx

from exercises import TutorError

SECRET_HEADER = "X-Tutor-Secret"


class TutorServiceError(TutorError):
    """Base of the errors a call to the tutor service raises."""


class RunnerUnavailable(TutorServiceError):
    """The service cannot run anything for us now; the message says why (for the log)."""


class RunRejected(TutorServiceError):
    """The service answered 4xx to a request it could never accept: a bug on our side."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"{status}: {message}")
        self.status = status
        self.message = message


@dataclass(frozen=True)
class RunError:
    """An exception the example raised, or its SyntaxError, at a line of the exercise's code."""

    type: str
    message: str
    line: int | None


@dataclass(frozen=True)
class RunResponse:
    status: int
    content_type: str
    body: str
    truncated: bool


@dataclass(frozen=True)
class RunReport:
    exercise: str
    answer: str
    correct: bool
    compiled: bool
    error: RunError | None
    warnings: tuple[str, ...]
    responses: tuple[RunResponse, ...]
    returns: tuple[Any, ...]
    elapsed: float
    timed_out: bool
    output: str

    @property
    def response(self) -> RunResponse | None:
        """The first response (all are identical requests), or None for a coroutine or error."""
        return self.responses[0] if self.responses else None


@dataclass(frozen=True)
class Health:
    ok: bool
    exercises: int
    running: int
    capacity: int


class TutorClient:
    def __init__(
        self,
        http: httpx.AsyncClient,
        base_url: str,
        *,
        timeout: float = 10.0,
        max_concurrent: int = 8,
        secret: str | None = None,
    ) -> None:
        self.http = http
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self._slots = asyncio.Semaphore(max_concurrent)
        self._headers = {SECRET_HEADER: secret} if secret else {}

    async def health(self) -> Health:
        """The service's health; RunnerUnavailable if it cannot be reached at all."""
        data = await self._call("GET", "/api/health", accept=(200, 503))
        try:
            runs = data["runs"]
            return Health(
                ok=data["status"] == "ok",
                exercises=int(data["exercises"]),
                running=int(runs["running"]),
                capacity=int(runs["capacity"]),
            )
        except (KeyError, TypeError, ValueError) as error:
            raise RunnerUnavailable(f"unexpected health answer: {error!r}") from None

    async def run(
        self,
        exercise_id: str,
        *,
        fill: str | Mapping[int | str, str] | None = None,
        choice: str | None = None,
    ) -> RunReport:
        """Run the exercise's example with these letters: `fill="BC"` (or {1: "B", 2: "C"})
        for fill-in-the-blank, `choice="C"` for multiple-choice."""
        if (fill is None) == (choice is None):
            raise ValueError("give exactly one of fill or choice")
        if fill is not None:
            letters = dict(enumerate(fill, start=1)) if isinstance(fill, str) else fill
            body: dict[str, Any] = {"fill": {str(key): value for key, value in letters.items()}}
        else:
            body = {"choice": choice}
        path = f"/api/exercises/{quote(exercise_id, safe='/')}/runs"
        data = await self._call("POST", path, json=body)
        if data.get("runner_error"):
            raise RunnerUnavailable(f"the run failed: {data['runner_error']}")
        try:
            return _report(data)
        except (KeyError, TypeError, ValueError) as error:
            raise RunnerUnavailable(f"unexpected run report: {error!r}") from None

    async def _call(
        self, method: str, path: str, *, json: Any = None, accept: tuple[int, ...] = (200,)
    ) -> Any:
        try:
            async with asyncio.timeout(self.timeout), self._slots:
                response = await self.http.request(
                    method,
                    self.base_url + path,
                    json=json,
                    headers=self._headers,
                    timeout=self.timeout,
                )
        except TimeoutError:
            raise RunnerUnavailable(f"no answer within {self.timeout:g} s") from None
        except httpx.HTTPError as error:
            raise RunnerUnavailable(f"{type(error).__name__}: {error}") from None
        try:
            data = response.json()
        except ValueError:
            data = None
        if response.status_code in accept and isinstance(data, dict):
            return data
        message = data.get("error", "") if isinstance(data, dict) else response.text[:200]
        if 400 <= response.status_code < 500 and response.status_code != 401:
            raise RunRejected(response.status_code, str(message))
        raise RunnerUnavailable(f"{response.status_code}: {message}")


def _report(data: Mapping[str, Any]) -> RunReport:
    error = data["error"]
    return RunReport(
        exercise=str(data["exercise"]),
        answer=str(data["answer"]),
        correct=bool(data["correct"]),
        compiled=bool(data["compiled"]),
        error=RunError(str(error["type"]), str(error["message"]), error["line"]) if error else None,
        warnings=tuple(str(warning) for warning in data["warnings"]),
        responses=tuple(
            RunResponse(
                int(item["status"]),
                str(item["content_type"]),
                str(item["body"]),
                bool(item["truncated"]),
            )
            for item in data["responses"]
        ),
        returns=tuple(data["returns"]),
        elapsed=float(data["elapsed"]),
        timed_out=bool(data["timed_out"]),
        output=str(data["output"]),
    )
