"""A run report as a member reads it: pure markdown, within Discord's limits.

What arrived goes in a code block: the status, the headers that matter, the body; a body that
arrived in pieces (a stream) is shown piece by piece with the time each arrived, since that is
the lesson of the streaming pack. An error, the values a coroutine returned and what it printed
go in the block too. Nothing from a run can break out of the block: backticks inside it never
stand next to each other. The time is the run's own, measured in its process.
"""

from __future__ import annotations

from collections.abc import Sequence
from http import HTTPStatus
from typing import Any

from bot.escapes import escape_markdown
from bot.render import code_block
from wire.runs import Piece, ResponseReport, RunReport

CONTENT_LIMIT = 2000
"""Characters of a message's content on Discord (an embed's description takes 4,096)."""
HIDDEN_HEADERS = frozenset({"content-length"})
"""Headers that tell a learner nothing about the example."""
SHOWN_HEADERS = 8
LINE_CHARS = 200
"""Characters of one header or error line, before `…`."""


def fenced(text: str) -> str:
    """A plain code block (no language) that no text can close early."""
    return code_block(text, language="")


def run_markdown(label: str, report: RunReport, budget: int = CONTENT_LIMIT) -> str:
    """`label` (already markdown, e.g. "Your choice option A") and the run, in at most
    `budget` characters."""
    if report.timed_out:
        return f"{label}: did not finish: the run timed out after {report.elapsed:g} s"
    title = f"{label} · {report.elapsed:.2f} s"
    tail = [f"⚠ {_line(escape_markdown(warning))}" for warning in report.warnings]
    tail = tail[:2]
    head, body, after = _block_parts(report)
    fixed = len(title) + sum(len(line) + 1 for line in tail) + len(fenced("")) + 2
    room = budget - fixed - sum(len(line) + 1 for line in head + after)
    lines = [*head, *_fit(body, room), *after]
    return "\n".join([title, fenced("\n".join(lines)) if lines else "(nothing)", *tail])


def _block_parts(report: RunReport) -> tuple[list[str], list[str], list[str]]:
    """The block's lines: those always shown, the body (cut to fit), and those after it.
    An exception comes first; the 500 page Django makes of it would only hide it."""
    head: list[str] = []
    body: list[str] = []
    after: list[str] = []
    response = report.response
    if report.error is not None:
        where = f" (line {report.error.line})" if report.error.line else ""
        head.append(_line(f"{report.error.type}: {report.error.message}{where}"))
        if not report.compiled:
            head.append("(it did not compile: nothing ran)")
        elif response is not None:
            head.append(f"(the view raised it: the answer was {_status(response.status)})")
    elif response is not None:
        head = _status_and_headers(response)
        body = _pieces(response.pieces) if response.pieces else response.body.splitlines()
        if response.truncated:
            after.append("… (the body goes on)")
    elif report.returns:
        body = [f"returned {_value(value)}" for value in report.returns[:3]]
    if report.output:
        body += ["printed:", *report.output.splitlines()]
    return head, body, after


def _status(code: int) -> str:
    try:
        return f"{code} {HTTPStatus(code).phrase}"
    except ValueError:
        return str(code)


def _status_and_headers(response: ResponseReport) -> list[str]:
    shown = [(name, value) for name, value in response.headers if name not in HIDDEN_HEADERS]
    if not response.headers and response.content_type:  # a report without them
        shown = [("content-type", response.content_type)]
    lines = [_status(response.status)]
    lines += [_line(f"{name}: {value}") for name, value in shown[:SHOWN_HEADERS]]
    return [*lines, ""]


def _pieces(pieces: Sequence[Piece]) -> list[str]:
    """Each piece on its own lines, its time first; later lines of a piece indented."""
    lines: list[str] = []
    for piece in pieces:
        text = piece.text.strip("\n").splitlines() or [""]
        stamp = f"[{piece.at:5.2f} s] "
        lines.append(stamp + text[0])
        lines += [" " * len(stamp) + more for more in text[1:]]
    return lines


def _fit(body: list[str], room: int) -> list[str]:
    """As many of the body's lines as fit in `room` characters, then how many were left."""
    kept: list[str] = []
    used = 0
    for index, line in enumerate(body):
        if used + len(line) + 1 > room - 30:  # room for the note below
            left = len(body) - index
            cut = line[: max(0, room - used - 31)]
            return [*kept, *([cut] if cut else []), f"… ({left} more line(s) not shown)"]
        kept.append(line)
        used += len(line) + 1
    return kept


def _value(value: Any) -> str:
    return _line(repr(value))


def _line(text: str) -> str:
    text = " ".join(text.splitlines())
    return text if len(text) <= LINE_CHARS else text[: LINE_CHARS - 1] + "…"
