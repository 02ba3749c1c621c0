"""/test through the loopback Discord: ten private questions, a restart in the middle."""

from __future__ import annotations

import re
from pathlib import Path

from bot.sandbox import LoopbackDiscord, Message
from exercises import SHIPPED_PACKS, AnyExercise, Catalog, Difficulty, load_catalog
from tests.clock import ManualClock
from tests.e2e.bots import running_bot
from tests.loopback_fixtures import Scene

PACK = "django-async-views"


def exercise_shown(catalog: Catalog, question: Message, pack: str = PACK) -> AnyExercise:
    title = question.embeds[0]["title"]
    (exercise,) = [e for e in catalog.in_pack(pack) if e.title == title]
    return exercise


async def answer(
    loopback: LoopbackDiscord, scene: Scene, question: Message, letters: str
) -> Message:
    """Click one letter per blank on the private question; the message as it is then."""
    shown = question
    for letter in letters:
        (button,) = [
            custom_id for custom_id, b in shown.buttons().items() if b.get("label") == letter
        ]
        await loopback.click(scene.alice, shown, button)
        shown = await changed(loopback, shown, button)
    return shown


async def changed(loopback: LoopbackDiscord, question: Message, clicked: str) -> Message:
    """The private question once the click has been answered by editing it in place."""
    return await loopback.wait_for_message(
        lambda m: m.id == question.id and clicked not in m.buttons()
    )


def as_shown(exercise: AnyExercise, question: Message, letters: str) -> str:
    """The letters a member reads on the question for these options (file letters): each
    option is found by its text among the lettered lines of the card."""
    description = question.embeds[0]["description"].replace("\u200b", "")
    _, *parts = re.split(r"^\*\*([A-D])\*\*", description, flags=re.MULTILINE)
    texts = {shown: _unquoted(text) for shown, text in zip(parts[::2], parts[1::2], strict=True)}
    by_text = {text: shown for shown, text in texts.items()}
    return "".join(by_text[exercise.option(letter).text.strip()] for letter in letters)


def _unquoted(text: str) -> str:
    text = text.strip()
    if text.startswith("```py\n") and text.endswith("```"):
        return text[len("```py\n") : -3].strip()
    return text[1:-1] if text.startswith("`") and text.endswith("`") else text


def wrong(exercise: AnyExercise) -> str:
    first = next(letter for letter in exercise.letters if letter != exercise.answer_key[0])
    return first + exercise.answer_key[1:]


async def test_a_test_of_ten_questions_survives_a_restart_and_ends_with_the_right_score(
    loopback: LoopbackDiscord, scene: Scene, manual_clock: ManualClock, tmp_path: Path
) -> None:
    catalog = load_catalog(SHIPPED_PACKS)
    database = tmp_path / "t.sqlite3"
    missed: list[str] = []
    seen: list[str] = []
    reordered: list[bool] = []

    async def answer_next(question: Message, number: int) -> Message:
        assert question.ephemeral
        assert f"question {number}/10" in question.content
        assert question.content.startswith("▰" * (number - 1) + "▱" * (11 - number))
        assert not any("Hint" in (b.get("label") or "") for b in question.buttons().values())
        exercise = exercise_shown(catalog, question)
        seen.append(exercise.id)
        if number in (2, 7):
            missed.append(exercise.title)
            missing = as_shown(exercise, question, wrong(exercise))
            return await answer(loopback, scene, question, missing)
        # the letters as this question shows the correct options: often not the file's
        shown = as_shown(exercise, question, exercise.answer_key)
        reordered.append(shown != exercise.answer_key)
        return await answer(loopback, scene, question, shown)

    async with running_bot(loopback, scene, manual_clock, database, catalog=catalog):
        asked = await loopback.run_command(scene.alice, scene.channel, "test start", pack=PACK)
        question = await loopback.reply_to(asked)
        for number in range(1, 5):
            question = await answer_next(question, number)
        assert "question 5/10" in question.content

    async with running_bot(loopback, scene, manual_clock, database, catalog=catalog):
        again = await loopback.run_command(scene.alice, scene.channel, "test continue")
        question = await loopback.reply_to(again)
        for number in range(5, 11):
            question = await answer_next(question, number)
        result = question

    levels = [catalog.get(exercise_id).difficulty for exercise_id in seen]
    assert len(set(seen)) == 10
    assert levels == sorted(levels, key=list(Difficulty).index)  # easy, medium, then hard
    lines = result.content.splitlines()
    assert lines[0] == "**Test finished: 8/10**"
    assert sum(reordered) >= 4  # most questions showed the right options at other letters
    per_level = {line.split(":")[0]: line for line in lines[1:4]}
    assert set(per_level) == {"easy", "medium", "hard"}
    right = {
        level: sum(
            1
            for exercise_id in seen
            if catalog.get(exercise_id).difficulty is level
            and catalog.get(exercise_id).title not in missed
        )
        for level in Difficulty
    }
    asked_per_level = {level: levels.count(level) for level in Difficulty}
    for level in Difficulty:
        assert per_level[level.value].startswith(
            f"{level.value}: {right[level]}/{asked_per_level[level]} · "
        )
    assert lines[4].startswith(f"To review: {missed[0]}; {missed[1]}.")
    assert result.buttons() == {}
    assert loopback.messages(scene.channel) == []  # everything was private


async def test_a_pack_with_fewer_than_ten_questions_gives_what_it_has_and_says_so(
    loopback: LoopbackDiscord, scene: Scene, manual_clock: ManualClock, tmp_path: Path
) -> None:
    async with running_bot(loopback, scene, manual_clock, tmp_path / "t.sqlite3") as bot:
        asked = await loopback.run_command(scene.alice, scene.channel, "test start", pack="demo")
        question = await loopback.reply_to(asked)
        first = question.content.splitlines()[0]
        assert first.startswith("This pack has only ")
        assert first.endswith("so the test has " + first.split()[4] + ".")
        # Two quick clicks on the same question: the second one records nothing.
        (first_button, second_button, *_) = question.buttons()
        exercise = exercise_shown(bot.practice.catalog, question, pack="demo")
        (picked,) = [x for x in exercise.letters if as_shown(exercise, question, x) == "A"]
        await loopback.click(scene.alice, question, first_button)
        late = await loopback.click(scene.alice, question, second_button, forged=True)
        await changed(loopback, question, first_button)
        refused = await loopback.wait_for_message(
            lambda m: m.interaction_id == late.id and not m.loading
        )
        assert refused.ephemeral
        run = await bot.practice.store.pattern_tests.current(
            guild_id=scene.guild.id, member_id=scene.alice.id
        )
        assert run is not None
        assert run.position == 1
        assert first_button.endswith(":A")  # the first button names the option shown as A
        assert [q.answer for q in run.questions][:2] == [picked, None]  # its file letter
