"""A typed client for the tutor service (tutor/): its health, and real runs of an exercise.

exercises.TutorError
 └── TutorServiceError
      ├── RunnerUnavailable   down, slow, overloaded, or answering with errors: "Run it" says so
      └── RunRejected         4xx: the service refused the request (unknown exercise, letters)
           ├── ExerciseChanged   412: the service runs another version of the exercise
           └── TooManyRuns       429: the member has run enough for now

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
from wire.runs import MEMBER_HEADER, SECRET_HEADER, RunResult, WireError, content_tag


class TutorServiceError(TutorError):
    """Base of the errors a call to the tutor service raises."""


class RunnerUnavailable(TutorServiceError):
    """The service cannot run anything for us now; the message says why (for the log)."""


class RunRejected(TutorServiceError):
    """The service refused the request itself (4xx). A status with no subclass here means a
    request it could never accept: a bug on our side."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"{status}: {message}")
        self.status = status
        self.message = message


class ExerciseChanged(RunRejected):
    """412: the service holds another version of the exercise than the one we posted."""


class TooManyRuns(RunRejected):
    """429: this member (or everyone) has run enough for now; `retry_after` in seconds."""

    def __init__(self, status: int, message: str, retry_after: float | None) -> None:
        super().__init__(status, message)
        self.retry_after = retry_after


@dataclass(frozen=True)
class ServiceHealth:
    """The tutor service's health as it reports it (not the bot's own, bot.health.Health)."""

    ok: bool
    exercises: int
    running: int
    capacity: int
    run_timeout: float
    """Seconds one run may take there (its TUTOR_RUN_TIMEOUT)."""


class TutorClient:
    def __init__(
        self,
        http: httpx.AsyncClient,
        base_url: str,
        *,
        timeout: float = 10.0,
        max_concurrent: int = 32,
        secret: str | None = None,
    ) -> None:
        self.http = http
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self._slots = asyncio.Semaphore(max_concurrent)
        self._headers = {SECRET_HEADER: secret} if secret else {}

    async def health(self) -> ServiceHealth:
        """The service's health; RunnerUnavailable if it cannot be reached at all."""
        data = await self._call("GET", "/api/health", accept=(200, 503))
        try:
            runs = data["runs"]
            return ServiceHealth(
                ok=data["status"] == "ok",
                exercises=int(data["exercises"]),
                running=int(runs["running"]),
                capacity=int(runs["capacity"]),
                run_timeout=float(data["run_timeout"]),
            )
        except (KeyError, TypeError, ValueError) as error:
            raise RunnerUnavailable(f"unexpected health answer: {error!r}") from None

    async def run(
        self,
        exercise_id: str,
        *,
        fill: str | Mapping[int | str, str] | None = None,
        choice: str | None = None,
        member: int | None = None,
        content_hash: str | None = None,
    ) -> RunResult:
        """Run the exercise's example with these letters: `fill="BC"` (or {1: "B", 2: "C"})
        for fill-in-the-blank, `choice="C"` for multiple-choice. `member` is who the run is
        for (the service bounds runs per member); `content_hash` is the version of the
        exercise the member saw: another version on the service raises ExerciseChanged."""
        if (fill is None) == (choice is None):
            raise ValueError("give exactly one of fill or choice")
        if fill is not None:
            letters = dict(enumerate(fill, start=1)) if isinstance(fill, str) else fill
            body: dict[str, Any] = {"fill": {str(key): value for key, value in letters.items()}}
        else:
            body = {"choice": choice}
        headers = {}
        if member is not None:
            headers[MEMBER_HEADER] = str(member)
        if content_hash is not None:
            headers["If-Match"] = content_tag(content_hash)
        path = f"/api/exercises/{quote(exercise_id, safe='/')}/runs"
        data = await self._call("POST", path, json=body, headers=headers)
        if data.get("runner_error"):
            raise RunnerUnavailable(f"the run failed: {data['runner_error']}")
        try:
            return RunResult.from_json(data)
        except WireError as error:
            raise RunnerUnavailable(f"unexpected run report: {error}") from None

    async def _call(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
        accept: tuple[int, ...] = (200,),
    ) -> Any:
        try:
            async with asyncio.timeout(self.timeout), self._slots:
                response = await self.http.request(
                    method,
                    self.base_url + path,
                    json=json,
                    headers={**self._headers, **(headers or {})},
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
        message = str(data.get("error", "")) if isinstance(data, dict) else response.text[:200]
        raise _refusal(response, message)


def _refusal(response: httpx.Response, message: str) -> TutorServiceError:
    """What a status other than the expected one means for us."""
    status = response.status_code
    if status == 412:
        return ExerciseChanged(status, message)
    if status == 429:
        return TooManyRuns(status, message, _seconds(response.headers.get("Retry-After")))
    if 400 <= status < 500 and status != 401:  # 401: our secret is wrong, nothing runs
        return RunRejected(status, message)
    return RunnerUnavailable(f"{status}: {message}")


def _seconds(value: str | None) -> float | None:
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None
