"""The order a post shows an exercise's options in: a position tells nothing of the answer.

An option's identity is its letter in the exercise file: that is what buttons carry, what is
graded and what is stored. The letter a member *sees* is a position on one post, fixed by the
post: a pure function of the post's id and the exercise, the same for every member and
after every restart (nothing random is stored). A post made before posts had an order (its
marker is None) shows the file's order. Pure: no I/O.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Final

from exercises.model import LETTERS, AnyExercise

BY_POST: Final = 1
"""The marker stored with a post whose options are ordered by its id (this module's scheme).
None marks a post made before: it shows the file's order."""


@dataclass(frozen=True)
class ShownOrder:
    """File letters in the order a post shows them: `file_letters[0]` is shown as "A"."""

    file_letters: str

    def shown(self, letters: str) -> str:
        """The letters a member saw for these file letters ("_" and unknown ones unchanged)."""
        return "".join(
            LETTERS[self.file_letters.index(letter)] if letter in self.file_letters else letter
            for letter in letters
        )

    def file_letter_at(self, shown: str) -> str:
        """The file letter of the option shown as `shown`."""
        return self.file_letters[LETTERS.index(shown)]


def file_order(exercise: AnyExercise) -> ShownOrder:
    return ShownOrder(exercise.letters)


def order_of(exercise: AnyExercise, *, seed: str, marker: int | None = BY_POST) -> ShownOrder:
    """The post's order: the file's for an unmarked post, else a permutation seeded by `seed`
    (a post's id; a /test question's run and position) and the exercise's id.

    Sorting by a hash of each letter gives every order its fair chance and never changes
    with the Python version (unlike `random`'s shuffle, whose algorithm may)."""
    if marker is None:
        return file_order(exercise)
    if marker != BY_POST:
        raise ValueError(f"unknown option order marker {marker!r}")

    def key(letter: str) -> bytes:
        text = f"{marker}:{exercise.id}:{seed}:{letter}"
        return hashlib.sha256(text.encode()).digest()

    return ShownOrder("".join(sorted(exercise.letters, key=key)))


def post_order(exercise: AnyExercise, post_id: int, marker: int | None) -> ShownOrder:
    """The order of the post `post_id`, as marked when it was made."""
    return order_of(exercise, seed=f"post:{post_id}", marker=marker)
