"""The rules of an exercise file: one parsed TOML table -> FillInTheBlank or MultipleChoice.

Each rule that fails adds one Problem naming the field; nothing is guessed or converted.
The correct version's code must parse (`ast.parse`); it is never executed here.
"""

from __future__ import annotations

import ast
import hashlib
import json
import re
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar

from exercises.errors import Problem
from exercises.fields import Fields
from exercises.model import (
    BLANK_MARKER_CLOSE,
    BLANK_MARKER_OPEN,
    DEFAULT_ATTEMPTS,
    LETTERS,
    MAX_BLANKS,
    AnyExercise,
    Blank,
    Difficulty,
    Expectation,
    FillInTheBlank,
    Kind,
    MultipleChoice,
    Option,
    Run,
    RunTarget,
    blank_marker,
)
from exercises.run_schema import read_expectation, read_run

ID_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")
_MARKER = re.compile(re.escape(BLANK_MARKER_OPEN) + r"(\d+)" + re.escape(BLANK_MARKER_CLOSE))
_E = TypeVar("_E", bound=StrEnum)


def read_exercise(
    data: dict[str, Any], file: Path, pack_id: str, problems: list[Problem]
) -> AnyExercise | None:
    before = len(problems)
    fields = Fields(data, file, problems)
    slug = fields.text("slug")
    if slug is not None and not ID_PATTERN.match(slug):
        fields.problem("slug", "must be lowercase letters, digits and '-'")
    kind = _choice(fields, "kind", Kind)
    common: dict[str, Any] = {
        "id": f"{pack_id}/{slug}",
        "pack": pack_id,
        "slug": slug,
        "difficulty": _choice(fields, "difficulty", Difficulty),
        "title": fields.text("title", max_length=80),
        "prompt": fields.text("prompt"),
        "hints": fields.text_list("hints"),
        "mistakes": fields.text_list("mistakes"),
        "solution": fields.text_list("solution"),
        "attempts": fields.integer("attempts", required=False, low=1, high=10) or DEFAULT_ATTEMPTS,
        "content_hash": _content_hash(pack_id, data),
        "source": file,
    }
    exercise: AnyExercise | None = None
    if kind is Kind.FILL_IN_THE_BLANK:
        exercise = _read_fill_in_the_blank(fields, common)
    elif kind is Kind.MULTIPLE_CHOICE:
        exercise = _read_multiple_choice(fields, common)
    fields.finish()
    return exercise if len(problems) == before else None


def _content_hash(pack_id: str, data: dict[str, Any]) -> str:
    """Stable across formatting and key order: a hash of what the file says, not its bytes."""
    canonical = json.dumps([pack_id, data], sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def _choice(fields: Fields, key: str, kind: type[_E]) -> _E | None:
    value = fields.text(key)
    if value is None:
        return None
    try:
        return kind(value)
    except ValueError:
        allowed = ", ".join(repr(member.value) for member in kind)
        fields.problem(key, f"is {value!r}; it must be one of {allowed}")
        return None


def _read_fill_in_the_blank(fields: Fields, common: dict[str, Any]) -> FillInTheBlank | None:
    code = fields.text("code")
    texts = fields.text_list("options", min_items=2, max_items=len(LETTERS))
    if len(set(texts)) != len(texts):
        fields.problem("options", "holds the same option twice")
    options = tuple(Option(letter, text) for letter, text in zip(LETTERS, texts, strict=False))
    letters = "".join(option.letter for option in options)
    numbers = _blank_numbers(fields, code) if code is not None else None
    blanks_table = fields.table("blanks")
    blanks: list[Blank] = []
    if blanks_table is not None and numbers is None:
        blanks_table.ignore_rest()  # the markers are wrong; matching blanks to them is moot
    elif blanks_table is not None and numbers is not None:
        blanks = _read_blanks(fields, blanks_table, numbers, letters)
    if blanks_table is not None:
        blanks_table.finish()
    run = read_run(fields, RunTarget.FILLED_CODE, wrong_letters=letters)
    if code is None or not numbers or len(blanks) != len(numbers) or len(options) != len(texts):
        return None
    exercise = FillInTheBlank(**common, options=options, code=code, blanks=tuple(blanks), run=run)
    prelude = run.prelude if run else ""
    _check_python(
        fields, "code", prelude, exercise.solved_code, "with the correct options filled in"
    )
    if run is not None:
        _check_defines(fields, _with_prelude(prelude, exercise.solved_code), run)
    return exercise


def _read_blanks(
    fields: Fields, blanks_table: Fields, numbers: list[int], letters: str
) -> list[Blank]:
    """One Blank per marker; a marker without a table, or a table without a marker, is named."""
    declared = set(blanks_table.keys())
    for number in numbers:
        if str(number) not in declared:
            fields.problem(f"blanks.{number}", f"is missing: the code has {blank_marker(number)}")
    for key in sorted(declared):
        if not key.isdigit() or int(key) not in numbers:
            marker = f"{BLANK_MARKER_OPEN}{key}{BLANK_MARKER_CLOSE}"
            blanks_table.problem(key, f"has no {marker} in the code")
    blanks: list[Blank] = []
    for number in numbers:
        table = blanks_table.table(str(number), required=False)
        blank = _read_blank(table, number, letters) if table is not None else None
        if blank is not None:
            blanks.append(blank)
    return blanks


def _blank_numbers(fields: Fields, code: str) -> list[int] | None:
    """The blank numbers 1..n in the template, or None (reported) when they are unusable."""
    numbers = sorted({int(found) for found in _MARKER.findall(code)})
    stray = _MARKER.sub("", code)
    if BLANK_MARKER_OPEN in stray or BLANK_MARKER_CLOSE in stray:
        fields.problem("code", f"has a broken blank marker; write {blank_marker(1)}")
    if not numbers:
        fields.problem("code", f"has no blank; mark them {blank_marker(1)}, {blank_marker(2)} ...")
        return None
    elif numbers != list(range(1, len(numbers) + 1)) or len(numbers) > MAX_BLANKS:
        shown = ", ".join(blank_marker(number) for number in numbers)
        fields.problem(
            "code", f"has blanks {shown}; number them from 1 with no gaps, at most {MAX_BLANKS}"
        )
        return None
    return numbers


def _read_blank(table: Fields, number: int, letters: str) -> Blank | None:
    answer = table.text("answer")
    if answer is not None and answer not in letters:
        table.problem("answer", f"is {answer!r}, which is not among the options ({letters})")
        answer = None
    feedback: dict[str, str] = {}
    feedback_table = table.table("feedback")
    if feedback_table is not None and answer is not None:
        feedback = _feedback_per_wrong_letter(feedback_table, letters, answer)
    expect: dict[str, Expectation] = {}
    expect_table = table.table("expect", required=False)
    if expect_table is not None:
        for letter in sorted(expect_table.keys()):
            if letter not in letters or letter == answer:
                expect_table.problem(letter, f"must be a wrong option's letter ({letters})")
                continue
            found = read_expectation(expect_table, letter, required=True)
            if found is not None:
                expect[letter] = found
        expect_table.finish()
    table.finish()
    if answer is None or len(feedback) != len(letters) - 1:
        return None
    return Blank(number=number, answer=answer, feedback=feedback, expect=expect)


def _feedback_per_wrong_letter(table: Fields, letters: str, answer: str) -> dict[str, str]:
    feedback: dict[str, str] = {}
    for letter in sorted(table.keys()):
        if letter not in letters:
            table.problem(letter, f"is feedback for an option that does not exist ({letters})")
        elif letter == answer:
            table.problem(letter, "is feedback for the correct option; only wrong ones get it")
    for letter in letters:
        if letter == answer:
            continue
        text = table.text(letter)
        if text is not None:
            feedback[letter] = text
    table.finish()
    return feedback


def _read_multiple_choice(fields: Fields, common: dict[str, Any]) -> MultipleChoice | None:
    code = fields.text("code", required=False)
    tables = fields.tables("options", min_items=2, max_items=len(LETTERS))
    options: list[Option] = []
    correct: list[str] = []
    feedback: dict[str, str] = {}
    expect: dict[str, Expectation] = {}
    for letter, table in zip(LETTERS, tables, strict=False):
        text, shown_code = table.text("text", required=False), table.text("code", required=False)
        if (text is None) == (shown_code is None):
            table.problem("text", "give exactly one of `text` or `code`")
        options.append(Option(letter, shown_code or text or "", is_code=shown_code is not None))
        if table.boolean("correct", required=False):
            correct.append(letter)
            if table.has("feedback"):
                table.problem("feedback", "the correct option gets no feedback; wrong ones do")
            if table.has("expect"):
                table.problem("expect", "the correct option's outcome is `run.expect`")
        else:
            message = table.text("feedback")
            if message is not None:
                feedback[letter] = message
            found = read_expectation(table, "expect", required=False)
            if found is not None:
                expect[letter] = found
        table.finish()
    if len(correct) != 1 and tables:
        fields.problem("options", f"must have exactly one correct option, not {len(correct)}")
    run = read_run(fields, None, wrong_letters="")
    if run is not None and run.target is RunTarget.SNIPPET and code is None:
        fields.problem("run.target", "is 'snippet' but the question has no `code`")
    if run is not None and run.target is RunTarget.OPTIONS:
        for index, option in enumerate(options):
            if not option.is_code:
                fields.problem(f"options[{index}].code", "is needed: run.target is 'options'")
    if len(correct) != 1 or len(options) != len(tables) or not options:
        return None
    exercise = MultipleChoice(
        **common,
        options=tuple(options),
        correct=correct[0],
        feedback=feedback,
        expect=expect,
        code=code,
        run=run,
    )
    prelude = run.prelude if run else ""
    if code is not None:
        _check_python(fields, "code", prelude, code, "")
    if run is not None:
        correct_code = code if run.target is RunTarget.SNIPPET else exercise.option(correct[0]).text
        if run.target is RunTarget.OPTIONS:
            key = f"options[{LETTERS.index(correct[0])}].code"
            _check_python(fields, key, prelude, correct_code or "", "(the correct option)")
        _check_defines(fields, _with_prelude(prelude, correct_code or ""), run)
    return exercise


def _with_prelude(prelude: str, code: str) -> str:
    """What the tutor service runs: the prelude's lines, then the example's."""
    return f"{prelude}\n{code}" if prelude else code


def _check_python(fields: Fields, key: str, prelude: str, code: str, what: str) -> None:
    """Parse prelude and code together; a line is named in the part the author wrote it in."""
    try:
        ast.parse(_with_prelude(prelude, code))
    except SyntaxError as error:
        prelude_lines = prelude.count("\n") + 1 if prelude else 0
        line = (error.lineno or 0) - prelude_lines
        if line < 1:
            key, where = "run.prelude", f"line {error.lineno} of the prelude"
        else:
            where = f"line {line} of the code"
        fields.problem(key, f"is not valid Python {what}: {where}: {error.msg}".replace("  ", " "))


def _check_defines(fields: Fields, source: str, run: Run) -> None:
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return  # reported by _check_python
    defined = {
        node.name
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
    }
    field = "run.view" if run.view else "run.coroutine"
    if run.entry_point not in defined:
        fields.problem(field, f"names {run.entry_point!r}, which the example does not define")
    for name in run.middleware:
        if name.isidentifier() and name not in defined:  # dotted: checked by read_run
            fields.problem("run.middleware", f"names {name!r}, which the example does not define")
