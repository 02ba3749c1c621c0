"""The order a post shows an exercise's options in: a position tells nothing of the answer.

An option's identity is its letter in the exercise file: that is what is graded and what is
stored. The letter a member *sees* is a position on one post, fixed by the post: a pure
function of the post's id and the exercise, the same for every member and after every
restart (nothing random is stored). A button's id names an option by the letter the post
shows it under, so an id read by a modified client tells nothing of the file's order; a
click's letters go back to the file's through the post's order (`from_ids`).

Posts keep what they were made with, by their marker: None (made before posts had an
order) shows the file's order; BY_POST_FILE_IDS (made before ids carried shown letters)
is ordered as BY_POST but its buttons carry file letters. Pure: no I/O.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Final

from exercises.model import LETTERS, AnyExercise

UNCHOSEN: Final = "_"
"""A blank not chosen yet, among a panel's letters (and its buttons' ids)."""

BY_POST: Final = 2
"""The marker stored with a post made now: its options ordered by its id (this module's
scheme), its buttons naming them by the letters shown."""
BY_POST_FILE_IDS: Final = 1
"""The marker of a post made before buttons named options by the letters shown: ordered
as BY_POST, its buttons naming options by their file letters."""
_SCHEME: Final = 1
"""What the order's hash starts with: the same for both markers, so one post id orders
an exercise alike under either."""


@dataclass(frozen=True)
class ShownOrder:
    """File letters in the order a post shows them: `file_letters[0]` is shown as "A"."""

    file_letters: str
    shown_ids: bool = False
    """Whether the post's buttons name options by the letters shown (else by file letters)."""

    def shown(self, letters: str) -> str:
        """The letters a member saw for these file letters ("_" and unknown ones unchanged)."""
        return "".join(
            LETTERS[self.file_letters.index(letter)] if letter in self.file_letters else letter
            for letter in letters
        )

    def file_letter_at(self, shown: str) -> str:
        """The file letter of the option shown as `shown`."""
        return self.file_letters[LETTERS.index(shown)]

    def to_ids(self, letters: str) -> str:
        """File letters as the post's buttons name them ("_" unchanged)."""
        return self.shown(letters) if self.shown_ids else letters

    def from_ids(self, letters: str) -> str | None:
        """A button's letters as file letters ("_" unchanged); None when one names no
        option shown on the post (a forged id). Letters of a post whose ids carry file
        letters come back as they are: grading checks them."""
        if not self.shown_ids:
            return letters
        shown = LETTERS[: len(self.file_letters)]
        if any(letter not in shown and letter != UNCHOSEN for letter in letters):
            return None
        return "".join(
            letter if letter == UNCHOSEN else self.file_letter_at(letter) for letter in letters
        )


def file_order(exercise: AnyExercise) -> ShownOrder:
    return ShownOrder(exercise.letters)


def order_of(exercise: AnyExercise, *, seed: str, marker: int | None = BY_POST) -> ShownOrder:
    """The post's order: the file's for an unmarked post, else a permutation seeded by `seed`
    (a post's id; a /test question's run and position) and the exercise's id.

    Sorting by a hash of each letter gives every order its fair chance and never changes
    with the Python version (unlike `random`'s shuffle, whose algorithm may)."""
    if marker is None:
        return file_order(exercise)
    if marker not in (BY_POST, BY_POST_FILE_IDS):
        raise ValueError(f"unknown option order marker {marker!r}")

    def key(letter: str) -> bytes:
        text = f"{_SCHEME}:{exercise.id}:{seed}:{letter}"
        return hashlib.sha256(text.encode()).digest()

    ordered = "".join(sorted(exercise.letters, key=key))
    return ShownOrder(ordered, shown_ids=marker == BY_POST)


def post_order(exercise: AnyExercise, post_id: int, marker: int | None) -> ShownOrder:
    """The order of the post `post_id`, as marked when it was made."""
    return order_of(exercise, seed=f"post:{post_id}", marker=marker)
