"""Grading single- and multi-blank answers, and refusing answers that do not fit."""

from __future__ import annotations

from pathlib import Path

import pytest

from exercises import (
    AnswerError,
    Blank,
    Difficulty,
    FillInTheBlank,
    Option,
    grade,
    load_catalog,
)

FIXTURES = Path(__file__).parent / "fixtures"


def gather_exercise() -> FillInTheBlank:
    """Three blanks sharing options: task_two is right for blank 2 and wrong for blank 1."""
    options = ("task_one", "task_two", '"combined"', '"result"')
    return FillInTheBlank(
        id="demo/gather",
        pack="demo",
        slug="gather",
        difficulty=Difficulty.HARD,
        title="Gather two tasks",
        prompt="Fill the blanks.",
        hints=("Each task once.",),
        mistakes=("Passing the same task twice.",),
        solution=("gather runs both.",),
        options=tuple(Option(letter, text) for letter, text in zip("ABCD", options, strict=True)),
        code="a, b = await asyncio.gather(⟦1⟧(), ⟦2⟧())\nreturn {⟦3⟧: a + b}\n",
        blanks=(
            Blank(1, "A", {"B": "task_two belongs in the second place.", "C": "c", "D": "d"}),
            Blank(2, "B", {"A": "task_one is already gathered first.", "C": "c", "D": "d"}),
            Blank(3, "C", {"A": "a", "B": "b", "D": "The client reads the key combined."}),
        ),
    )


def test_a_correct_multi_blank_answer() -> None:
    verdict = grade(gather_exercise(), "ABC")

    assert verdict.is_correct
    assert verdict.wrong_blanks == ()
    assert [blank.feedback for blank in verdict.blanks] == [None, None, None]


def test_an_option_right_for_one_blank_is_wrong_for_another() -> None:
    verdict = grade(gather_exercise(), "BBC")

    assert not verdict.is_correct
    (wrong,) = verdict.wrong_blanks
    assert (wrong.number, wrong.chosen) == (1, "B")
    assert wrong.feedback == "task_two belongs in the second place."
    assert verdict.blanks[1].is_correct  # the same B is right in blank 2


def test_every_wrong_blank_gets_its_own_feedback() -> None:
    verdict = grade(gather_exercise(), "BAD")

    assert [blank.number for blank in verdict.wrong_blanks] == [1, 2, 3]
    assert verdict.wrong_blanks[2].feedback == "The client reads the key combined."


def test_single_blank_and_multiple_choice() -> None:
    catalog = load_catalog(FIXTURES / "good")

    assert grade(catalog.get("demo/return-json"), "A").is_correct
    wrong = grade(catalog.get("demo/return-json"), "C")
    assert (
        wrong.wrong_blanks[0].feedback == "render needs a request and a template name, not a dict."
    )
    assert grade(catalog.get("demo/define-async-view"), "B").is_correct
    assert grade(catalog.get("demo/define-async-view"), "C").blanks[0].feedback == (
        "An HttpResponse is not awaitable."
    )


@pytest.mark.parametrize("answer", ["", "AB", "ABCD", "ABE", "abc", "A1C"])
def test_an_answer_that_does_not_fit_is_refused_not_graded(answer: str) -> None:
    with pytest.raises(AnswerError):
        grade(gather_exercise(), answer)


def test_a_fill_shows_the_chosen_options_in_the_code() -> None:
    exercise = gather_exercise()

    assert exercise.fill("BAD").startswith("a, b = await asyncio.gather(task_two(), task_one())")
    assert exercise.answer_key == "ABC"
