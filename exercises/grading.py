"""Grading: an exercise and an answer (letters, one per blank) -> a Verdict. Pure, no I/O.

An answer that does not fit the exercise (a forged or stale button) raises AnswerError;
it is never graded as merely wrong.
"""

from __future__ import annotations

from dataclasses import dataclass

from exercises.errors import AnswerError
from exercises.model import AnyExercise, FillInTheBlank


@dataclass(frozen=True)
class BlankVerdict:
    """One blank (or the one question of a multiple-choice exercise)."""

    number: int
    chosen: str
    is_correct: bool
    feedback: str | None  # why the chosen option is wrong; None when it is right


@dataclass(frozen=True)
class Verdict:
    exercise_id: str
    answer: str
    blanks: tuple[BlankVerdict, ...]

    @property
    def is_correct(self) -> bool:
        return all(blank.is_correct for blank in self.blanks)

    @property
    def wrong_blanks(self) -> tuple[BlankVerdict, ...]:
        return tuple(blank for blank in self.blanks if not blank.is_correct)


def check_answer(exercise: AnyExercise, answer: str) -> str:
    """The answer's letters if they fit the exercise; AnswerError otherwise."""
    if len(answer) != exercise.blank_count:
        raise AnswerError(
            f"{exercise.id} takes {exercise.blank_count} letter(s), got {len(answer)}"
        )
    unknown = sorted({letter for letter in answer if letter not in exercise.letters})
    if unknown:
        raise AnswerError(f"{exercise.id} has no option {', '.join(unknown)}")
    return answer


def grade(exercise: AnyExercise, answer: str) -> Verdict:
    check_answer(exercise, answer)
    if isinstance(exercise, FillInTheBlank):
        blanks = tuple(
            BlankVerdict(
                number=blank.number,
                chosen=letter,
                is_correct=letter == blank.answer,
                feedback=blank.feedback.get(letter),
            )
            for blank, letter in zip(exercise.blanks, answer, strict=True)
        )
    else:
        blanks = (
            BlankVerdict(
                number=1,
                chosen=answer,
                is_correct=answer == exercise.correct,
                feedback=exercise.feedback.get(answer),
            ),
        )
    return Verdict(exercise_id=exercise.id, answer=answer, blanks=blanks)
