"""Checks across a loaded exercise's prose, code and options, and across exercises.

Each catches a mechanical kind of content mistake that an expert review found by hand:

- a first hint that contains the text of a correct option (hints cost points; the first
  should narrow the choice, only a later one may name the answer), or a word that only the
  correct option has (`first_hint_gives_away`);
- a blank with more than one wrong option that leaves the example unable to compile (syntax
  filler that no reader would pick; `uncompilable_options`);
- two exercises, in any loaded pack, with the same set of options;
- shown code, or its options, using a name that only the hidden `run.prelude` defines (the
  learner never sees the prelude, so the import must be in the shown code);
- prose that names a middleware's behaviour (CSRF, sessions, authentication) in an
  exercise whose run declares no middleware, so no run ever shows that behaviour;
- prose that names an option by its letter ("option B is ..."): each post shows the options
  in an order of its own (exercises.shown_order), so the file's letter is not the one seen.

Reads exercises only; parses and compiles code with `ast` and `compile()`, never runs it.
Each problem names the file and the field, like the loader's own.
"""

from __future__ import annotations

import ast
import keyword
import re
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path

from exercises.errors import Problem
from exercises.model import AnyExercise, FillInTheBlank, MultipleChoice

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_PARSE_FLAGS = ast.PyCF_ONLY_AST | ast.PyCF_ALLOW_TOP_LEVEL_AWAIT

MIDDLEWARE_BEHAVIOUR: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("CSRF", re.compile(r"\bcsrf", re.IGNORECASE)),
    ("sessions", re.compile(r"\bsessions?\b", re.IGNORECASE)),
    (
        "authentication",
        re.compile(
            r"\bauthenticat\w*|\brequest\.user\b|\blog(?:ged)?[ _-]?in\b|\blogin_required\b",
            re.IGNORECASE,
        ),
    ),
)
"""The keyword rule: a behaviour, and the words in prose that name it (case-insensitive)."""


def check_exercises(exercises: Sequence[AnyExercise], problems: list[Problem]) -> None:
    """Add one problem per finding, in load order; the exercises are already valid one by one."""
    seen: dict[frozenset[str], AnyExercise] = {}
    for exercise in exercises:
        _first_hint_names_an_answer(exercise, problems)
        _first_hint_gives_away(exercise, problems)
        _blanks_with_uncompilable_options(exercise, problems)
        _options_use_a_hidden_name(exercise, problems)
        _prose_names_middleware_behaviour(exercise, problems)
        _prose_names_an_option_by_letter(exercise, problems)
        key = frozenset(_normalised(option.text) for option in exercise.options)
        other = seen.setdefault(key, exercise)
        if other is not exercise:
            message = (
                f"are the same as those of {other.id} ({_file(other)}); "
                "two exercises should not ask the same choice"
            )
            problems.append(Problem(_file(exercise), "options", message))


def _file(exercise: AnyExercise) -> Path:
    return exercise.source or Path(exercise.id)


def _normalised(text: str) -> str:
    return " ".join(text.split())


def correct_texts(exercise: AnyExercise) -> list[str]:
    """The text of every correct option: each blank's answer, or the one correct choice."""
    if isinstance(exercise, FillInTheBlank):
        letters = dict.fromkeys(blank.answer for blank in exercise.blanks)
    else:
        letters = {exercise.correct: None}
    return [exercise.option(letter).text for letter in letters]


def _contains(text: str, fragment: str) -> bool:
    """`fragment` occurs in `text` as a whole: not as part of a longer name or number."""
    fragment = fragment.strip()
    if not fragment:
        return False
    before = r"(?<![A-Za-z0-9_])" if _wordish(fragment[0]) else ""
    after = r"(?![A-Za-z0-9_])" if _wordish(fragment[-1]) else ""
    return re.search(before + re.escape(fragment) + after, text) is not None


def _wordish(character: str) -> bool:
    return character.isascii() and (character.isalnum() or character == "_")


def _first_hint_names_an_answer(exercise: AnyExercise, problems: list[Problem]) -> None:
    first = exercise.hints[0]
    for text in correct_texts(exercise):
        if _contains(first, text):
            message = (
                f"contains {text!r}, the text of a correct option; the first hint should "
                "narrow the choice, and only a later hint may name the answer"
            )
            problems.append(Problem(_file(exercise), "hints[0]", message))
            return


STOP_WORDS = frozenset(
    (
        "about",
        "above",
        "after",
        "again",
        "against",
        "also",
        "among",
        "another",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "could",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "even",
        "every",
        "from",
        "further",
        "have",
        "having",
        "here",
        "into",
        "itself",
        "just",
        "like",
        "made",
        "make",
        "many",
        "more",
        "most",
        "much",
        "must",
        "near",
        "never",
        "none",
        "only",
        "onto",
        "other",
        "ones",
        "ours",
        "over",
        "same",
        "shall",
        "should",
        "some",
        "such",
        "than",
        "that",
        "their",
        "theirs",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "under",
        "until",
        "upon",
        "very",
        "what",
        "when",
        "where",
        "which",
        "while",
        "whom",
        "whose",
        "will",
        "with",
        "within",
        "without",
        "would",
        "your",
        "yours",
    )
)
"""Words of four letters or more too common to give an answer away."""

_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def words(text: str) -> set[str]:
    """The words of a text, lower-cased: runs of letters, digits and `_` (a name is one word)."""
    return {word.lower() for word in _WORD.findall(text)}


def giveaway_words(exercise: AnyExercise) -> list[str]:
    """The words of the first hint that appear in exactly one option, a correct one: at least
    four letters, not a stop word, and not in the prompt or the shown code."""
    known = words(exercise.prompt) | words(getattr(exercise, "code", None) or "")
    correct = {exercise.option(letter).text for letter in _correct_letters(exercise)}
    found = []
    for word in sorted(words(exercise.hints[0]) - known - STOP_WORDS):
        if len(word) < 4:
            continue
        having = [option.text for option in exercise.options if word in words(option.text)]
        if len(having) == 1 and having[0] in correct:
            found.append(word)
    return found


def _correct_letters(exercise: AnyExercise) -> list[str]:
    if isinstance(exercise, FillInTheBlank):
        return list(dict.fromkeys(blank.answer for blank in exercise.blanks))
    return [exercise.correct]


def _first_hint_gives_away(exercise: AnyExercise, problems: list[Problem]) -> None:
    found = giveaway_words(exercise)
    if found:
        message = (
            f"has {', '.join(repr(word) for word in found)}, found in a correct option and in no "
            "other (nor in the prompt or code): the word alone points at the answer"
        )
        problems.append(Problem(_file(exercise), "hints[0]", message))


def uncompilable_options(exercise: FillInTheBlank) -> dict[int, list[str]]:
    """For each blank, the wrong letters that leave the example unable to compile when they
    fill that blank (every other blank holding its answer), by the stdlib `compile()`."""
    found: dict[int, list[str]] = {}
    for index, blank in enumerate(exercise.blanks):
        for option in exercise.options:
            if option.letter == blank.answer:
                continue
            letters = list(exercise.answer_key)
            letters[index] = option.letter
            try:
                with warnings.catch_warnings():  # "perhaps you missed a comma?" and the like
                    warnings.simplefilter("ignore", SyntaxWarning)
                    compile(exercise.fill("".join(letters)), "<example>", "exec")
            except SyntaxError:
                found.setdefault(blank.number, []).append(option.letter)
    return found


def _blanks_with_uncompilable_options(exercise: AnyExercise, problems: list[Problem]) -> None:
    if not isinstance(exercise, FillInTheBlank):
        return
    for number, letters in uncompilable_options(exercise).items():
        if len(letters) > 1:
            texts = ", ".join(repr(exercise.option(letter).text) for letter in letters)
            message = (
                f"has {len(letters)} wrong options that do not even compile there ({texts}); at "
                "most one may: every option should be a plausible wrong answer for some blank"
            )
            problems.append(Problem(_file(exercise), f"blanks.{number}", message))


def _parse(code: str) -> ast.AST | None:
    try:
        tree: ast.AST = compile(code, "<option>", "exec", _PARSE_FLAGS)
    except SyntaxError:
        return None
    return tree


def bound_names(code: str) -> set[str]:
    """Every name the code binds anywhere: imports, defs, classes, assignments, parameters."""
    tree = _parse(code)
    if tree is None:
        return set()
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            names.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
    return names


def used_names(code: str) -> set[str]:
    """The names the code reads; for a fragment that is not Python alone, every identifier."""
    tree = _parse(code)
    if tree is None:
        return {name for name in _IDENTIFIER.findall(code) if not keyword.iskeyword(name)}
    return {
        node.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)
    }


def _options_use_a_hidden_name(exercise: AnyExercise, problems: list[Problem]) -> None:
    run = exercise.run
    if run is None or not run.prelude:
        return
    if isinstance(exercise, FillInTheBlank):
        shown: str | None = exercise.solved_code
    else:
        shown = exercise.code
    if shown is None:
        return  # options shown on their own: the prelude holds what they share
    hidden = bound_names(run.prelude) - bound_names(shown)
    in_options = set().union(*(used_names(option.text) for option in exercise.options))
    in_code = used_names(shown) - (in_options if isinstance(exercise, FillInTheBlank) else set())
    found_in_code = sorted(in_code & hidden)  # a blank's option is named on its own, below
    if found_in_code:
        problems.append(Problem(_file(exercise), "code", _hidden_message(found_in_code)))
    for index, option in enumerate(exercise.options):
        if isinstance(exercise, MultipleChoice) and not option.is_code:
            continue
        found = sorted(used_names(option.text) & hidden)
        if found:
            field = f"options[{index}]" + (".code" if option.is_code else "")
            problems.append(Problem(_file(exercise), field, _hidden_message(found)))


def _hidden_message(names: list[str]) -> str:
    return (
        f"uses {', '.join(names)}, which only the hidden run.prelude defines; learners never "
        "see the prelude, so define or import it in the shown code"
    )


def prose(exercise: AnyExercise) -> Iterator[tuple[str, str]]:
    """(field, text) for everything a learner reads as prose, in the file's order."""
    yield "prompt", exercise.prompt
    for key in ("hints", "mistakes", "solution"):
        for index, text in enumerate(getattr(exercise, key)):
            yield f"{key}[{index}]", text
    if isinstance(exercise, FillInTheBlank):
        for blank in exercise.blanks:
            for letter, text in sorted(blank.feedback.items()):
                yield f"blanks.{blank.number}.feedback.{letter}", text
    else:
        for index, option in enumerate(exercise.options):
            if not option.is_code:
                yield f"options[{index}].text", option.text
            if option.letter in exercise.feedback:
                yield f"options[{index}].feedback", exercise.feedback[option.letter]


def _prose_names_middleware_behaviour(exercise: AnyExercise, problems: list[Problem]) -> None:
    run = exercise.run
    if run is None or run.middleware:
        return
    for field, text in prose(exercise):
        for behaviour, pattern in MIDDLEWARE_BEHAVIOUR:
            found = pattern.search(text)
            if found:
                message = (
                    f"names {behaviour} ({found.group(0)!r}), a middleware's behaviour, but "
                    "run.middleware declares none, so no run shows it; declare the middleware "
                    "(see `middleware` in exercises/README.md)"
                )
                problems.append(Problem(_file(exercise), field, message))
                return


OPTION_BY_LETTER = re.compile(r"\b(?i:options?|answers?|choices?|letters?)\s+\(?[A-D]\b")
"""'option B', 'Answer (C)', 'choices A and D': an option named by a letter."""


def _prose_names_an_option_by_letter(exercise: AnyExercise, problems: list[Problem]) -> None:
    for field, text in prose(exercise):
        found = OPTION_BY_LETTER.search(text)
        if found:
            message = (
                f"names an option by its letter ({found.group(0)!r}); each post shows the "
                "options in an order of its own, so name the option by its text instead"
            )
            problems.append(Problem(_file(exercise), field, message))
