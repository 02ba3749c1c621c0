"""Options in a post's own order, end to end: a member reads the letters on the message and
clicks the buttons by their labels; what is graded and stored is the option itself."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import TutorBot
from bot.sandbox import LoopbackDiscord, Member, Message
from tests.clock import ManualClock
from tests.e2e.bots import practice, running_bot
from tests.loopback_fixtures import Scene

_OPTION_LINE = re.compile(r"^\*\*([A-D])\*\* `?(.*?)`?$", re.MULTILINE)


@pytest.fixture
async def bot(
    loopback: LoopbackDiscord, scene: Scene, manual_clock: ManualClock, tmp_path: Path
) -> AsyncIterator[TutorBot]:
    async with running_bot(loopback, scene, manual_clock, tmp_path / "tutor.sqlite3") as bot:
        yield bot


def shown_letters(post: Message) -> dict[str, str]:
    """What a member reads on the post: each option's text -> the letter shown beside it."""
    (embed,) = post.embeds
    return {text: letter for letter, text in _OPTION_LINE.findall(embed["description"])}


async def click_label(loopback: LoopbackDiscord, member: Member, message: Message, label: str):
    (custom_id,) = [
        custom_id
        for custom_id, button in message.buttons().items()
        if button.get("label") == label or str(button.get("label", "")).startswith(f"{label}:")
    ]
    return await loopback.reply_to(await loopback.click(member, message, custom_id))


async def test_a_fill_in_answered_by_the_shown_letters_is_graded_right(
    loopback: LoopbackDiscord, scene: Scene, bot: TutorBot
) -> None:
    post = await practice(loopback, scene, "hard")  # demo/gather: task_one, task_two, "combined"
    letters = shown_letters(post)
    correct = [letters["task_one"], letters["task_two"], letters['"combined"']]
    assert "".join(correct) != "ABC"  # this post's order is not the file's

    panel = await click_label(loopback, scene.alice, post, "Answer")
    for blank, letter in enumerate(correct, start=1):
        panel = await click_label(loopback, scene.alice, panel, f"⟦{blank}⟧ {letter}")
    feedback = await click_label(loopback, scene.alice, panel, "Submit")

    assert feedback.content.startswith("✅ Correct!")
    final = f"Final answer: ⟦1⟧ = {correct[0]} (task_one), ⟦2⟧ = {correct[1]} (task_two)"
    assert final in feedback.content  # lettered as the member saw the options


async def test_a_wrong_fill_in_names_the_letter_the_member_clicked(
    loopback: LoopbackDiscord, scene: Scene, bot: TutorBot
) -> None:
    post = await practice(loopback, scene, "hard")
    letters = shown_letters(post)
    picked = [letters["task_two"], letters["task_two"], letters['"combined"']]

    panel = await click_label(loopback, scene.alice, post, "Answer")
    for blank, letter in enumerate(picked, start=1):
        panel = await click_label(loopback, scene.alice, panel, f"⟦{blank}⟧ {letter}")
    feedback = await click_label(loopback, scene.alice, panel, "Submit")

    assert f"Blank ⟦1⟧: **{picked[0]}** - task_two belongs in the second place." in (
        feedback.content
    )


def shown_code(post: Message) -> list[tuple[str, str]]:
    """A multiple-choice post's options as shown: (letter, code), top to bottom."""
    (embed,) = post.embeds
    found = re.findall(r"^\*\*([A-D])\*\*\n```py\n(.*?)\n```", embed["description"], re.M | re.S)
    return [(letter, code) for letter, code in found]


async def test_two_posts_of_one_exercise_show_their_own_orders_and_grade_the_option(
    loopback: LoopbackDiscord, scene: Scene, bot: TutorBot
) -> None:
    first = await practice(loopback, scene, "medium")  # demo/define-async-view: the file's B
    second = await practice(loopback, scene, "medium")
    code = "async def hello(request):\n    return HttpResponse('Hello')"
    (right,) = [letter for letter, text in shown_code(second) if text == code]

    assert [text for _, text in shown_code(first)] != [text for _, text in shown_code(second)]
    assert right != "B"  # this post's order is not the file's
    feedback = await click_label(loopback, scene.alice, second, right)

    assert feedback.content.startswith("✅ Correct!")
    assert f"Final answer: {right} " in feedback.content


def label_letter(button: dict[str, object]) -> str:
    """The letter a button shows: "B", "B: text" or "⟦1⟧ B"."""
    label = str(button.get("label", ""))
    return label.split(":")[0].split(" ")[-1]


async def test_button_ids_carry_the_letters_shown_never_the_files(
    loopback: LoopbackDiscord, scene: Scene, bot: TutorBot
) -> None:
    """A modified client reads ids: on a post whose order is not the file's, each id names
    its option by the letter on the button, and clicking still grades the option."""
    await practice(loopback, scene, "medium")  # demo/define-async-view: the file's B
    second = await practice(loopback, scene, "medium")  # post 2: its order is not the file's
    code = "async def hello(request):\n    return HttpResponse('Hello')"
    (right,) = [letter for letter, text in shown_code(second) if text == code]
    answers = {i: b for i, b in second.buttons().items() if i.startswith("t1:a:")}

    assert right != "B"
    assert [i.rsplit(":", 1)[1] for i in answers] == [label_letter(b) for b in answers.values()]
    (wrong,) = [letter for letter, text in shown_code(second) if "def hello" not in text][:1]
    feedback = await click_label(loopback, scene.alice, second, wrong)
    (run_it,) = feedback.buttons()
    assert run_it.endswith(f":{wrong}")  # "Run it" names the answer as shown too
    assert (await click_label(loopback, scene.alice, second, right)).content.startswith("✅")


async def test_a_panels_ids_carry_the_letters_shown(
    loopback: LoopbackDiscord, scene: Scene, bot: TutorBot
) -> None:
    post = await practice(loopback, scene, "hard")  # demo/gather, post 1: C, A, B, D
    letters = shown_letters(post)
    correct = [letters["task_one"], letters["task_two"], letters['"combined"']]

    panel = await click_label(loopback, scene.alice, post, "Answer")
    choices = {i: b for i, b in panel.buttons().items() if i.startswith("t1:p:")}
    assert all(i.endswith(label_letter(b)) for i, b in choices.items())
    for blank, letter in enumerate(correct, start=1):
        panel = await click_label(loopback, scene.alice, panel, f"⟦{blank}⟧ {letter}")
    (submit,) = [i for i in panel.buttons() if i.startswith("t1:s:")]

    assert "".join(correct) != "ABC"  # the file's letters
    assert submit.endswith(":" + "".join(correct))
    feedback = await click_label(loopback, scene.alice, panel, "Submit")
    assert feedback.content.startswith("✅ Correct!")


async def test_a_test_questions_ids_carry_the_letters_shown(
    loopback: LoopbackDiscord, scene: Scene, bot: TutorBot
) -> None:
    asked = await loopback.run_command(scene.alice, scene.channel, "test start", pack="demo")
    question = await loopback.reply_to(asked)

    buttons = question.buttons()
    assert all(i.startswith("t1:t:") for i in buttons)
    assert [i[-1] for i in buttons] == [label_letter(b) for b in buttons.values()]
