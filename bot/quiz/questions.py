"""Which exercises a daily quiz posts: those the channel has not seen recently, oldest first,
after as many of the server's most missed as the schedule asks for.

Pure: takes the catalog, the schedule's filters, when each exercise was last posted in the
channel and the server's most missed exercises. A pack holds about eleven exercises, so a
daily quiz cycles through it.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime, timedelta

from bot.errors import Refused
from exercises import AnyExercise, Catalog, Difficulty

MISSED_REST = timedelta(days=7)
"""A most missed exercise that a daily quiz posted in the channel within this long is not
taken as one again (the usual pick may still take it): the same one does not come back
every day. Practice in the channel does not count."""


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


def daily_pick(
    choices: list[AnyExercise],
    last_posted: Mapping[str, datetime],
    count: int,
    *,
    most_missed: int = 0,
    missed: Sequence[str] = (),
    quizzed: Mapping[str, datetime] | None = None,
    now: datetime,
) -> list[AnyExercise]:
    """`count` exercises: first up to `most_missed` of the server's most missed (`missed`,
    most first) among `choices`, each not in the channel's daily quizzes (`quizzed`: when
    each was last) within MISSED_REST of `now`; then the least recently used of the rest."""
    by_id = {exercise.id: exercise for exercise in choices}
    quizzed = quizzed or {}
    rested = [
        by_id[exercise_id]
        for exercise_id in missed
        if exercise_id in by_id
        and (exercise_id not in quizzed or now - quizzed[exercise_id] >= MISSED_REST)
    ]
    first = rested[: min(most_missed, count)]
    rest = [exercise for exercise in choices if exercise not in first]
    return first + least_recently_used(rest, last_posted, count - len(first))
