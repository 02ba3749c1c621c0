"""When a daily quiz closes, and its results as text and as a chart."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from PIL import Image

from bot.quiz.chart import pick_rate_chart
from bot.quiz.summary import (
    QuestionResult,
    QuizResults,
    Scorer,
    blanks_of,
    closes_at,
    summary_text,
)
from exercises.shown_order import ShownOrder

BERLIN = ZoneInfo("Europe/Berlin")


def test_a_quiz_closes_at_the_next_days_post_even_when_that_day_is_short() -> None:
    # 09:00 on Saturday 28 March 2026 (08:00 UTC); Sunday's 09:00 is 07:00 UTC: 23 hours.
    due = datetime(2026, 3, 28, 8, 0, tzinfo=UTC)
    assert closes_at(date(2026, 3, 28), due, time(9, 0), BERLIN) == datetime(
        2026, 3, 29, 7, 0, tzinfo=UTC
    )


def test_a_quiz_closes_after_24_hours_when_the_next_day_is_long() -> None:
    # 09:00 on Saturday 24 October 2026 (07:00 UTC); Sunday's 09:00 is 08:00 UTC: 25 hours.
    due = datetime(2026, 10, 24, 7, 0, tzinfo=UTC)
    assert closes_at(date(2026, 10, 24), due, time(9, 0), BERLIN) == datetime(
        2026, 10, 25, 7, 0, tzinfo=UTC
    )


def results() -> QuizResults:
    blanks = blanks_of(
        ShownOrder("ABCD"), "CA", [(0, "C", 2, 0.5), (0, "A", 2, 0.5), (1, "A", 4, 1.0)]
    )
    return QuizResults(
        date(2026, 3, 28),
        (Scorer(1, "<@123456789012345678> *dana*", 30, 1), Scorer(2, None, 0, 0)),
        (QuestionResult("Two blanks", 4, 1, blanks),),
    )


def test_the_text_names_scorers_plainly_and_lists_every_option_per_blank() -> None:
    lines = summary_text(results()).splitlines()
    assert lines[1] == "2 members answered, 1 solved at least one."
    assert lines[2] == "Top scorers: <@\u200b123456789012345678> \\*dana\\* (30 points)"
    assert lines[-2:] == [
        "   blank 1: A 50% · B 0% · C ✓ 50% · D 0%",
        "   blank 2: A ✓ 100% · B 0% · C 0% · D 0%",
    ]


def test_nobody_answered() -> None:
    empty = QuizResults(date(2026, 3, 28), (), ())
    assert summary_text(empty).splitlines()[1] == "Nobody answered this one."


def test_the_chart_is_a_small_png_with_a_row_per_option() -> None:
    png = pick_rate_chart(results())
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    assert image.size == (480, 10 + 22 + (1 + 8) * 18)
    assert len(png) < 20_000
