"""What an exercise is: frozen dataclasses, built only by the loader.

Pure data: no I/O, no Discord, Django, HTTP or database imports. Everything a learner
sees that derives from the answer key (letters, the final-answer line) is computed here,
never typed by an author.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
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


@dataclass(frozen=True)
class Option:
    """One lettered choice. `is_code` options are shown in the message body as code."""

    letter: str
    text: str
    is_code: bool = False


@dataclass(frozen=True)
class Request:
    """The HTTP request the tutor service sends to an example view."""

    method: str = "GET"
    path: str = "/"
    query: Mapping[str, str] = field(default_factory=dict)
    headers: Mapping[str, str] = field(default_factory=dict)
    body: str | None = None
    json: Any = None
    disconnect_after: float | None = None
    """Seconds after which the client leaves (disconnects), for examples about disconnects."""


@dataclass(frozen=True)
class Expectation:
    """What a run must show; every field that is not None must hold."""

    status: int | None = None
    content_type: str | None = None
    json: Any = None
    body: str | None = None
    body_contains: str | None = None
    returns: Any = None
    raises: str | None = None
    message_contains: str | None = None
    warning_contains: str | None = None
    min_seconds: float | None = None
    max_seconds: float | None = None

    @property
    def says_what_comes_back(self) -> bool:
        """A bare status is not an expectation: the outcome itself must be named."""
        outcome = (self.json, self.body, self.body_contains, self.returns, self.raises)
        return any(value is not None for value in outcome)


class RunTarget(StrEnum):
    """What the tutor service runs for an exercise."""

    FILLED_CODE = "filled-code"  # fill-in-the-blank: the template with a fill
    SNIPPET = "snippet"  # multiple-choice: the question's one snippet
    OPTIONS = "options"  # multiple-choice: each option's code


@dataclass(frozen=True)
class Run:
    """How to run an example: its entry point, the request, and the correct outcome."""

    target: RunTarget
    expect: Expectation
    view: str | None = None
    coroutine: str | None = None
    prelude: str = ""
    route: str | None = None
    middleware: tuple[str, ...] = ()
    request: Request = field(default_factory=Request)
    concurrent: int = 1

    @property
    def entry_point(self) -> str:
        name = self.view or self.coroutine
        assert name is not None, "the loader guarantees an entry point"
        return name


@dataclass(frozen=True)
class Blank:
    """A numbered blank of a template: its correct letter and why each other letter is wrong."""

    number: int
    answer: str
    feedback: Mapping[str, str]
    expect: Mapping[str, Expectation] = field(default_factory=dict)


@dataclass(frozen=True)
class Pack:
    id: str
    title: str
    topic: str
    description: str


@dataclass(frozen=True, kw_only=True)
class Exercise:
    """Fields every kind shares. `id` is `<pack>/<slug>`, unique across packs.

    Code works with `AnyExercise`; each kind adds `kind`, `blank_count` (letters in an
    answer), `answer_key` (the correct letters, derived) and `final_answer`.
    """

    id: str
    pack: str
    slug: str
    difficulty: Difficulty
    title: str
    prompt: str
    hints: tuple[str, ...]
    mistakes: tuple[str, ...]
    solution: tuple[str, ...]
    options: tuple[Option, ...]
    attempts: int = DEFAULT_ATTEMPTS
    run: Run | None = None
    content_hash: str = ""
    source: Path | None = None

    def option(self, letter: str) -> Option:
        for option in self.options:
            if option.letter == letter:
                return option
        raise KeyError(letter)

    @property
    def letters(self) -> str:
        return "".join(option.letter for option in self.options)


BLANK_MARKER_OPEN = "\u27e6"  # ⟦
BLANK_MARKER_CLOSE = "\u27e7"  # ⟧


def _as_in_file(letter: str) -> str:
    return letter


def blank_marker(number: int) -> str:
    return f"{BLANK_MARKER_OPEN}{number}{BLANK_MARKER_CLOSE}"


@dataclass(frozen=True, kw_only=True)
class FillInTheBlank(Exercise):
    """A code template with numbered blanks; each blank takes one of the shared options."""

    code: str
    blanks: tuple[Blank, ...]

    @property
    def kind(self) -> Kind:
        return Kind.FILL_IN_THE_BLANK

    @property
    def blank_count(self) -> int:
        return len(self.blanks)

    @property
    def answer_key(self) -> str:
        return "".join(blank.answer for blank in self.blanks)

    def fill(self, letters: str, *, unchosen: str | None = None) -> str:
        """The template with blank N filled by the option lettered `letters[N-1]`;
        a blank whose letter is `unchosen` keeps its marker (a choice still to make)."""
        if len(letters) != len(self.blanks):
            raise ValueError(f"{self.id} has {len(self.blanks)} blanks, got {letters!r}")
        code = self.code
        for blank, letter in zip(self.blanks, letters, strict=True):
            if letter != unchosen:
                code = code.replace(blank_marker(blank.number), self.option(letter).text)
        return code

    @property
    def solved_code(self) -> str:
        return self.fill(self.answer_key)

    @property
    def final_answer(self) -> str:
        return self.final_answer_shown(_as_in_file)

    def final_answer_shown(self, shown: Callable[[str], str]) -> str:
        """The final-answer line with each letter as `shown` (a post's order) gives it."""
        parts = [
            f"{blank_marker(blank.number)} = {shown(blank.answer)} "
            f"({self.option(blank.answer).text})"
            for blank in self.blanks
        ]
        return "Final answer: " + ", ".join(parts)


@dataclass(frozen=True, kw_only=True)
class MultipleChoice(Exercise):
    """A question with exactly one correct option and feedback for each wrong one."""

    correct: str
    feedback: Mapping[str, str]
    expect: Mapping[str, Expectation] = field(default_factory=dict)
    code: str | None = None

    @property
    def kind(self) -> Kind:
        return Kind.MULTIPLE_CHOICE

    @property
    def blank_count(self) -> int:
        return 1

    @property
    def answer_key(self) -> str:
        return self.correct

    @property
    def final_answer(self) -> str:
        return self.final_answer_shown(_as_in_file)

    def final_answer_shown(self, shown: Callable[[str], str]) -> str:
        """The final-answer line with the letter as `shown` (a post's order) gives it."""
        option = self.option(self.correct)
        text = option.text if not option.is_code else option.text.splitlines()[0] + " ..."
        return f"Final answer: {shown(self.correct)} ({text})"


AnyExercise = FillInTheBlank | MultipleChoice
