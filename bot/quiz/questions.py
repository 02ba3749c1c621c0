"""Which exercises a daily quiz posts: those the channel has not seen recently, oldest first.

Pure: takes the catalog, the schedule's filters and when each exercise was last posted in
the channel. A pack holds about eleven exercises, so a daily quiz cycles through it.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import datetime

from bot.errors import Refused
from exercises import AnyExercise, Catalog, Difficulty


def candidates(
    catalog: Catalog,
    pack: str | None,
    difficulty: Difficulty | None,
    disabled: Collection[str] = (),
) -> list[AnyExercise]:
    """The exercises a schedule may post, in catalog order; disabled ones never."""
    if pack is not None and pack not in catalog.packs:
        known = ", ".join(sorted(catalog.packs))
        raise Refused(f"There is no pack `{pack}`. Packs: {known}.")
    return [
        exercise
        for exercise in catalog.exercises.values()
        if (pack is None or exercise.pack == pack)
        and (difficulty is None or exercise.difficulty is difficulty)
        and exercise.id not in disabled
    ]


def check_count(
    catalog: Catalog, pack: str | None, difficulty: Difficulty | None, count: int
) -> None:
    """Refuse a count larger than the pack (and difficulty) can serve, naming its size."""
    available = len(candidates(catalog, pack, difficulty))
    if count < 1:
        raise Refused("A quiz has at least one question.")
    if count > available:
        where = f"pack `{pack}`" if pack else "the packs"
        level = f" at {difficulty.value} difficulty" if difficulty else ""
        raise Refused(
            f"{where.capitalize()} {'has' if pack else 'have'} only {available} "
            f"question{'s' if available != 1 else ''}{level}; ask for {available} or fewer."
        )


def least_recently_used(
    choices: list[AnyExercise], last_posted: Mapping[str, datetime], count: int
) -> list[AnyExercise]:
    """`count` exercises: never posted in the channel first, then the longest ago."""
    never = [exercise for exercise in choices if exercise.id not in last_posted]
    seen = sorted(
        (exercise for exercise in choices if exercise.id in last_posted),
        key=lambda exercise: (last_posted[exercise.id], exercise.id),
    )
    return (never + seen)[:count]
