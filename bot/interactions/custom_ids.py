"""The one registry of button custom_ids: a versioned prefix per kind of button, parsed strictly.

custom_ids are untrusted input (a modified client can send anything): each is matched by an
anchored pattern of bounded length, and anything else is refused, never guessed at. Every
id here fits Discord's 100-character limit.

An id names an option by the letter its post shows it under (exercises.shown_order: a post
made before names it by its file letter, as the post's marker says), so an id tells nothing
of the file's order; the feature takes the letters back to the file's through the post's
order, and refuses letters the post does not show.

    t1:a:{post}:{letter}           multiple-choice answer, on the public post
    t1:o:{post}                    "Answer" on a fill-in-the-blank post: opens a private panel
    t1:p:{post}:{chosen}:{N}{X}    on the panel: put option X in blank N ({chosen}: "A_C")
    t1:s:{post}:{chosen}           Submit on the panel
    t1:h:{post}                    Hint, on the public post
    t1:r:{post}:{answer}           "Run it": run the member's answer in the tutor service
    t1:t:{run}:{position}:{chosen} a choice on a private /test question ({chosen}: "A_C");
                                   once no blank is left open, it is the answer (t1:q
                                   named file letters: refused, `/test continue` re-shows)
    t1:x:{post}                    "Report a problem" on the public post: opens a modal
    t1:f:{member}                  /forget-me's confirmation, for that member only
    t1:m:{post}                    the "Report a problem" modal (a form, not a button)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Final

from exercises import LETTERS, MAX_BLANKS
from exercises.shown_order import UNCHOSEN as UNCHOSEN  # re-exported: ids hold it

VERSION: Final = "t1"
MAX_LENGTH: Final = 100

_POST = r"(?P<post_id>[1-9][0-9]{0,17})"
_LETTER = f"[{LETTERS}]"
_CHOSEN = rf"(?P<chosen>[{LETTERS}{UNCHOSEN}]{{1,{MAX_BLANKS}}})"


@dataclass(frozen=True)
class AnswerChoice:
    """A click on A-D under a multiple-choice post: the answer itself."""

    post_id: int
    letter: str

    TEMPLATE = rf"{VERSION}:a:{_POST}:(?P<letter>{_LETTER})"

    def to_id(self) -> str:
        return f"{VERSION}:a:{self.post_id}:{self.letter}"


@dataclass(frozen=True)
class OpenPanel:
    """ "Answer" under a fill-in-the-blank post: opens the member's private panel."""

    post_id: int

    TEMPLATE = rf"{VERSION}:o:{_POST}"

    def to_id(self) -> str:
        return f"{VERSION}:o:{self.post_id}"


@dataclass(frozen=True)
class PanelChoice:
    """A choice on the panel: puts `letter` in blank `blank`; `chosen` is the panel's state."""

    post_id: int
    chosen: str
    blank: int
    letter: str

    TEMPLATE = rf"{VERSION}:p:{_POST}:{_CHOSEN}:(?P<blank>[1-{MAX_BLANKS}])(?P<letter>{_LETTER})"

    def to_id(self) -> str:
        return f"{VERSION}:p:{self.post_id}:{self.chosen}:{self.blank}{self.letter}"

    def chosen_after(self) -> str:
        """The panel's choices once this click is applied."""
        index = self.blank - 1
        return self.chosen[:index] + self.letter + self.chosen[index + 1 :]


@dataclass(frozen=True)
class Submit:
    """Submit on the panel, carrying the choices made so far."""

    post_id: int
    chosen: str

    TEMPLATE = rf"{VERSION}:s:{_POST}:{_CHOSEN}"

    def to_id(self) -> str:
        return f"{VERSION}:s:{self.post_id}:{self.chosen}"


@dataclass(frozen=True)
class Hint:
    post_id: int

    TEMPLATE = rf"{VERSION}:h:{_POST}"

    def to_id(self) -> str:
        return f"{VERSION}:h:{self.post_id}"


@dataclass(frozen=True)
class RunIt:
    """ "Run it": show what really happens for the member's answer and for the correct one."""

    post_id: int
    answer: str

    TEMPLATE = rf"{VERSION}:r:{_POST}:(?P<answer>{_LETTER}{{1,{MAX_BLANKS}}})"

    def to_id(self) -> str:
        return f"{VERSION}:r:{self.post_id}:{self.answer}"


@dataclass(frozen=True)
class PatternTestChoice:
    """A click on a /test question: the letters chosen so far, including this click."""

    run_id: int
    position: int
    chosen: str

    TEMPLATE = rf"{VERSION}:t:(?P<run_id>[1-9][0-9]{{0,17}}):(?P<position>[0-9]{{1,2}}):{_CHOSEN}"

    def to_id(self) -> str:
        return f"{VERSION}:t:{self.run_id}:{self.position}:{self.chosen}"


@dataclass(frozen=True)
class Report:
    """ "Report a problem" on a post: asks the member for a short reason in a modal."""

    post_id: int

    TEMPLATE = rf"{VERSION}:x:{_POST}"

    def to_id(self) -> str:
        return f"{VERSION}:x:{self.post_id}"


@dataclass(frozen=True)
class ForgetMe:
    """The confirmation under /forget-me; only the member it names may press it."""

    member_id: int

    TEMPLATE = rf"{VERSION}:f:(?P<member_id>[1-9][0-9]{{0,19}})"

    def to_id(self) -> str:
        return f"{VERSION}:f:{self.member_id}"


ButtonId = (
    AnswerChoice
    | OpenPanel
    | PanelChoice
    | Submit
    | Hint
    | RunIt
    | Report
    | ForgetMe
    | PatternTestChoice
)
KINDS: Final[tuple[type[ButtonId], ...]] = (
    AnswerChoice,
    OpenPanel,
    PanelChoice,
    Submit,
    Hint,
    RunIt,
    Report,
    ForgetMe,
    PatternTestChoice,
)
_NUMBERS: Final = frozenset(
    {"post_id", "blank", "member_id", "run_id", "position"}
)  # groups that hold numbers; the rest are letters
_PATTERNS: Final = tuple((kind, re.compile(kind.TEMPLATE)) for kind in KINDS)


def parse(custom_id: str) -> ButtonId | None:
    """The button a custom_id names, or None when it is not one of ours, exactly."""
    if len(custom_id) > MAX_LENGTH or not custom_id.startswith(f"{VERSION}:"):
        return None
    for kind, pattern in _PATTERNS:
        match = pattern.fullmatch(custom_id)
        if match:
            return from_match(kind, match)
    return None


def from_match(kind: type[ButtonId], match: re.Match[str]) -> ButtonId:
    """Build the typed id from a full match of `kind.TEMPLATE`.

    Each template's groups are named after its class's fields, so no kind needs its own code.
    """
    values: dict[str, Any] = {
        name: int(value) if name in _NUMBERS else value for name, value in match.groupdict().items()
    }
    return kind(**values)


@dataclass(frozen=True)
class ReportForm:
    """The "Report a problem" modal for a post; routed by its id, like buttons, so that a
    form opened before a restart is still received after it."""

    post_id: int

    TEMPLATE = rf"{VERSION}:m:{_POST}"

    def to_id(self) -> str:
        return f"{VERSION}:m:{self.post_id}"


_REPORT_FORM: Final = re.compile(ReportForm.TEMPLATE)


def parse_form(custom_id: str) -> ReportForm | None:
    """The modal a custom_id names, or None when it is not one of ours, exactly."""
    match = _REPORT_FORM.fullmatch(custom_id) if len(custom_id) <= MAX_LENGTH else None
    return ReportForm(int(match["post_id"])) if match else None
