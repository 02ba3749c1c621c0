"""A daily quiz's results, as the bot posts them when the quiz closes. Pure.

A quiz closes at the next day's due time, or 24 hours after it was due, whichever is first.
The summary says how many answered and solved, names the top scorers (display names as
plain text, never mentions), and shows for each question how often each option was picked
first, so moderators see the common mistakes; the chart (bot.quiz.chart) draws the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.escapes import plain
from bot.quiz.due import due_on
from exercises import LETTERS
from exercises.shown_order import ShownOrder

TOP_SCORERS = 3
CLOSES_AFTER = timedelta(hours=24)


def closes_at(local_date: date, due_at: datetime, at: time, zone: ZoneInfo) -> datetime:
    """When the day's quiz closes: the next day's due time, at most 24 hours after it was due."""
    return min(due_on(local_date + timedelta(days=1), at, zone), due_at + CLOSES_AFTER)


@dataclass(frozen=True, slots=True)
class Scorer:
    member_id: int
    display_name: str | None
    points: int
    solves: int


@dataclass(frozen=True, slots=True)
class OptionShare:
    option: str  # the option's letter in the exercise file: what was stored
    picks: int
    share: float
    correct: bool
    shown: str  # the letter the quiz's post showed it under


@dataclass(frozen=True, slots=True)
class QuestionResult:
    title: str
    answered: int
    solved: int
    blanks: tuple[tuple[OptionShare, ...], ...]  # per blank, every option in the post's order


@dataclass(frozen=True, slots=True)
class QuizResults:
    local_date: date
    scorers: tuple[Scorer, ...]  # everyone who answered, best first
    questions: tuple[QuestionResult, ...]

    @property
    def answered(self) -> int:
        return len(self.scorers)

    @property
    def solved(self) -> int:
        return sum(1 for scorer in self.scorers if scorer.solves > 0)


def summary_text(results: QuizResults) -> str:
    lines = [f"**Daily quiz results** · {results.local_date:%A %d %B}"]
    if results.answered == 0:
        lines.append("Nobody answered this one.")
        return "\n".join(lines)
    members = "member" if results.answered == 1 else "members"
    lines.append(f"{results.answered} {members} answered, {results.solved} solved at least one.")
    top = [scorer for scorer in results.scorers if scorer.points > 0][:TOP_SCORERS]
    if top:
        names = ", ".join(f"{_plain(s)} ({s.points} points)" for s in top)
        lines.append(f"Top scorers: {names}")
    lines.append("First answers per question (✓ marks the right option):")
    for number, question in enumerate(results.questions, start=1):
        lines.append(
            f"{number}. {question.title}: {question.answered} answered, {question.solved} solved"
        )
        for blank_number, blank in enumerate(question.blanks, start=1):
            label = f"   blank {blank_number}: " if len(question.blanks) > 1 else "   "
            lines.append(label + " · ".join(_share(option) for option in blank))
    return "\n".join(lines)[:1900]  # room for a note the poster may add


def _share(option: OptionShare) -> str:
    mark = " ✓" if option.correct else ""
    return f"{option.shown}{mark} {round(100 * option.share)}%"


def _plain(scorer: Scorer) -> str:
    name = scorer.display_name or f"member {scorer.member_id}"
    return plain(name)


def blanks_of(
    order: ShownOrder, answer_key: str, picks: Sequence[tuple[int, str, int, float]]
) -> tuple[tuple[OptionShare, ...], ...]:
    """Every option of every blank with its share (0 when never picked), from store rows
    (which name options by their file letters), in the order and letters the post showed."""
    found = {(blank, option): (count, share) for blank, option, count, share in picks}
    return tuple(
        tuple(
            OptionShare(
                option,
                found.get((blank, option), (0, 0.0))[0],
                found.get((blank, option), (0, 0.0))[1],
                option == correct,
                shown,
            )
            for shown, option in zip(LETTERS, order.file_letters, strict=False)
        )
        for blank, correct in enumerate(answer_key)
    )
