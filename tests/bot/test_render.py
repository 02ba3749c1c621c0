"""Rendering is pure: from an exercise and a verdict to what the member reads."""

from __future__ import annotations

from pathlib import Path

from bot import render
from bot.interactions.custom_ids import UNCHOSEN, parse
from exercises import FillInTheBlank, MultipleChoice, grade, load_catalog
from tests.exercises.test_grading import gather_exercise

CATALOG = load_catalog(Path(__file__).parents[1] / "exercises" / "fixtures" / "good")


def mc() -> MultipleChoice:
    exercise = CATALOG.get("demo/define-async-view")
    assert isinstance(exercise, MultipleChoice)
    return exercise


def test_a_post_shows_prompt_code_options_and_counters() -> None:
    exercise = CATALOG.get("demo/return-json")
    rendered = render.exercise_post(
        exercise, pack_title="Demo", post_id=7, attempt_limit=3, answered=2, solved=1
    )

    assert rendered.embed is not None
    description = rendered.embed.description or ""
    assert description.startswith(exercise.prompt)
    assert "return ⟦1⟧(data)" in description
    assert "**A** `JsonResponse`" in description
    assert rendered.embed.footer == "2 members have answered · 1 solved · 3 attempts each"
    assert [button.label for button in rendered.buttons] == ["Answer", "Hint", "Report a problem"]
    assert all(parse(button.custom_id) is not None for button in rendered.buttons)


def test_code_options_go_in_the_body_and_buttons_show_only_letters() -> None:
    rendered = render.exercise_post(mc(), pack_title="Demo", post_id=3, attempt_limit=1)

    assert rendered.embed is not None
    assert "```py\nasync def hello(request):" in (rendered.embed.description or "")
    assert [button.label for button in rendered.buttons] == [
        "A",
        "B",
        "C",
        "Hint",
        "Report a problem",
    ]


def test_the_panel_marks_choices_and_enables_submit_only_when_complete() -> None:
    exercise = gather_exercise()

    partial = render.answer_panel(exercise, 5, "A" + UNCHOSEN + UNCHOSEN)
    complete = render.answer_panel(exercise, 5, "ABC")

    assert len(partial.buttons) == 3 * 4 + 1
    picked = [b for b in partial.buttons if b.style is render.Style.SUCCESS]
    assert [b.label for b in picked] == ["⟦1⟧ A"]
    assert partial.buttons[-1].label == "Submit"
    assert partial.buttons[-1].disabled
    assert not complete.buttons[-1].disabled
    assert "gather(task_one(), ⟦2⟧())" in partial.content
    assert max(b.row for b in complete.buttons) <= 4  # Discord allows five rows


def test_wrong_answer_feedback_names_each_wrong_blank_and_attempts_left() -> None:
    exercise = gather_exercise()
    verdict = grade(exercise, "BBD")

    text = render.feedback(exercise, render.Feedback(verdict, attempts_left=2), post_id=1).content

    assert "❌" in text
    assert "Blank ⟦1⟧: **B** - task_two belongs in the second place." in text
    assert "Blank ⟦3⟧: **D** - The client reads the key combined." in text
    assert "⟦2⟧" not in text.split("Blank ⟦3⟧")[0].split("Blank ⟦1⟧")[1]
    assert "2 attempts left." in text
    assert "Worked solution" not in text


def test_the_last_wrong_attempt_shows_the_solution_with_a_generated_final_answer() -> None:
    exercise = gather_exercise()
    verdict = grade(exercise, "BBD")

    text = render.feedback(exercise, render.Feedback(verdict, attempts_left=0), post_id=1).content

    assert "That was your last attempt." in text
    assert "2. Final answer: ⟦1⟧ = A (task_one), ⟦2⟧ = B (task_two), ⟦3⟧ = C" in text


def test_a_correct_answer_shows_points_and_the_solution() -> None:
    exercise = mc()
    verdict = grade(exercise, "B")

    text = render.feedback(exercise, render.Feedback(verdict, 2, points=15), post_id=1).content

    assert "✅ Correct! **+15 points**." in text
    assert "Final answer: B (async def hello(request): ...)" in text


def test_code_blocks_cannot_be_broken_out_of() -> None:
    assert render.code_block("x = '```'\n").count("```") == 2


def test_long_feedback_is_cut_to_discords_limit() -> None:
    exercise = gather_exercise()
    long = FillInTheBlank(**{**exercise.__dict__, "solution": ("step " * 300,) * 5})
    verdict = grade(long, "BBD")

    text = render.feedback(long, render.Feedback(verdict, attempts_left=0), post_id=1).content

    assert len(text) <= 2000


def test_a_closed_post_keeps_its_text_and_its_buttons_say_closed() -> None:
    open_post = render.exercise_post(mc(), pack_title="Demo", post_id=7, attempt_limit=3)
    closed = render.exercise_post(mc(), pack_title="Demo", post_id=7, attempt_limit=3, closed=True)

    assert closed.embed is not None
    assert open_post.embed is not None
    assert closed.embed.description == open_post.embed.description
    assert closed.embed.footer.startswith("Closed by a moderator: no more answers · ")
    assert [b.label for b in closed.buttons] == [f"🔒 {b.label}" for b in open_post.buttons]
    assert all(button.disabled for button in closed.buttons)
    assert [b.custom_id for b in closed.buttons] == [b.custom_id for b in open_post.buttons]


def test_a_post_from_before_forget_me_earns_nothing_and_says_why() -> None:
    exercise = mc()
    feedback = render.Feedback(
        verdict=grade(exercise, "B"), attempts_left=2, points=0, forgotten_since_posted=True
    )

    text = render.feedback(exercise, feedback, post_id=7).content

    assert text.startswith("✅ Correct! This was posted before you used `/forget-me`")
    assert "points**" not in text
