"""Item analytics: how each exercise fares with the members who answered it, and the flags
that tell moderators and authors which ones to look at again.

Pure: `ItemStats` is one version of one exercise (an exercise whose content changed is
counted apart per content hash) as the store counted it; the flag rules are functions of
these numbers alone (their rules are written out in docs/moderators.md, "Item flags").

A "go" is one member's answers on one post: its first answer decides the first-try solve
and the pick counts, any correct answer the final solve. A /test question is a post of its
own with one answer and no hint offered: its go's first answer is its final one, and the
hint rate is of the goes that could take a hint (not `tested` ones).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from statistics import median

MIN_MEMBERS = 20
"""No flag says anything below this many members: one member's wrong first pick would make
an exercise "misleading", and a hard one that member solved "mislabelled"."""
TOO_EASY_ABOVE = 0.9
TOO_HARD_BELOW = 0.2


class Flag(StrEnum):
    TOO_EASY = "too easy"
    TOO_HARD = "too hard"
    MISLEADING = "misleading"
    MISLABELLED = "mislabelled"


@dataclass(frozen=True, slots=True)
class WrongPick:
    """The wrong option picked most often at a first answer, and its share of them."""

    blank: int  # 0-based; a multiple-choice question has one blank
    option: str  # its letter in the exercise file
    share: float


@dataclass(frozen=True, slots=True)
class ItemStats:
    """One version of one exercise, from what members did with its posts."""

    exercise_id: str
    content_hash: str
    difficulty: str
    posts: int
    members: int = 0
    goes: int = 0
    first_try: int = 0  # goes solved by their first answer
    solved: int = 0  # goes solved in the end
    hinted: int = 0  # goes with a hint taken
    tested: int = 0  # goes that were /test answers: one answer, no hint offered
    median_seconds: float | None = None  # from the post to a go's first answer
    reports: int = 0
    right: str | None = None  # the correct letters, one per blank (None: never solved)
    first_picks: Mapping[tuple[int, str], int] = field(default_factory=dict)
    """(blank, letter) -> how many first answers picked it."""

    @property
    def pack(self) -> str:
        return self.exercise_id.split("/", 1)[0]

    @property
    def first_try_rate(self) -> float | None:
        return self.first_try / self.goes if self.goes else None

    @property
    def solve_rate(self) -> float | None:
        return self.solved / self.goes if self.goes else None

    @property
    def hint_rate(self) -> float | None:
        """Of the goes that could take a hint: /test offers none."""
        could = self.goes - self.tested
        return self.hinted / could if could else None

    def most_picked_wrong(self) -> WrongPick | None:
        if self.right is None or not self.goes:
            return None
        wrong = [
            (count, -blank, option, blank)
            for (blank, option), count in self.first_picks.items()
            if count and blank < len(self.right) and option != self.right[blank]
        ]
        if not wrong:
            return None
        count, _, option, blank = max(wrong)
        return WrongPick(blank, option, count / self.goes)


def _enough_members(item: ItemStats) -> bool:
    return item.members >= MIN_MEMBERS


def too_easy(item: ItemStats) -> bool:
    rate = item.first_try_rate
    return _enough_members(item) and rate is not None and rate > TOO_EASY_ABOVE


def too_hard(item: ItemStats) -> bool:
    rate = item.first_try_rate
    return _enough_members(item) and rate is not None and rate < TOO_HARD_BELOW


def misleading(item: ItemStats) -> bool:
    """For some blank, a wrong option was picked first more often than the right one."""
    if item.right is None or not _enough_members(item):
        return False
    for blank, right in enumerate(item.right):
        right_picks = item.first_picks.get((blank, right), 0)
        for (other_blank, option), count in item.first_picks.items():
            if other_blank == blank and option != right and count > right_picks:
                return True
    return False


def _median_rate(items: Sequence[ItemStats], difficulty: str) -> float | None:
    rates = [
        rate
        for i in items
        if i.difficulty == difficulty
        and _enough_members(i)
        and (rate := i.first_try_rate) is not None
    ]
    return median(rates) if rates else None


def mislabelled(item: ItemStats, pack: Sequence[ItemStats]) -> bool:
    """An easy exercise below the median first-try rate of its pack's hard ones, or a hard
    one above the median of its pack's easy ones (over the versions with enough members)."""
    rate = item.first_try_rate
    if rate is None or not _enough_members(item):
        return False
    if item.difficulty == "easy":
        hard = _median_rate(pack, "hard")
        return hard is not None and rate < hard
    if item.difficulty == "hard":
        easy = _median_rate(pack, "easy")
        return easy is not None and rate > easy
    return False


def flags(item: ItemStats, pack: Sequence[ItemStats]) -> tuple[Flag, ...]:
    """Every flag `item` earns, among `pack` (all versions of its pack's exercises)."""
    raised = (
        (Flag.TOO_EASY, too_easy(item)),
        (Flag.TOO_HARD, too_hard(item)),
        (Flag.MISLEADING, misleading(item)),
        (Flag.MISLABELLED, mislabelled(item, pack)),
    )
    return tuple(flag for flag, up in raised if up)
