"""The shipped content: every exercise loads, its correct version parses, and packs are balanced."""

from __future__ import annotations

import ast
from collections import Counter

import pytest

from exercises import Difficulty, FillInTheBlank, MultipleChoice, RunTarget, load_catalog

CATALOG = load_catalog()


def test_there_are_at_least_four_packs_and_forty_exercises() -> None:
    assert len(CATALOG.packs) >= 4
    assert len(CATALOG.exercises) >= 40


@pytest.mark.parametrize("pack_id", sorted(CATALOG.packs))
def test_every_pack_has_three_of_each_difficulty(pack_id: str) -> None:
    levels = Counter(exercise.difficulty for exercise in CATALOG.in_pack(pack_id))

    assert all(levels[level] >= 3 for level in Difficulty), levels


def test_the_seed_topic_has_its_ten_items() -> None:
    seed = CATALOG.in_pack("django-async-views")
    kinds = Counter(type(exercise) for exercise in seed)

    assert kinds[FillInTheBlank] == 5
    assert kinds[MultipleChoice] == 5


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
