"""What an exercise is: frozen dataclasses, built only by the loader.

Pure data: no I/O, no Discord, Django, HTTP or database imports. Everything a learner
sees that derives from the answer key (letters, the final-answer line) is computed here,
never typed by an author.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

LETTERS = "ABCD"
"""Option letters, in order; at most four options fit a row of answer buttons."""

MAX_BLANKS = 3
"""A fill-in-the-blank exercise has 1 to 3 blanks: one row of A-D buttons each, plus Submit."""

DEFAULT_ATTEMPTS = 3


class Difficulty(StrEnum):
    EASY = "easy"
    MEDIUM = "medium"
    HARD = "hard"


class Kind(StrEnum):
    FILL_IN_THE_BLANK = "fill-in-the-blank"
    MULTIPLE_CHOICE = "multiple-choice"
