"""/test's pure parts: which ten questions, the progress bar, the verdicts."""

from __future__ import annotations

import random
from collections import Counter

from bot.practice.pattern_test import choose_questions, chosen_line, progress_bar, verdict
from exercises import SHIPPED_PACKS, Difficulty, load_catalog
from tests.exercises.test_grading import gather_exercise


def test_ten_questions_three_easy_four_medium_three_hard_where_the_pack_allows() -> None:
    catalog = load_catalog(SHIPPED_PACKS)
    for pack in catalog.packs:
        chosen = choose_questions(catalog, pack, random.Random(7))
        levels = [e.difficulty for e in chosen]
        assert len(chosen) == len({e.id for e in chosen}) == min(10, len(catalog.in_pack(pack)))
        assert levels == sorted(levels, key=list(Difficulty).index)
        available = Counter(e.difficulty for e in catalog.in_pack(pack))
        counts = Counter(levels)
        for level, wanted in ((Difficulty.EASY, 3), (Difficulty.MEDIUM, 4), (Difficulty.HARD, 3)):
            assert counts[level] >= min(wanted, available[level])


def test_the_progress_bar_shows_the_current_question() -> None:
    assert progress_bar(3, 10) == "▰▰▰▱▱▱▱▱▱▱ question 4/10"
    assert progress_bar(0, 3) == "▱▱▱ question 1/3"


def test_verdicts() -> None:
    assert verdict(3, 3) == "strong"
    assert verdict(2, 4) == "getting there"
    assert verdict(1, 3) == "needs review"


def test_the_blanks_not_chosen_yet_are_not_markdown() -> None:
    """ "_" marks them: escaped, so Discord shows "(1:A 2:_ 3:_)", not italics."""
    line = chosen_line(gather_exercise(), "A__")

    assert line == "\nChoose blank 2 of 3 (1:A 2:\\_ 3:\\_)"
