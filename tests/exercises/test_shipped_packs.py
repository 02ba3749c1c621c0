"""The shipped content: every exercise loads, its correct version parses, and packs are balanced."""

from __future__ import annotations

import ast
from collections import Counter

import pytest

from exercises import Difficulty, FillInTheBlank, MultipleChoice, RunTarget, load_catalog

CATALOG = load_catalog()


SHIPPED_PACK_IDS = {
    "django-async-views",
    "asyncio-essentials",
    "django-async-orm",
    "async-http-and-middleware",
    "testing-async-django",
    "streaming-and-long-requests",
    "deploying-async-django",
    "async-orm-and-auth",
}


def test_the_eight_packs_ship_with_ninety_exercises_or_more() -> None:
    assert set(CATALOG.packs) == SHIPPED_PACK_IDS
    assert len(CATALOG.exercises) >= 90


@pytest.mark.parametrize(
    "pack_id",
    [
        "testing-async-django",
        "streaming-and-long-requests",
        "deploying-async-django",
        "async-orm-and-auth",
    ],
)
def test_the_newer_packs_have_eleven_exercises_or_more(pack_id: str) -> None:
    assert len(CATALOG.in_pack(pack_id)) >= 11


@pytest.mark.parametrize("pack_id", sorted(CATALOG.packs))
def test_every_pack_has_three_of_each_difficulty(pack_id: str) -> None:
    levels = Counter(exercise.difficulty for exercise in CATALOG.in_pack(pack_id))

    assert all(levels[level] >= 3 for level in Difficulty), levels


def test_the_seed_topic_keeps_its_ten_items() -> None:
    seed = CATALOG.in_pack("django-async-views")
    kinds = Counter(type(exercise) for exercise in seed)

    assert kinds[FillInTheBlank] >= 5
    assert kinds[MultipleChoice] >= 5


@pytest.mark.parametrize("exercise_id", sorted(CATALOG.exercises))
def test_every_correct_version_parses(exercise_id: str) -> None:
    exercise = CATALOG.get(exercise_id)
    prelude = exercise.run.prelude if exercise.run else ""
    if isinstance(exercise, FillInTheBlank):
        ast.parse(prelude + "\n" + exercise.solved_code)
    elif exercise.run is not None and exercise.run.target is RunTarget.OPTIONS:
        ast.parse(prelude + "\n" + exercise.option(exercise.correct).text)
    elif exercise.code is not None:
        ast.parse(prelude + "\n" + exercise.code)
    assert exercise.hints
    assert exercise.mistakes
    assert exercise.solution
