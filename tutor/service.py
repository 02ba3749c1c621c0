"""What the API's views work with: the config, the exercises and the runner, passed in the scope.

The ASGI app puts one Tutor in every request's scope (tests pass it to Django's AsyncClient),
so views never reach for a module-level singleton.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.http import HttpRequest

from exercises.model import AnyExercise
from tutor.config import TutorConfig
from tutor.pool import Runner

SCOPE_KEY = "tutor"


@dataclass(frozen=True)
class Tutor:
    config: TutorConfig
    exercises: Mapping[str, AnyExercise]
    runner: Runner


def tutor_of(request: HttpRequest) -> Tutor:
    scope = getattr(request, "scope", None)
    tutor = scope.get(SCOPE_KEY) if isinstance(scope, dict) else None
    if not isinstance(tutor, Tutor):
        raise RuntimeError("the request was not served by the tutor's ASGI app")
    return tutor
