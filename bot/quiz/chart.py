"""Small bar charts, Pillow: the pick rates attached to a quiz's results (one bar per option,
per question), and any other list of shares in groups (`bar_chart`, e.g. /tutor items).

Small on purpose (at most a few hundred pixels, drawn in memory, a few KB of PNG): the bot's
memory goal is 150 MB RSS, and Pillow draws this without a subprocess.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFont

from bot.quiz.summary import QuizResults

WIDTH = 480
ROW = 18
HEADING = 22
BAR_LEFT = 150
BAR_WIDTH = WIDTH - BAR_LEFT - 50
BACKGROUND = (255, 255, 255)
INK = (35, 39, 42)
RIGHT = (87, 242, 135)
WRONG = (153, 170, 181)


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    share: float  # 0 to 1
    good: bool  # drawn green (a right answer), else grey


@dataclass(frozen=True, slots=True)
class Group:
    title: str
    bars: tuple[Bar, ...]


def pick_rate_chart(results: QuizResults) -> bytes:
    """A PNG: per question (and blank) a bar for each option's share of first answers."""
    groups = [
        Group(
            f"{number}. {question.title}",
            tuple(
                Bar(
                    option.shown if len(question.blanks) == 1 else f"blank {b}: {option.shown}",
                    option.share,
                    option.correct,
                )
                for b, blank in enumerate(question.blanks, start=1)
                for option in blank
            ),
        )
        for number, question in enumerate(results.questions, start=1)
    ]
    return bar_chart(f"First answers, {results.local_date:%d %B}", groups)


def bar_chart(heading: str, groups: Sequence[Group]) -> bytes:
    """A PNG: the heading, then per group its title and one labelled bar per share."""
    rows = sum(1 + len(group.bars) for group in groups)
    image = Image.new("RGB", (WIDTH, 10 + HEADING + rows * ROW), BACKGROUND)
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default()
    draw.text((10, 6), heading, fill=INK, font=font)
    y = 6 + HEADING
    for group in groups:
        draw.text((10, y), group.title[:70], fill=INK, font=font)
        y += ROW
        for bar in group.bars:
            draw.text((30, y + 2), bar.label, fill=INK, font=font)
            length = round(BAR_WIDTH * bar.share)
            if length:
                colour = RIGHT if bar.good else WRONG
                draw.rectangle((BAR_LEFT, y + 3, BAR_LEFT + length, y + ROW - 3), fill=colour)
            text = f"{round(100 * bar.share)}%"
            draw.text((BAR_LEFT + length + 6, y + 2), text, fill=INK, font=font)
            y += ROW
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
