"""The JSON API: health, metrics, the exercises, runs of an example for a given choice, and
the API's own OpenAPI description (tutor/openapi.py).

A run's source is always built from the exercise file with the letters the request chose;
the request's text is never run, imported or used as a name.
"""

from __future__ import annotations

import json
import math
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest

from exercises.model import AnyExercise
from tutor import metrics
from tutor.answers import BadAnswer, letters_from_request
from tutor.jobs import NotRunnable, build_job
from tutor.members import OverMemberLimit
from tutor.openapi import DESCRIPTION
from tutor.pool import WorkerUnavailable
from tutor.service import tutor_of
from wire.runs import MEMBER_HEADER, RunResult, content_tag

MAX_MEMBER = 64
"""Characters of a member's name in MEMBER_HEADER (Discord's ids have at most 20 digits)."""


def _error(message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


def _only(request: HttpRequest, method: str) -> JsonResponse | None:
    if request.method != method:
        response = _error(f"use {method}", 405)
        response["Allow"] = method
        return response
    return None


async def health(request: HttpRequest) -> JsonResponse:
    if wrong := _only(request, "GET"):
        return wrong
    tutor = tutor_of(request)
    runner = tutor.runner
    body = {
        "status": "ok" if runner.ready else "starting",
        "exercises": len(tutor.exercises),
        "runs": {"running": runner.running, "capacity": runner.max_concurrent},
        "run_timeout": runner.timeout,
    }
    return JsonResponse(body, status=200 if runner.ready else 503)


async def show_metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus text format: tutor_service_runs_total, tutor_service_run_seconds."""
    if wrong := _only(request, "GET"):
        return wrong
    return HttpResponse(generate_latest(REGISTRY), content_type=CONTENT_TYPE_LATEST)


def _summary(exercise: AnyExercise) -> dict[str, Any]:
    return {
        "id": exercise.id,
        "pack": exercise.pack,
        "kind": str(exercise.kind),
        "difficulty": str(exercise.difficulty),
        "title": exercise.title,
        "letters": exercise.letters,
        "blanks": exercise.blank_count,
        "runnable": exercise.run is not None,
    }


async def exercise_list(request: HttpRequest) -> JsonResponse:
    if wrong := _only(request, "GET"):
        return wrong
    exercises = tutor_of(request).exercises
    return JsonResponse({"exercises": [_summary(exercise) for exercise in exercises.values()]})


async def runs(request: HttpRequest, exercise_id: str) -> JsonResponse:
    if wrong := _only(request, "POST"):
        return wrong
    tutor = tutor_of(request)
    exercise = tutor.exercises.get(exercise_id)
    if exercise is None:
        return _error("no such exercise", 404)
    if not _same_version(request.headers.get("If-Match"), exercise):
        metrics.RUNS.labels("refused").inc()
        message = f"{exercise.id} has changed: this service runs version {exercise.content_hash}"
        return _error(message, 412)
    member = _member(request)
    if member is None:
        metrics.RUNS.labels("refused").inc()
        return _error(f"{MEMBER_HEADER} must be 1 to {MAX_MEMBER} printable ASCII characters", 400)
    try:
        letters = letters_from_request(exercise, _json(request.body))
        job = build_job(exercise, letters)
    except BadAnswer as error:
        metrics.RUNS.labels("refused").inc()
        return _error(str(error), 400)
    except NotRunnable as error:
        metrics.RUNS.labels("refused").inc()
        return _error(str(error), 409)
    try:
        with tutor.members.run_for(member), metrics.RUN_SECONDS.time():
            report = await tutor.runner.run(job)
    except OverMemberLimit as error:
        metrics.RUNS.labels("limited").inc()
        response = _error(str(error), 429)
        response["Retry-After"] = str(max(1, math.ceil(error.retry_after)))
        return response
    except WorkerUnavailable as error:
        metrics.RUNS.labels("unavailable").inc()
        return _error(str(error), 503)
    metrics.RUNS.labels("ran").inc()
    result = RunResult(exercise.id, letters, letters == exercise.answer_key, report)
    return JsonResponse(result.to_json())


def _json(body: bytes) -> Any:
    try:
        return json.loads(body)
    except RecursionError:  # not a ValueError: json gives up on deep nesting this way
        raise BadAnswer("the body is nested too deep") from None
    except ValueError:
        raise BadAnswer('the body must be JSON: {"fill": {"1": "A"}} or {"choice": "A"}') from None


def _same_version(if_match: str | None, exercise: AnyExercise) -> bool:
    """No If-Match asks for no version; otherwise one of its tags must be this content's."""
    if if_match is None:
        return True
    tags = {tag.strip() for tag in if_match.split(",")}
    return "*" in tags or content_tag(exercise.content_hash) in tags


def _member(request: HttpRequest) -> str | None:
    """Whom the run is for: the member the bot names, else the address it came from."""
    named = request.headers.get(MEMBER_HEADER)
    if named is None:
        return f"address {request.META.get('REMOTE_ADDR', '')}"
    if not 0 < len(named) <= MAX_MEMBER or not (named.isascii() and named.isprintable()):
        return None
    return f"member {named}"


async def openapi(request: HttpRequest) -> JsonResponse:
    if wrong := _only(request, "GET"):
        return wrong
    return JsonResponse(DESCRIPTION)


def not_found(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return _error("not found", 404)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return _error("bad request", 400)


def server_error(request: HttpRequest) -> JsonResponse:
    return _error("internal error", 500)
