"""What the API's views work with: the config, the exercises and the runner, passed in the scope.

The ASGI app puts one Tutor in every request's scope (tests pass it to Django's AsyncClient),
so views never reach for a module-level singleton.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from django.http import HttpRequest

from exercises.model import AnyExercise
from tutor.config import TutorConfig
from tutor.members import MemberLimits
from tutor.pool import Runner

SCOPE_KEY = "tutor"


@dataclass(frozen=True)
class Tutor:
    config: TutorConfig
    exercises: Mapping[str, AnyExercise]
    runner: Runner
    now: Callable[[], float] = time.monotonic
    """Seconds for the per-member bounds (never jumping); tests pass a clock they move."""
    members: MemberLimits = field(init=False)
    """Runs per member, bounded as the config says."""

    def __post_init__(self) -> None:
        config = self.config
        limits = MemberLimits(
            per_minute=config.member_runs_per_minute,
            at_once=config.member_runs_at_once,
            now=self.now,
        )
        object.__setattr__(self, "members", limits)  # frozen: set once, here


def tutor_of(request: HttpRequest) -> Tutor:
    scope = getattr(request, "scope", None)
    tutor = scope.get(SCOPE_KEY) if isinstance(scope, dict) else None
    if not isinstance(tutor, Tutor):
        raise RuntimeError("the request was not served by the tutor's ASGI app")
    return tutor
