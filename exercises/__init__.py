"""The exercises domain: what an exercise is, how its files load, how answers are graded.

Pure Python: never imports Discord, Django, HTTP clients or databases.
"""

from exercises.errors import AnswerError, ContentError, Problem, TutorError
from exercises.grading import BlankVerdict, Verdict, check_answer, grade
from exercises.loader import SHIPPED_PACKS, Catalog, check, load_catalog
from exercises.model import (
    DEFAULT_ATTEMPTS,
    LETTERS,
    MAX_BLANKS,
    AnyExercise,
    Blank,
    Difficulty,
    Exercise,
    Expectation,
    FillInTheBlank,
    Kind,
    MultipleChoice,
    Option,
    Pack,
    Request,
    Run,
    RunTarget,
    blank_marker,
)

__all__ = [
    "DEFAULT_ATTEMPTS",
    "LETTERS",
    "MAX_BLANKS",
    "SHIPPED_PACKS",
    "AnswerError",
    "AnyExercise",
    "Blank",
    "BlankVerdict",
    "Catalog",
    "ContentError",
    "Difficulty",
    "Exercise",
    "Expectation",
    "FillInTheBlank",
    "Kind",
    "MultipleChoice",
    "Option",
    "Pack",
    "Problem",
    "Request",
    "Run",
    "RunTarget",
    "TutorError",
    "Verdict",
    "blank_marker",
    "check",
    "check_answer",
    "grade",
    "load_catalog",
]
