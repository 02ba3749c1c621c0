"""Pure rendering: exercises, verdicts and hints -> message text, cards and button specs.

No I/O and no state: every function's output follows from its arguments, so messages are
unit-tested without Discord. No text from members is shown here (the leaderboard's display
names are bot.progress_text's, escaped there). Nothing here is a discord.py
object: bot.interactions.components turns a Rendered into one at the edge.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import IntEnum

from bot.interactions import custom_ids
from bot.interactions.custom_ids import (
    AnswerChoice,
    ButtonId,
    Hint,
    OpenPanel,
    PanelChoice,
    Report,
    RunIt,
    Submit,
)
from exercises import (
    LETTERS,
    AnyExercise,
    FillInTheBlank,
    MultipleChoice,
    Verdict,
    blank_marker,
)
from exercises.shown_order import ShownOrder, file_order

DIFFICULTY_COLOURS = {"easy": 0x57F287, "medium": 0xFEE75C, "hard": 0xED4245}
_LABEL_LIMIT = 80  # Discord's limit on a button label


class Style(IntEnum):
    """Button styles, as Discord numbers them."""

    PRIMARY = 1
    SECONDARY = 2
    SUCCESS = 3
    DANGER = 4


@dataclass(frozen=True)
class ButtonSpec:
    """A button to send, with its typed id: the Discord layer sends `custom_id` as it is."""

    label: str
    button: ButtonId
    style: Style = Style.SECONDARY
    row: int = 0
    disabled: bool = False

    @property
    def custom_id(self) -> str:
        return self.button.to_id()


@dataclass(frozen=True)
class Card:
    """An exercise as a card (a Discord embed, once sent): title, text, colour, byline, footer."""

    title: str
    description: str
    colour: int
    author: str = ""
    footer: str = ""


@dataclass(frozen=True)
class AttachedFile:
    """A file sent with a message (a chart)."""

    filename: str
    data: bytes


@dataclass(frozen=True)
class Rendered:
    """What to send: text, an optional card and the buttons, in rows of at most five, and
    files attached."""

    content: str = ""
    embed: Card | None = None
    buttons: tuple[ButtonSpec, ...] = field(default=())
    files: tuple[AttachedFile, ...] = field(default=())


@dataclass(frozen=True)
class Feedback:
    """The store's answer to a submission, in the terms the learner sees."""

    verdict: Verdict
    attempts_left: int
    points: int = 0
    solution_seen_before: bool = False  # seen on another post: this one earns no points
    forgotten_since_posted: bool = False  # /forget-me after this post: it earns no points
    earns_points: bool = True  # False: a /review post, which earns no points
    repeated: bool = False  # the member gave this answer before; it cost no new attempt


_PAIRED_BACKTICK = re.compile(r"`(?=`)")


def code_block(code: str, language: str = "py") -> str:
    """A code block that no text can close early: a zero-width space parts every two
    backticks, so no three ever stand together (the text reads the same)."""
    return f"```{language}\n" + _PAIRED_BACKTICK.sub("`\u200b", code.strip("\n")) + "\n```"


def _option_lines(exercise: AnyExercise, order: ShownOrder) -> list[str]:
    lines = []
    for shown, letter in zip(LETTERS, order.file_letters, strict=False):
        option = exercise.option(letter)
        if option.is_code:
            lines.append(f"**{shown}**\n{code_block(option.text)}")
        else:
            lines.append(
                f"**{shown}** `{option.text}`"
                if isinstance(exercise, FillInTheBlank)
                else f"**{shown}** {option.text}"
            )
    return lines


def _order(exercise: AnyExercise, order: ShownOrder | None) -> ShownOrder:
    """The post's order; None is the file's (a post made before posts had an order)."""
    return order if order is not None else file_order(exercise)


def exercise_post(
    exercise: AnyExercise,
    *,
    pack_title: str,
    post_id: int,
    attempt_limit: int,
    answered: int = 0,
    solved: int = 0,
    closed: bool = False,
    order: ShownOrder | None = None,
) -> Rendered:
    """The public message: prompt, code with blanks, lettered options, counters, buttons.

    The options are lettered in the post's `order`, and each button names its option as
    the post shows it (`order.to_ids`). A post a moderator closed keeps its text; its
    buttons are disabled.
    """
    order = _order(exercise, order)
    parts = [exercise.prompt]
    code = exercise.code
    if code:
        parts.append(code_block(code))
    parts.extend(_option_lines(exercise, order))
    footer = counters_line(answered, solved, attempt_limit)
    buttons = post_buttons(exercise, post_id, order)
    if closed:
        footer = f"{CLOSED} · {footer}"
        buttons = tuple(
            dataclasses.replace(button, label=f"🔒 {button.label}"[:_LABEL_LIMIT], disabled=True)
            for button in buttons
        )
    card = Card(
        title=exercise.title,
        description="\n".join(parts),
        colour=DIFFICULTY_COLOURS[exercise.difficulty.value],
        author=f"{pack_title} · {exercise.difficulty.value}",
        footer=footer,
    )
    return Rendered(embed=card, buttons=buttons)


CLOSED = "Closed by a moderator: no more answers"


def counters_line(answered: int, solved: int, attempts: int) -> str:
    people = "member has" if answered == 1 else "members have"
    return f"{answered} {people} answered · {solved} solved · {attempts} attempts each"


def post_buttons(
    exercise: AnyExercise, post_id: int, order: ShownOrder | None = None
) -> tuple[ButtonSpec, ...]:
    order = _order(exercise, order)
    if isinstance(exercise, MultipleChoice):
        options = [exercise.option(letter) for letter in order.file_letters]
        answers = [
            ButtonSpec(
                _button_label(shown, option.text, option.is_code),
                AnswerChoice(post_id, order.to_ids(option.letter)),
                Style.PRIMARY,
            )
            for shown, option in zip(LETTERS, options, strict=False)
        ]
    else:
        answers = [ButtonSpec("Answer", OpenPanel(post_id), Style.PRIMARY)]
    return (
        *answers,
        ButtonSpec("Hint", Hint(post_id), Style.SECONDARY, row=1),
        ButtonSpec("Report a problem", Report(post_id), Style.SECONDARY, row=1),
    )


def _button_label(letter: str, text: str, is_code: bool) -> str:
    """The letter, plus the option's text when it is short enough to be read on a button."""
    if is_code or len(text) + 3 > _LABEL_LIMIT or "\n" in text:
        return letter
    return f"{letter}: {text}" if len(text) <= 30 else letter


def answer_panel(
    exercise: FillInTheBlank, post_id: int, chosen: str, order: ShownOrder | None = None
) -> Rendered:
    """The member's private panel: a row of A-D per blank (the post's order, one for the
    shared pool of options), the current choice marked, Submit. `chosen` is in file letters;
    the buttons' ids carry letters as the post shows them."""
    order = _order(exercise, order)
    code = exercise.fill(chosen, unchosen=custom_ids.UNCHOSEN)
    lines = [f"**{exercise.title}**: your choices so far", code_block(code)]
    buttons: list[ButtonSpec] = []
    for row, (blank, current) in enumerate(zip(exercise.blanks, chosen, strict=True)):
        for shown, letter in zip(LETTERS, order.file_letters, strict=False):
            picked = letter == current
            buttons.append(
                ButtonSpec(
                    label=f"{blank_marker(blank.number)} {shown}",
                    button=PanelChoice(
                        post_id, order.to_ids(chosen), blank.number, order.to_ids(letter)
                    ),
                    style=Style.SUCCESS if picked else Style.SECONDARY,
                    row=row,
                )
            )
    complete = custom_ids.UNCHOSEN not in chosen
    if not complete:
        lines.append("Choose an option for every blank, then submit.")
    buttons.append(
        ButtonSpec(
            "Submit",
            Submit(post_id, order.to_ids(chosen)),
            Style.PRIMARY,
            row=len(exercise.blanks),
            disabled=not complete,
        )
    )
    return Rendered(content="\n".join(lines), buttons=tuple(buttons))


def worked_solution(exercise: AnyExercise, order: ShownOrder | None = None) -> str:
    """The steps, then the final answer lettered as the post showed the options."""
    steps = [f"{number}. {step}" for number, step in enumerate(exercise.solution, start=1)]
    final = exercise.final_answer_shown(_order(exercise, order).shown)
    steps.append(f"{len(steps) + 1}. {final}")
    return "**Worked solution**\n" + "\n".join(steps)


REVIEW_NO_POINTS = "A review is practice: no points."
PRACTICE_ONLY = "You have seen this exercise's solution before, so here it is practice: no points."
FORGOTTEN_BEFORE = (
    "This was posted before you used `/forget-me`, so here it is practice: no points."
)


def feedback(
    exercise: AnyExercise, result: Feedback, *, post_id: int, order: ShownOrder | None = None
) -> Rendered:
    """Private feedback on a submission: right or wrong, why, attempts left, the solution;
    letters as the post showed them, "Run it"'s id too."""
    order = _order(exercise, order)
    verdict = result.verdict
    lines: list[str] = []
    if verdict.is_correct:
        if not result.earns_points:
            lines.append(f"✅ Correct! {REVIEW_NO_POINTS}")
        elif result.forgotten_since_posted:
            lines.append(f"✅ Correct! {FORGOTTEN_BEFORE}")
        elif result.solution_seen_before:
            lines.append(f"✅ Correct! {PRACTICE_ONLY}")
        else:
            lines.append(f"✅ Correct! **+{result.points} points**.")
        lines.append(worked_solution(exercise, order))
    else:
        lines.append("❌ Not quite.")
        if not result.earns_points:
            lines.append(REVIEW_NO_POINTS)
        elif result.forgotten_since_posted:
            lines.append(FORGOTTEN_BEFORE)
        elif result.solution_seen_before:
            lines.append(PRACTICE_ONLY)
        if result.repeated:
            lines.append("You tried this answer before, so it did not cost another attempt.")
        for blank in verdict.wrong_blanks:
            chosen = order.shown(blank.chosen)
            where = (
                f"Blank {blank_marker(blank.number)}: **{chosen}**"
                if isinstance(exercise, FillInTheBlank)
                else f"**{chosen}**"
            )
            lines.append(f"{where} - {blank.feedback}")
        if result.attempts_left > 0:
            lines.append(_attempts_left_line(result.attempts_left))
        else:
            lines.append("That was your last attempt.")
            lines.append(worked_solution(exercise, order))
    buttons: tuple[ButtonSpec, ...] = ()
    if exercise.run is not None:
        run = RunIt(post_id, order.to_ids(verdict.answer))
        buttons = (ButtonSpec("Run it", run, Style.SECONDARY),)
    return Rendered(content=fit("\n".join(lines)), buttons=buttons)


def _attempts_left_line(left: int) -> str:
    return f"{left} attempt{'s' if left != 1 else ''} left."


def out_of_attempts(exercise: AnyExercise, order: ShownOrder | None = None) -> Rendered:
    text = "You have used every attempt on this exercise.\n" + worked_solution(exercise, order)
    return Rendered(content=fit(text))


def already_solved() -> Rendered:
    return Rendered(content="You have already solved this one. Try `/practice` for another.")


def hint(exercise: AnyExercise, number: int, *, cost: int, newly_used: bool) -> Rendered:
    """Hint `number` (1-based); hints are shown in order, the last one again once all are used."""
    text = f"💡 Hint {number} of {len(exercise.hints)}: {exercise.hints[number - 1]}"
    if newly_used and cost:
        text += f"\n(A correct answer now earns {cost} points less.)"
    return Rendered(content=text)


def fit(text: str, limit: int = 2000) -> str:
    """Discord allows 2000 characters in a message; cut long text at a line."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 2].rsplit("\n", 1)[0]
    return cut + "\n…"


def help_text(commands: Sequence[tuple[str, str]]) -> str:
    lines = ["**How to practise**"]
    lines += [f"`{name}` - {summary}" for name, summary in commands]
    lines += [
        "",
        "Multiple-choice: click the letter of your answer.",
        "Fill in the blanks: click **Answer**, pick an option for each blank, then **Submit**.",
        "Your feedback is private. Each exercise allows a few attempts; **Hint** costs points.",
    ]
    return "\n".join(lines)


def role_mention(role_id: int) -> str:
    """How a message mentions a role (whether it pings is the sender's allowed mentions)."""
    return f"<@&{role_id}>"
