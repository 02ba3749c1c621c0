"""The domain's errors, one tree so that adapters can map them in one handler.

TutorError
 ├── ContentError   exercise files with problems (each names the file and the field)
 └── AnswerError    an answer that does not fit its exercise (e.g. a forged button)
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class TutorError(Exception):
    """Base of every error the tutor's own code raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One problem in one exercise file, naming the field it is about."""

    file: Path
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.field}" if self.field else str(self.file)
        return f"{where}: {self.message}"


class ContentError(TutorError):
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = tuple(problems)
        count = len(self.problems)
        lines = "\n".join(f"  {problem}" for problem in self.problems)
        super().__init__(f"{count} problem{'s' if count != 1 else ''} in the exercises:\n{lines}")


class AnswerError(TutorError):
    """The answer does not fit the exercise: wrong number of letters, or unknown letters."""
