"""A learner's choice, as sent to the API, turned into the exercise's own letters.

Only letters the exercise has come out of here; nothing from the request is used otherwise.
"""

from __future__ import annotations

import reprlib
from collections.abc import Mapping
from typing import Any

from exercises.model import AnyExercise, FillInTheBlank, MultipleChoice


class BadAnswer(ValueError):
    """The request does not name a choice this exercise has; the message says why."""


def letters_from_request(exercise: AnyExercise, data: Any) -> str:
    """`{"fill": {"1": "B", ...}}` or `{"choice": "C"}` -> the letters, one per blank."""
    if not isinstance(data, Mapping):
        raise BadAnswer('the body must be a JSON object: {"fill": {...}} or {"choice": "A"}')
    keys = set(data)
    if keys == {"fill"}:
        if not isinstance(exercise, FillInTheBlank):
            raise BadAnswer(f'{exercise.id} is multiple-choice: send {{"choice": "A"}}')
        return _fill(exercise, data["fill"])
    if keys == {"choice"}:
        if not isinstance(exercise, MultipleChoice):
            raise BadAnswer(f'{exercise.id} is fill-in-the-blank: send {{"fill": {{"1": "A"}}}}')
        return _letter(exercise, data["choice"], "choice")
    raise BadAnswer('the body must have exactly one key, "fill" or "choice"')


def _fill(exercise: FillInTheBlank, fill: Any) -> str:
    if not isinstance(fill, Mapping):
        raise BadAnswer('"fill" must be an object from blank number to letter, e.g. {"1": "A"}')
    numbers = [str(blank.number) for blank in exercise.blanks]
    unknown = sorted(key for key in fill if key not in numbers)
    if unknown:
        shown = ", ".join(reprlib.repr(key)[:20] for key in unknown[:3])
        raise BadAnswer(f"{exercise.id} has blanks {', '.join(numbers)}; not {shown}")
    missing = [number for number in numbers if number not in fill]
    if missing:
        raise BadAnswer(f"no letter for blank {', '.join(missing)}")
    return "".join(_letter(exercise, fill[number], f"blank {number}") for number in numbers)


def _letter(exercise: AnyExercise, letter: Any, where: str) -> str:
    if not isinstance(letter, str) or letter not in exercise.letters or len(letter) != 1:
        shown = reprlib.repr(letter)[:20]  # bounded: a value nested deep is not walked
        raise BadAnswer(f"{where}: {shown} is not one of the letters {', '.join(exercise.letters)}")
    return letter
